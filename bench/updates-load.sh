#!/usr/bin/env bash
# Open311 GET servicerequestupdates (mySociety's extension: the steps the public may see, oldest first, a page of up to
# 1,000), GET requests with updated_after, and GET requests within a circle around the centre of 梁溪区 (the default
# window of 90 days), under load on loopback, against a database that already holds a year of
# cases (made beforehand with the demo verb, as for bench/list-load.sh):
#   dotnet src/Grassroots.Web/bin/Release/net10.0/Grassroots.Web.dll demo --scale city --cases-per-day 30000 \
#     --contentRoot "$PWD/src/Grassroots.Web" --ConnectionStrings:Grassroots="Data Source=/path/tenm.db"
# The KPI fold and the overdue sweep are held off while it runs. The endpoints are public: no token.
# Usage: bench/updates-load.sh DB [SECONDS]   (default 8 s a query; CONCURRENCY=8; WARMUP=15 s for the server first)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DB="${1:?usage: bench/updates-load.sh DB [SECONDS]}"
SECONDS_PER_RUN="${2:-8}"
CONCURRENCY="${CONCURRENCY:-8}"
WORK="$(mktemp -d /tmp/grassroots-updates.XXXXXX)"
trap 'stop_server; cp "$WORK/server.log" /tmp/updates-server.log 2>/dev/null; rm -rf "$WORK"' EXIT
# The public endpoints allow one address 120 requests a minute (Security:PublicPerMinute): the load comes from one.
export SERVER_ARGS="--Demo:Scale=none --Kpis:FoldInterval=12:00:00 --Supervision:SweepInterval=12:00:00 --Security:PublicPerMinute=1000000000 ${SERVER_ARGS:-}"

machine
build_release
build_driver

echo "== $(db_scalar "$DB" 'SELECT COUNT(*) FROM cases') cases, $(db_scalar "$DB" 'SELECT COUNT(*) FROM case_steps') steps"

started=$(now)
start_server "$DB" "$WORK/server.log"
wait_healthy 600
echo "== ready in $(seconds_since "$started") s"

O311="$BASE/open311/v2"
run() {
    local query="$1" count
    local item='"service_request_id"\|<service_request_id>'
    case "$query" in servicerequestupdates*) item='"update_id"\|<update_id>' ;; esac
    count=$(curl -s "$O311/$query" | { grep -o "$item" || true; } | wc -l)
    echo "-- /open311/v2/$query ($count on the page)"
    dotnet "$DRIVER" --url "$O311/$query" -c "$CONCURRENCY" -d "$SECONDS_PER_RUN" --warmup 2 | { grep -E 'requests:|throughput|latency' || true; }
}

# A day of the year's middle, a week from it, and the last day (no dates: what a client polling for news asks).
day="$(date -u +%Y)-06-03T00:00:00%2B08:00"
next="$(date -u +%Y)-06-04T00:00:00%2B08:00"
week="$(date -u +%Y)-06-10T00:00:00%2B08:00"
if [ "${WARMUP:-15}" -gt 0 ]; then
    dotnet "$DRIVER" --url "$O311/servicerequestupdates.json" --url "$O311/servicerequestupdates.json?start_date=$day&end_date=$next" \
        -c "$CONCURRENCY" -d "${WARMUP:-15}" --warmup 0 >/dev/null || true
fi
for q in "servicerequestupdates.json" "servicerequestupdates.xml" "servicerequestupdates.json?start_date=$day&end_date=$next" \
    "servicerequestupdates.json?start_date=$day&end_date=$week" "servicerequestupdates.json?start_date=$day&end_date=$week&page=100" \
    "servicerequestupdates.json?start_date=$day&end_date=$next&page_size=50" \
    "requests.json?updated_after=$day&updated_before=$next" "requests.json?updated_after=$day&updated_before=$next&extensions=true" \
    "requests.json?lat=31.5735&long=120.3002&radius=500" "requests.json?lat=31.5735&long=120.3002&radius=5000&page_size=100"; do
    run "$q"
done
echo "== RSS after the load $(rss_mb "$SERVER_PID") MB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
