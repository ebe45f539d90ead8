#!/usr/bin/env bash
# Resident memory of a first start of the embedded default (city registry and this year's cases) while the KPI fold
# takes up the year in the background: VmRSS every 5 s for SECONDS after /health first answers, then the peak.
# Usage: bench/first-start-memory.sh [SECONDS]   (default 180; PORT=5391; SERVER_ARGS adds settings)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SECONDS_TO_WATCH="${1:-180}"
WORK="$(mktemp -d /tmp/grassroots-memory.XXXXXX)"
trap 'stop_server; rm -rf "$WORK"' EXIT

machine
build_release
started=$(now)
start_server "$WORK/first.db" "$WORK/server.log"
wait_healthy 300
echo "== ready in $(seconds_since "$started") s; RSS $(rss_mb "$SERVER_PID") MB"
peak=0
samples=""
for _ in $(seq 1 $((SECONDS_TO_WATCH / 5))); do
    sleep 5
    rss=$(rss_mb "$SERVER_PID")
    [ "$rss" -gt "$peak" ] && peak=$rss
    samples="$samples $rss"
done
echo "== VmRSS every 5 s (MB):$samples"
echo "== peak $peak MB; last $(rss_mb "$SERVER_PID") MB; VmHWM $(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status") MB"
