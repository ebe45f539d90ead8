#!/usr/bin/env bash
# GET /api/kpis for a node over the year to date, against a database that already holds a year of cases and its
# rollup (made beforehand with the demo verb, which writes the rollup with the cases; see bench/list-load.sh for the
# 10-million-case command). The KPI fold and the overdue sweep are held off, so the queries are what is measured.
# Usage: bench/kpi-load.sh DB [SECONDS]   (DB: a SQLite file, or a PostgreSQL connection string "Host=…")
#           (default 8 s a query; CONCURRENCY=1; PORT=5391)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DB="${1:?usage: bench/kpi-load.sh DB [SECONDS]}"
SECONDS_PER_RUN="${2:-8}"
CONCURRENCY="${CONCURRENCY:-1}"
WORK="$(mktemp -d /tmp/grassroots-kpi.XXXXXX)"
trap 'stop_server; cp "$WORK/server.log" /tmp/kpi-server.log 2>/dev/null; rm -rf "$WORK"' EXIT
export SERVER_ARGS="--Demo:Scale=none --Kpis:FoldInterval=12:00:00 --Supervision:SweepInterval=12:00:00 ${SERVER_ARGS:-}"

machine
build_release
build_driver

echo "== $(db_scalar "$DB" 'SELECT COUNT(*) FROM cases') cases, $(db_scalar "$DB" 'SELECT COUNT(*) FROM kpi_rollup') rollup rows"

started=$(now)
start_server "$DB" "$WORK/server.log"
wait_healthy 600
echo "== ready in $(seconds_since "$started") s"

run() {
    local who="$1" query="$2" auth
    auth="Authorization: Bearer $3"
    echo "-- $who: /api/kpis?$query"
    curl -s -H "$auth" "$BASE/api/kpis?$query" | head -c 400
    echo
    dotnet "$DRIVER" --url "$BASE/api/kpis?$query" -c "$CONCURRENCY" -d "$SECONDS_PER_RUN" --warmup 2 --header "$auth" | { grep -E 'throughput|latency|not 2xx' || true; }
}

district="$(token lx.center)"
city="$(token admin)"
year="$(date -u +%Y)"
today="$(TZ=Asia/Shanghai date +%F)"
for q in "node=320213000000&from=$year-01-01&to=$year-12-31" "node=320213000000&from=$year-01-02&to=$today" \
    "node=320213021000&from=$year-01-01&to=$year-12-31" "node=unit:320213-CGJ&from=$year-01-01&to=$year-12-31"; do
    run "lx.center (梁溪区)" "$q" "$district"
done
for q in "node=320200000000&from=$year-01-01&to=$year-12-31" "node=320213000000&from=$year-03-15&to=$year-10-20"; do
    run "admin (the city)" "$q" "$city"
done
echo "== RSS after the load $(rss_mb "$SERVER_PID") MB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
