#!/usr/bin/env bash
# GET /api/grids for one district's bounding box, at city scale, under load on loopback; and the
# server's resident memory after seeding, after the load, after a restart and after a second load.
# Usage: bench/grids-load.sh [SECONDS]   (default 15 s a run; PORT=5391, CONCURRENCY="8 32",
#        DISTRICTS="320213000000 320282000000" may be set in the environment)
# The load driver shares the machine's cores with the server, as it would on a one-box deployment.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SECONDS_PER_RUN="${1:-15}"
CONCURRENCY="${CONCURRENCY:-8 32}"
DISTRICTS="${DISTRICTS:-320213000000 320282000000}"
WORK="$(mktemp -d /tmp/grassroots-load.XXXXXX)"
DB="$WORK/load.db"
trap 'stop_server; rm -rf "$WORK"' EXIT

command -v sqlite3 >/dev/null || { echo "needs the sqlite3 command (apt-get install sqlite3)" >&2; exit 2; }

machine
build_release
build_driver

# The grid map is for signed-in staff: the load runs as the demo administrator, with a bearer token.
load_all() {
    local auth
    auth="Authorization: Bearer $(token admin)"
    for code in $DISTRICTS; do
        # The district's bounding box as stored by the seeder.
        read -r name bbox < <(sqlite3 -separator ' ' "$DB" \
            "SELECT Name, printf('%.7f,%.7f,%.7f,%.7f', MinLon, MinLat, MaxLon, MaxLat) FROM regions WHERE Code = '$code'")
        url="$BASE/api/grids?region=$code&bbox=$bbox"
        features=$(curl -s -H "$auth" "$url" | grep -o '"type":"Feature"' | wc -l)
        echo "-- $name $code: $features grids in the answer"
        for c in $CONCURRENCY; do
            dotnet "$DRIVER" --url "$url" -c "$c" -d "$SECONDS_PER_RUN" --warmup 3 --header "$auth"
            echo
        done
    done
}

started=$(now)
start_server "$DB" "$WORK/server.log"
wait_healthy 300
echo "== first start (seeding) ready in $(seconds_since "$started") s; RSS $(rss_mb "$SERVER_PID") MB"
sleep 5
echo "== RSS after seeding, 5 s idle: $(rss_mb "$SERVER_PID") MB"
load_all
echo "== RSS after the load: $(rss_mb "$SERVER_PID") MB; peak (VmHWM) $(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status") MB"
stop_server

started=$(now)
start_server "$DB" "$WORK/server-restart.log"
wait_healthy 60
echo "== restart ready in $(seconds_since "$started") s; RSS $(rss_mb "$SERVER_PID") MB"
sleep 5
echo "== RSS after restart, 5 s idle: $(rss_mb "$SERVER_PID") MB"
load_all
echo "== RSS after the load on the restarted server: $(rss_mb "$SERVER_PID") MB; peak (VmHWM) $(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status") MB"
stop_server
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
