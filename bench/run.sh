#!/usr/bin/env bash
# bench/run.sh BUILD_DIR — the numbers behind `make bench`.
#
# Starts a throwaway Voronka server on 127.0.0.1 (a fresh SQLite database in a temp dir, an admin
# and four managers who take leads, an API token), then drives it with voronka_loadgen:
#   1. GET /api/ping   — no-op route: the HTTP ceiling of this machine;
#   2. POST /api/intake — a new lead per request (unique phone, e-mail and Idempotency-Key).
# Then the same intake on PostgreSQL 15 (a throwaway cluster from tests/pg_cluster.sh, Unix
# socket, default durability): one server process, and three processes on one database with
# the load split between them. The intake figures are printed side by side at the end.
# Loopback only; every step is time-bounded; servers, cluster and temp dir are removed on exit.
#
# Tunables (environment): PING_REQUESTS (100000), INTAKE_REQUESTS (30000), CONNECTIONS (64),
# WORKERS (server request threads, 32), TIME_LIMIT (seconds per load run, 120),
# PG_INTAKE_REQUESTS (6000), PG_OPTIONS (extra server settings, e.g.
# "-c synchronous_commit=off"), SKIP_POSTGRES=1 (SQLite only).

set -euo pipefail

BUILD_DIR=${1:-build/release}
PING_REQUESTS=${PING_REQUESTS:-100000}
INTAKE_REQUESTS=${INTAKE_REQUESTS:-30000}
CONNECTIONS=${CONNECTIONS:-64}
WORKERS=${WORKERS:-32}
TIME_LIMIT=${TIME_LIMIT:-120}

SERVER=""
for candidate in "$BUILD_DIR/src/voronka" "$BUILD_DIR/voronka"; do
  if [[ -x $candidate ]]; then SERVER=$candidate; break; fi
done
LOADGEN="$BUILD_DIR/bench/voronka_loadgen"
if [[ -z $SERVER || ! -x $LOADGEN ]]; then
  echo "bench: $BUILD_DIR has no voronka or bench/voronka_loadgen binary; run 'make build-release' first" >&2
  exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/voronka-bench.XXXXXX")
SERVER_PID=""
LOAD_PID=""
LOAD_PIDS=()
PG_PIDS=()
PG_DIR=""
PG_SCRIPT="$(cd "$(dirname "$0")/.." && pwd)/tests/pg_cluster.sh"
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  local status=$?
  for pid in $LOAD_PID "${LOAD_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  for pid in "${PG_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [[ -n $PG_DIR ]]; then "$PG_SCRIPT" destroy "$PG_DIR" || true; fi
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "bench: server did not stop within 10 s of SIGTERM; killing it" >&2
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DB="$TMP/bench.db"
PASSWORD="bench-password-1"

# --- Machine ---------------------------------------------------------------------------------
cpu_model=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
[[ -n $cpu_model ]] || cpu_model=$(awk -F': *' '/^(Hardware|cpu model|Processor)/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
mem_total=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null || true)
echo "machine: $(nproc) CPU(s), ${cpu_model:-unknown CPU}, ${mem_total:-? GiB} RAM, $(uname -sr)"
echo "setup: server and load generator on the same machine over 127.0.0.1; $CONNECTIONS keep-alive connections;" \
  "server --workers $WORKERS; SQLite database in $(df -P "$TMP" | awk 'NR==2 {print $1}')"

# --- Database, users, token --------------------------------------------------------------------
run_cli() { timeout 60 "$SERVER" --log-level warn "$@" >/dev/null; }
run_cli user add --db "$DB" --email admin@bench.local --name "Bench Admin" --role admin --password "$PASSWORD"
for i in 1 2 3 4; do
  run_cli user add --db "$DB" --email "manager$i@bench.local" --name "Менеджер $i" --role manager \
    --password "$PASSWORD" --takes-leads
done
TOKEN=$(timeout 60 "$SERVER" --log-level warn token create --db "$DB" --email admin@bench.local --name bench)

# --- Server ------------------------------------------------------------------------------------
PORT_FILE="$TMP/port"
"$SERVER" --log-level warn serve --db "$DB" --listen 127.0.0.1:0 --port-file "$PORT_FILE" --workers "$WORKERS" \
  >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  [[ -s $PORT_FILE ]] && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "bench: the server exited during start-up:" >&2
    cat "$TMP/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ ! -s $PORT_FILE ]]; then
  echo "bench: the server did not report its port within 10 s" >&2
  cat "$TMP/server.log" >&2
  exit 1
fi
PORT=$(cat "$PORT_FILE")
BASE="http://127.0.0.1:$PORT"

# --- Load --------------------------------------------------------------------------------------
failed=0
# In the background + wait, so that a signal to this script is handled at once (see cleanup).
load() {
  timeout $((TIME_LIMIT + 30)) "$LOADGEN" --connections "$CONNECTIONS" --pid "$SERVER_PID" \
    --time-limit "$TIME_LIMIT" "$@" >"$TMP/load.out" &
  LOAD_PID=$!
  wait "$LOAD_PID" || failed=1
  LOAD_PID=""
  cat "$TMP/load.out"
}
# "… 6123 req/s …" → 6123
rate_of() { grep -o '[0-9.]* req/s' "$1" | head -n 1 | cut -d' ' -f1; }

# Warm-up: connections, thread pool, SQLite page cache (not reported).
load --label warm-up -n 2000 "$BASE/api/ping" >/dev/null

load --label "ping (no-op ceiling)" -n "$PING_REQUESTS" "$BASE/api/ping"

INTAKE_BODY='{"channel":"site_form","name":"Иван Петров {n}","phone":"+7916{n:7}","email":"lead{n}@example.ru","company":"ООО Ромашка","message":"Нужен сайт, заявка {n}"}'
load --label intake -n "$INTAKE_REQUESTS" -m POST --token "$TOKEN" \
  -H "Idempotency-Key: bench-{n}" --body "$INTAKE_BODY" "$BASE/api/intake"
SQLITE_RATE=$(rate_of "$TMP/load.out")

# --- Check and stop ----------------------------------------------------------------------------
if command -v sqlite3 >/dev/null; then
  deals=$(sqlite3 "$DB" "SELECT count(*) FROM deals" 2>/dev/null || echo "?")
  per_manager=$(sqlite3 -separator ' ' "$DB" \
    "SELECT group_concat(n, '/') FROM (SELECT count(*) AS n FROM deals GROUP BY responsible_id ORDER BY responsible_id)" \
    2>/dev/null || echo "?")
  echo "check: $deals deals in the database (per manager: $per_manager)"
fi

kill -TERM "$SERVER_PID"
for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "bench: the server did not stop within 15 s of SIGTERM" >&2
  failed=1
else
  wait "$SERVER_PID" || { echo "bench: the server exited with status $?" >&2; failed=1; }
  SERVER_PID=""
fi
if [[ -s $TMP/server.log ]]; then
  echo "server log (warnings and errors, last 20 lines):"
  tail -n 20 "$TMP/server.log"
fi

# --- PostgreSQL: the same intake, 1 server process, then 3 processes on one database -----------
PG_RATE_1="-"
PG_RATE_3="-"
PG_INTAKE_REQUESTS=${PG_INTAKE_REQUESTS:-6000}
PSQL=/usr/lib/postgresql/15/bin/psql
[[ -x $PSQL ]] || PSQL=psql

# start_pg_server DB NAME: starts `voronka serve`, sets STARTED_PID and STARTED_PORT.
start_pg_server() {
  "$SERVER" --log-level warn serve --db "$1" --listen 127.0.0.1:0 --port-file "$TMP/$2.port" \
    --workers "$WORKERS" >"$TMP/$2.log" 2>&1 &
  STARTED_PID=$!
  PG_PIDS+=("$STARTED_PID")
  for _ in $(seq 1 100); do
    [[ -s $TMP/$2.port ]] && break
    kill -0 "$STARTED_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [[ ! -s $TMP/$2.port ]]; then
    echo "bench: the PostgreSQL server $2 did not start:" >&2
    cat "$TMP/$2.log" >&2
    return 1
  fi
  STARTED_PORT=$(cat "$TMP/$2.port")
}

stop_pg_servers() {
  for pid in "${PG_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PG_PIDS[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "bench: a PostgreSQL server did not stop within 15 s of SIGTERM" >&2
      kill -KILL "$pid" 2>/dev/null || true
      failed=1
    fi
    wait "$pid" 2>/dev/null || true
  done
  PG_PIDS=()
}

# new_pg_database NAME: a migrated database with the same users as above; sets PG_URL, PG_TOKEN.
new_pg_database() {
  "$PSQL" -X -q -d "$PG_CONN" -c "CREATE DATABASE $1" >/dev/null
  PG_URL="postgres:$PG_CONN dbname=$1"
  run_cli user add --db "$PG_URL" --email admin@bench.local --name "Bench Admin" --role admin --password "$PASSWORD"
  for i in 1 2 3 4; do
    run_cli user add --db "$PG_URL" --email "manager$i@bench.local" --name "Менеджер $i" --role manager \
      --password "$PASSWORD" --takes-leads
  done
  PG_TOKEN=$(timeout 60 "$SERVER" --log-level warn token create --db "$PG_URL" --email admin@bench.local --name bench)
}

pg_check() {
  local deals
  deals=$("$PSQL" -X -At -d "$PG_CONN dbname=$1" -c \
    "SELECT sum(n) || ' deals in the database, with 600 of warm-up (per manager: ' || string_agg(n::text, '/' ORDER BY r) || ')'
       FROM (SELECT responsible_id AS r, count(*) AS n FROM deals GROUP BY responsible_id) m" 2>/dev/null || echo "?")
  echo "check: $deals"
}

if [[ ${SKIP_POSTGRES:-0} == 1 ]]; then
  echo "PostgreSQL: skipped (SKIP_POSTGRES=1)"
elif ! PG_DIR=$(mktemp -d /tmp/voronka-bench-pg.XXXXXX) ||
  ! PG_CONN=$("$PG_SCRIPT" start "$PG_DIR" 5433 2>"$TMP/pg.err"); then
  echo "PostgreSQL: skipped, no cluster could be started: $(tail -n 3 "$TMP/pg.err" 2>/dev/null)"
else
  pg_version=$("$PSQL" -X -At -d "$PG_CONN" -c "SHOW server_version")
  pg_sync=$("$PSQL" -X -At -d "$PG_CONN" -c "SHOW synchronous_commit")
  echo "setup: PostgreSQL $pg_version over a Unix socket, synchronous_commit=$pg_sync${PG_OPTIONS:+ ($PG_OPTIONS)}," \
    "same machine; each server --workers $WORKERS"

  # One server process.
  new_pg_database bench1
  start_pg_server "$PG_URL" pg1
  SERVER_PID=$STARTED_PID
  BASE="http://127.0.0.1:$STARTED_PORT"
  load --label warm-up -n 2000 "$BASE/api/ping" >/dev/null
  # Warm-up with intake too: the pool's connections open and prepare their statements (not reported).
  load --label warm-up -n 600 --first 900000 -m POST --token "$PG_TOKEN" -H "Idempotency-Key: warm-{n}" \
    --body "$INTAKE_BODY" "$BASE/api/intake" >/dev/null
  load --label "intake, PostgreSQL, 1 process" -n "$PG_INTAKE_REQUESTS" -m POST --token "$PG_TOKEN" \
    -H "Idempotency-Key: bench-{n}" --body "$INTAKE_BODY" "$BASE/api/intake"
  PG_RATE_1=$(rate_of "$TMP/load.out")
  pg_check bench1
  SERVER_PID=""
  stop_pg_servers

  # Three server processes on one database; the connections and the leads split three ways.
  new_pg_database bench3
  ports=()
  for k in 1 2 3; do
    start_pg_server "$PG_URL" "pg3_$k"
    ports+=("$STARTED_PORT")
    timeout 60 "$LOADGEN" --connections 8 -n 1000 --label warm-up "http://127.0.0.1:$STARTED_PORT/api/ping" >/dev/null
  done
  for k in 0 1 2; do
    timeout $((TIME_LIMIT + 30)) "$LOADGEN" --connections "$(((CONNECTIONS + 2) / 3))" -n 200 \
      --first $((900000 + k * 200)) -m POST --token "$PG_TOKEN" -H "Idempotency-Key: warm-{n}" \
      --body "$INTAKE_BODY" --label warm-up "http://127.0.0.1:${ports[$k]}/api/intake" >/dev/null &
    LOAD_PIDS+=($!)
  done
  for pid in "${LOAD_PIDS[@]}"; do wait "$pid" || true; done
  LOAD_PIDS=()
  share=$((PG_INTAKE_REQUESTS / 3))
  per_conn=$(((CONNECTIONS + 2) / 3))
  started=$(date +%s.%N)
  LOAD_PIDS=()
  for k in 0 1 2; do
    timeout $((TIME_LIMIT + 30)) "$LOADGEN" --connections "$per_conn" --pid "${PG_PIDS[$k]}" \
      --time-limit "$TIME_LIMIT" --label "intake, PostgreSQL, process $((k + 1)) of 3" -n "$share" \
      --first $((k * share)) -m POST --token "$PG_TOKEN" -H "Idempotency-Key: bench-{n}" --body "$INTAKE_BODY" \
      "http://127.0.0.1:${ports[$k]}/api/intake" >"$TMP/load3_$k.out" &
    LOAD_PIDS+=($!)
  done
  for pid in "${LOAD_PIDS[@]}"; do wait "$pid" || failed=1; done
  LOAD_PIDS=()
  finished=$(date +%s.%N)
  cat "$TMP"/load3_*.out
  # Requests the three answered, over the wall time of the whole run.
  done3=$(grep -ho '[0-9]* requests, [0-9]* errors, ' "$TMP"/load3_*.out | awk '{ n += $1 } END { print n + 0 }')
  PG_RATE_3=$(awk -v n="$done3" -v s="$started" -v e="$finished" 'BEGIN { printf "%.0f", n / (e - s) }')
  echo "intake, PostgreSQL, 3 processes together: $done3 requests answered in" \
    "$(awk -v s="$started" -v e="$finished" 'BEGIN { printf "%.1f", e - s }') s, $PG_RATE_3 req/s"
  pg_check bench3
  stop_pg_servers
  for log in "$TMP"/pg*.log; do
    if [[ -s $log ]]; then
      echo "$(basename "$log" .log) log (last 10 lines):"
      tail -n 10 "$log"
    fi
  done
  "$PG_SCRIPT" destroy "$PG_DIR"
  PG_DIR=""
fi

# --- Side by side --------------------------------------------------------------------------------
echo
printf '%-22s %20s %24s %26s\n' "intake, req/s" "SQLite, 1 process" "PostgreSQL, 1 process" "PostgreSQL, 3 processes"
printf '%-22s %20s %24s %26s\n' "" "${SQLITE_RATE:--}" "$PG_RATE_1" "$PG_RATE_3"
exit "$failed"
