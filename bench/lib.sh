# Helpers shared by the benchmark scripts: start and stop a Release server on a loopback port, wait for
# /health, read a process's resident memory. Sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WEB="$ROOT/src/Grassroots.Web"
DLL="$WEB/bin/Release/net10.0/Grassroots.Web.dll"
PORT="${PORT:-5391}"
BASE="http://127.0.0.1:$PORT"
SERVER_PID=""

now() { date +%s.%N; }

seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# VmRSS of a process in MB (from /proc/PID/status, which gives kB).
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# The HTTP load driver (bench/Grassroots.LoadDriver), built by build_driver.
DRIVER="$ROOT/bench/Grassroots.LoadDriver/bin/Release/net10.0/Grassroots.LoadDriver.dll"

build_driver() {
    dotnet build "$ROOT/bench/Grassroots.LoadDriver/Grassroots.LoadDriver.csproj" -c Release -nodeReuse:false -v quiet -nologo >/dev/null
}

# token USERNAME: a bearer token for a demo account (password Grassroots@2026).
token() {
    curl -s -X POST "$BASE/api/auth/token" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"Grassroots@2026\"}" | sed 's/.*"accessToken":"\([^"]*\)".*/\1/'
}

build_release() {
    echo "== dotnet build -c Release ($(date -u +%FT%TZ))"
    dotnet build "$WEB/Grassroots.Web.csproj" -c Release -nodeReuse:false -v quiet -nologo "$@" >/dev/null
}

# start_server DB LOG: starts the server on DB in the background; SERVER_PID is its process id.
start_server() {
    local db="$1" log="$2"
    if curl -s -o /dev/null "$BASE/health"; then
        echo "something already answers on $BASE; set PORT to a free port" >&2
        return 1
    fi
    # A DB given as a PostgreSQL connection string (Host=…) runs on PostgreSQL; SERVER_ARGS adds settings.
    local provider=()
    case "$db" in
        Host=*) provider=(--Database:Provider=Postgres --Database:MigrateOnStart=true "--ConnectionStrings:Grassroots=$db") ;;
        *) provider=("--ConnectionStrings:Grassroots=Data Source=$db") ;;
    esac
    # shellcheck disable=SC2086
    (cd "$WEB" && exec dotnet "$DLL" --contentRoot "$WEB" --urls "$BASE" "${provider[@]}" ${SERVER_ARGS:-}) >"$log" 2>&1 &
    SERVER_PID=$!
}

# db_scalar DB SQL: one value read from the database, a SQLite file (sqlite3) or a PostgreSQL connection string
# (psql, from its Host, Port, Username and Database); empty when the client is missing.
db_scalar() {
    local db="$1" sql="$2"
    case "$db" in
        Host=*)
            command -v psql >/dev/null || return 0
            local host port user name part
            IFS=';' read -ra parts <<< "$db"
            for part in "${parts[@]}"; do
                case "$part" in
                    Host=*) host="${part#Host=}" ;; Port=*) port="${part#Port=}" ;;
                    Username=*) user="${part#Username=}" ;; Database=*) name="${part#Database=}" ;;
                esac
            done
            psql -At -h "${host:-127.0.0.1}" -p "${port:-5432}" -U "${user:-postgres}" -d "${name:-postgres}" -c "$sql" ;;
        *)
            command -v sqlite3 >/dev/null || return 0
            sqlite3 "$db" "$sql" ;;
    esac
}

# wait_healthy LIMIT_SECONDS: polls /health every 50 ms until it answers 200.
wait_healthy() {
    local limit="$1" started
    started=$(now)
    while [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/health")" != 200 ]; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "the server exited before it answered /health" >&2
            return 1
        fi
        if awk -v a="$started" -v b="$(now)" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then
            echo "no healthy answer within $limit s" >&2
            return 1
        fi
        sleep 0.05
    done
}

stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        for _ in $(seq 1 100); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

remove_db() { rm -f "$1" "$1-wal" "$1-shm"; }

# start_pg: a throwaway PostgreSQL cluster on PG_PORT (default 55499) in a temporary folder; PG_CONN is its
# connection string; stop_pg removes it. Durable settings (fsync on), as production would run.
start_pg() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$bin/initdb" ] || { echo "needs PostgreSQL (apt-get install postgresql)" >&2; return 1; }
    PG_DIR=$(mktemp -d /tmp/grassroots-benchpg.XXXXXX)
    PG_PORT="${PG_PORT:-55499}"
    PG_AS=()
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR"; PG_AS=(runuser -u postgres --); fi
    "${PG_AS[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    "${PG_AS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=512MB" start >/dev/null
    PG_BIN="$bin"
    PG_CONN="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=grassroots"
}

stop_pg() {
    if [ -n "${PG_DIR:-}" ]; then
        "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
        PG_DIR=""
    fi
}

machine() {
    echo "== machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), dotnet $(dotnet --version), $(uname -sr)"
    echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
}
