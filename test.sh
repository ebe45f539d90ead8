#!/usr/bin/env bash
# Runs every test of Grassroots: unit tests, the integration suite on SQLite and again on a
# throwaway PostgreSQL, and the browser tests in Debian's Chromium. Installs what it needs when
# missing (PostgreSQL and Chromium, through apt). Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
config=${CONFIGURATION:-Release}

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
chromium_path=${CHROMIUM_PATH:-/usr/bin/chromium}
missing=()
[ -x "$(pg_bin)/initdb" ] || missing+=(postgresql)
[ -x "$chromium_path" ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} …"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A throwaway PostgreSQL on its own port and socket folder; removed on exit.
pgbin=$(pg_bin)
pgdir=$(mktemp -d /tmp/grassroots-pg.XXXXXX)
# The first free port from 55432 up, so that two test runs on one machine do not collide.
pgport=${GRASSROOTS_PG_PORT:-}
if [ -z "$pgport" ]; then
  pgport=55432
  while (exec 3<>"/dev/tcp/127.0.0.1/$pgport") 2>/dev/null; do pgport=$((pgport + 1)); done
fi
as_pg=()
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$pgdir"; as_pg=(runuser -u postgres --); fi
stop_pg() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$pgdir"
}
trap stop_pg EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null \
  && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
       -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
  || { echo "PostgreSQL did not start:"; cat "$pgdir/log" 2>/dev/null; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
export GRASSROOTS_TEST_PG="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres;Include Error Detail=true"

echo "Building ($config) …"
if ! dotnet build Grassroots.slnx -c "$config" -v quiet -nologo; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

passed=0; failed=0; skipped=0
run() {
  local label=$1 project=$2; shift 2
  echo "== $label"
  local out
  out=$(env "$@" dotnet test --project "$project" -c "$config" --no-build 2>&1)
  local code=$?
  echo "$out" | grep -E '^(failed|  [A-Za-z].*(Exception|Assert)|  (Expected|Actual))' | head -n 60
  local t f s k
  t=$(echo "$out" | sed -n 's/^ *total: *\([0-9]*\).*/\1/p' | tail -n 1)
  f=$(echo "$out" | sed -n 's/^ *failed: *\([0-9]*\).*/\1/p' | tail -n 1)
  s=$(echo "$out" | sed -n 's/^ *succeeded: *\([0-9]*\).*/\1/p' | tail -n 1)
  k=$(echo "$out" | sed -n 's/^ *skipped: *\([0-9]*\).*/\1/p' | tail -n 1)
  if [ -z "$t" ]; then
    echo "$out" | tail -n 40
    echo "   $label: the test run did not report (exit $code)"
    failed=$((failed + 1))
    return
  fi
  echo "   $label: ${s:-0} passed, ${f:-0} failed, ${k:-0} skipped"
  passed=$((passed + ${s:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${k:-0}))
  if [ "$code" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
}

run "unit" tests/Grassroots.UnitTests/Grassroots.UnitTests.csproj X=1
run "integration on SQLite" tests/Grassroots.IntegrationTests/Grassroots.IntegrationTests.csproj GRASSROOTS_TEST_DB=Sqlite
run "integration on PostgreSQL" tests/Grassroots.IntegrationTests/Grassroots.IntegrationTests.csproj GRASSROOTS_TEST_DB=Postgres
run "browser (Chromium)" tests/Grassroots.BrowserTests/Grassroots.BrowserTests.csproj CHROMIUM_PATH="$chromium_path"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
