#!/usr/bin/env bash
# GET /api/cases, first page with filters, under load on loopback, against a database that already holds a year
# of cases (made beforehand with the demo verb, e.g. for 10 million cases:
#   dotnet src/Grassroots.Web/bin/Release/net10.0/Grassroots.Web.dll demo --scale city --cases-per-day 30000 \
#     --contentRoot "$PWD/src/Grassroots.Web" --ConnectionStrings:Grassroots="Data Source=/path/tenm.db"   ).
# The KPI fold and the overdue sweep are held off while it runs, so the lists are what is measured.
# Usage: bench/list-load.sh DB [SECONDS]   (DB: a SQLite file, or a PostgreSQL connection string "Host=…;Port=…;Username=…;Database=…")
#           (default 8 s a filter; CONCURRENCY=8; WARMUP=15 s for the server first; PORT=5391)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DB="${1:?usage: bench/list-load.sh DB [SECONDS]}"
SECONDS_PER_RUN="${2:-8}"
CONCURRENCY="${CONCURRENCY:-8}"
WORK="$(mktemp -d /tmp/grassroots-list.XXXXXX)"
trap 'stop_server; cp "$WORK/server.log" /tmp/list-server.log 2>/dev/null; rm -rf "$WORK"' EXIT
export SERVER_ARGS="--Demo:Scale=none --Kpis:FoldInterval=12:00:00 --Supervision:SweepInterval=12:00:00 ${SERVER_ARGS:-}"

machine
build_release
build_driver

echo "== $(db_scalar "$DB" 'SELECT COUNT(*) FROM cases') cases, $(db_scalar "$DB" "SELECT COUNT(*) FROM cases WHERE \"DistrictCode\" = '320213000000'") in 梁溪区"

started=$(now)
start_server "$DB" "$WORK/server.log"
wait_healthy 600
echo "== ready in $(seconds_since "$started") s"

# The running cases' yellow notes (Case.YellowPassed) as the overdue sweep, held off here, keeps them every minute: a
# database the demo verb made hours ago, or one just migrated, has them as of then, which the city's yellow list reads
# right but slowly until the first sweep.
running="\"Status\" NOT IN ('Voided', 'Closed') AND \"ParkedAt\" IS NULL"
case "$DB" in
    Host=*) noted=$(db_scalar "$DB" "WITH n AS (UPDATE cases SET \"YellowPassed\" = NOT \"YellowPassed\" WHERE $running AND \"YellowPassed\" IS DISTINCT FROM COALESCE(\"StageYellowAt\" <= now(), FALSE) RETURNING 1) SELECT count(*) FROM n") ;;
    *) noted=$(sqlite3 -cmd ".timeout 30000" "$DB" "UPDATE cases SET \"YellowPassed\" = NOT \"YellowPassed\" WHERE $running AND \"YellowPassed\" <> COALESCE(\"StageYellowAt\" <= strftime('%Y-%m-%d %H:%M:%f', 'now'), 0); SELECT changes();") ;;
esac
echo "== yellow notes brought up to date: $noted cases"

run() {
    local who="$1" query="$2" auth
    auth="Authorization: Bearer $3"
    local count
    count=$(curl -s -H "$auth" "$BASE/api/cases?$query" | { grep -o '"trackingCode"' || true; } | wc -l)
    echo "-- $who: /api/cases?$query ($count on the page)"
    dotnet "$DRIVER" --url "$BASE/api/cases?$query" -c "$CONCURRENCY" -d "$SECONDS_PER_RUN" --warmup 2 --header "$auth" | { grep -E 'throughput|latency|not 2xx' || true; }
}

district="$(token lx.center)"
city="$(token admin)"
year="$(date -u +%Y)"
# A fresh server compiles its hot paths again at the optimising tier in its first seconds under load: WARMUP seconds
# (default 15) of lists, not measured, come first, so the first list measured is not the compiler's.
if [ "${WARMUP:-15}" -gt 0 ]; then
    dotnet "$DRIVER" --url "$BASE/api/cases?limit=50" --url "$BASE/api/cases?light=yellow" --url "$BASE/api/cases?region=320213021001" \
        -c "$CONCURRENCY" -d "${WARMUP:-15}" --warmup 0 --header "Authorization: Bearer $district" >/dev/null || true
fi
for q in "limit=50" "region=320213000000" "region=320213021001" "region=320213021001&light=yellow" "status=Dispatched,InProgress&limit=50" "light=red" "light=yellow" \
    "light=green" "overdue=true" "overdue=true&source=Resident" "category=S01&from=$year-06-01T00:00:00%2B08:00&to=$year-07-01T00:00:00%2B08:00"; do
    run "lx.center (梁溪区)" "$q" "$district"
done
for q in "limit=50" "light=yellow" "overdue=true" "status=Dispatched&limit=50" "status=Closed" "status=Voided" "status=Closed&category=B0101"; do
    run "admin (the city)" "$q" "$city"
done
# A street (read through its district's indexes and its path) and a grid worker's own grids (its community's index).
for q in "region=320213021000" "region=320213021000&light=yellow" "region=320213021000&overdue=true"; do
    run "lx.center (a street)" "$q" "$district"
done
grid="$(token lx.grid)"
for q in "limit=50" "light=yellow" "overdue=true"; do
    run "lx.grid (a grid worker)" "$q" "$grid"
done
# A handling unit: its own cases and those it cooperates on, in its district.
unit="$(token lx.unit)"
for q in "limit=50" "status=Dispatched,InProgress" "light=red" "status=Closed"; do
    run "lx.unit (梁溪区城市管理局)" "$q" "$unit"
done
echo "== RSS after the load $(rss_mb "$SERVER_PID") MB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
