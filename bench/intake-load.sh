#!/usr/bin/env bash
# Intake over HTTP on loopback: POST /api/cases (routing, duplicate check, persist with the first step
# and the audit entry, committed before the answer) with reports spread over the city's grids and the
# dictionary's categories, on the city-scale demo. SQLite first, then PostgreSQL (a throwaway cluster).
# Usage: bench/intake-load.sh [SECONDS]   (default 20 s a run; CONCURRENCY="16 64", DATABASES="sqlite postgres";
#        WARMUP=15 seconds of unmeasured requests before each run; BODIES=500000 reports written for each run, more than it
#        sends, since the driver starts the file again at its end and a report sent twice joins the case it opened;
#        COUNTERS=/tmp/intake reads the runtime's and the writer's counters for 10 s of each run with dotnet-counters, into /tmp/intake.LABEL.C.csv;
#        TRACE=/tmp/intake also samples the server for 10 s of each run with dotnet-trace, into /tmp/intake.LABEL.C.nettrace;
#        SERVER_ARGS adds settings (--WriteQueue:SqliteFlushBeside=false);
#        PERF=/tmp/intake records it with perf into /tmp/intake.LABEL.C.data (with DOTNET_PerfMapEnabled=1 for the JIT's symbols;
#        PERF_ARGS="-F 999 --call-graph dwarf" walks native frames that keep no frame pointer, SQLite's))
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SECONDS_PER_RUN="${1:-20}"
CONCURRENCY="${CONCURRENCY:-16 64}"
DATABASES="${DATABASES:-sqlite postgres}"
# Requests sent and not measured before each run. A fresh server spends its first seconds under load compiling its hot
# paths again at the optimising tier: the first run after the start would measure the compiler, not the steady state.
WARMUP="${WARMUP:-15}"
WORK="$(mktemp -d /tmp/grassroots-intake.XXXXXX)"
trap 'stop_server; stop_pg; cp "$WORK"/server-SQLite.log /tmp/intake-server.log 2>/dev/null; rm -rf "$WORK"' EXIT
# The registry only: the year of demo cases is not what is measured here.
export SERVER_ARGS="--Demo:Scale=${SCALE:-city} --Demo:Cases=false ${SERVER_ARGS:-}"

machine
build_release
build_driver

# One report per line: a point inside a grid (each grid's polygon from the API, its vertex average moved
# toward a vertex until the server locates it in that grid), a category of the dictionary, a description.
bodies() {
    local auth="$1" out="$2" seed="$3"
    curl -s "$BASE/api/categories" > "$WORK/categories.json"
    : > "$WORK/grids.json"
    for d in ${DISTRICT_CODES:-320213000000 320214000000 320211000000 320206000000 320205000000 320282000000 320281000000}; do
        curl -s -H "$auth" "$BASE/api/grids?region=$d" >> "$WORK/grids.json"
        echo >> "$WORK/grids.json"
    done
    python3 - "$WORK/grids.json" "$WORK/categories.json" "$out" "$seed" <<'PY'
import json, os, random, sys
random.seed(int(sys.argv[4]))
grids = []
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        for f in json.loads(line).get("features", []):  # a district outside a small demo answers 404
            ring = f["geometry"]["coordinates"][0]
            if f["geometry"]["type"] == "MultiPolygon":
                ring = ring[0]
            cx = sum(p[0] for p in ring) / len(ring); cy = sum(p[1] for p in ring) / len(ring)
            grids.append((cx, cy))
def subs(nodes):
    for n in nodes:
        if n.get("children"):
            yield from subs(n["children"])
        elif n.get("parentCode"):
            yield n["code"]
cats = json.load(open(sys.argv[2], encoding="utf-8"))
cats = cats.get("categories", cats) if isinstance(cats, dict) else cats
codes = sorted(set(subs(cats)))
with open(sys.argv[3], "w", encoding="utf-8") as out:
    for i in range(int(os.environ.get("BODIES", "500000"))):
        lon, lat = random.choice(grids)
        body = {"category": random.choice(codes), "lon": round(lon + random.uniform(-2e-4, 2e-4), 7), "lat": round(lat + random.uniform(-2e-4, 2e-4), 7),
                "description": "压测上报：路面破损，请处理", "urgency": "Normal", "source": "Hotline"}
        out.write(json.dumps(body, ensure_ascii=False) + "\n")
print(f"{len(grids)} grids, {len(codes)} categories", file=sys.stderr)
PY
}

run_on() {
    local db="$1" label="$2"
    local started
    started=$(now)
    start_server "$db" "$WORK/server-$label.log"
    wait_healthy 600
    echo "== $label: ready in $(seconds_since "$started") s"
    local auth
    auth="Authorization: Bearer $(token leader)"
    local run=0
    for c in $CONCURRENCY; do
        # Reports of their own for each run, two runs at the same level included: a run must not send again what an
        # earlier one sent (it would join those cases, which is cheaper than opening them).
        run=$((run + 1))
        bodies "$auth" "$WORK/bodies-$c.jsonl" "$((2026 + c + 1000 * run))"
        echo "-- $label, $c connections"
        if [ -n "${TRACE:-}" ]; then
            (sleep "$((WARMUP + 3))"; "${DOTNET_TRACE:-dotnet-trace}" collect -p "$SERVER_PID" --duration 00:00:00:10 -o "$TRACE.$label.$c.nettrace" >/dev/null 2>&1) &
        fi
        if [ -n "${COUNTERS:-}" ]; then
            (sleep "$((WARMUP + 3))"; "${DOTNET_COUNTERS:-dotnet-counters}" collect -p "$SERVER_PID" --counters System.Runtime,Grassroots.Writes --duration 00:00:00:10 -o "$COUNTERS.$label.$c.csv" >/dev/null 2>&1) &
        fi
        if [ -n "${PERF:-}" ]; then
            (sleep "$((WARMUP + 3))"; perf record ${PERF_ARGS:--F 999 -g} -p "$SERVER_PID" -o "$PERF.$label.$c.data" -- sleep 10 >/dev/null 2>&1) &
        fi
        dotnet "$DRIVER" --url "$BASE/api/cases" --body "$WORK/bodies-$c.jsonl" -c "$c" -d "$SECONDS_PER_RUN" --warmup "$WARMUP" --header "$auth" --server-pid "$SERVER_PID" || true
        echo
    done
    echo "== $label: RSS after the load $(rss_mb "$SERVER_PID") MB"
    stop_server
}

for database in $DATABASES; do
    case "$database" in
        sqlite) run_on "$WORK/intake.db" "SQLite" ;;
        postgres) start_pg; run_on "$PG_CONN" "PostgreSQL"; stop_pg ;;
    esac
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
