#!/usr/bin/env bash
# Start-up time and resident memory of the Release server on SQLite with the city demo.
#   (a) a new database: the time from launching the process until /health answers 200, seeding included;
#   (b) a restart on the same database: the same time again.
# Resident memory (VmRSS from /proc/PID/status) is read when /health first answers and again after
# SETTLE seconds idle, for both starts.
# Usage: bench/startup.sh [RUNS]   (default 3; PORT=5391 and SETTLE=5 may be set in the environment)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RUNS="${1:-3}"
SETTLE="${SETTLE:-5}"
WORK="$(mktemp -d /tmp/grassroots-startup.XXXXXX)"
DB="$WORK/startup.db"
trap 'stop_server; rm -rf "$WORK"' EXIT

machine
build_release

for run in $(seq 1 "$RUNS"); do
    remove_db "$DB"
    started=$(now)
    start_server "$DB" "$WORK/first-$run.log"
    wait_healthy 300
    first=$(seconds_since "$started")
    rss_ready=$(rss_mb "$SERVER_PID")
    sleep "$SETTLE"
    rss_idle=$(rss_mb "$SERVER_PID")
    grids=$(curl -s "$BASE/health" | sed -n 's/.*"grids":\([0-9]*\).*/\1/p')
    # The seeder logs its own phases: generation, then storing; the rest is migration, snapshot load and host start.
    phases=$(grep -oE 'Generated .* in [0-9.]+ s|Demo city stored in [0-9.]+ s' "$WORK/first-$run.log" | sed -E 's/.* in ([0-9.]+ s)/\1/' | paste -sd/ -)
    stop_server

    started=$(now)
    start_server "$DB" "$WORK/restart-$run.log"
    wait_healthy 60
    again=$(seconds_since "$started")
    rss_again=$(rss_mb "$SERVER_PID")
    sleep "$SETTLE"
    rss_again_idle=$(rss_mb "$SERVER_PID")
    stop_server

    echo "run $run: first start ${first} s (seeder clock: generated/stored at ${phases}; ${grids} grids; RSS ${rss_ready} MB ready, ${rss_idle} MB after ${SETTLE} s)," \
        "restart ${again} s (RSS ${rss_again} MB ready, ${rss_again_idle} MB after ${SETTLE} s)"
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "database size: $(du -h "$DB" | cut -f1)"
