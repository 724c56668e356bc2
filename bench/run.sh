#!/usr/bin/env bash
# bench/run.sh BUILD_DIR — the numbers behind `make bench`.
#
# Starts a throwaway Voronka server on 127.0.0.1 (a fresh SQLite database in a temp dir, an admin
# and four managers who take leads, an API token), then drives it with voronka_loadgen:
#   1. GET /api/ping   — no-op route: the HTTP ceiling of this machine;
#   2. POST /api/intake — a new lead per request (unique phone, e-mail and Idempotency-Key).
# Loopback only; every step is time-bounded; the server and temp dir are removed on exit.
#
# Tunables (environment): PING_REQUESTS (100000), INTAKE_REQUESTS (30000), CONNECTIONS (64),
# WORKERS (server request threads, 32), TIME_LIMIT (seconds per load run, 120).

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
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  local status=$?
  if [[ -n $LOAD_PID ]]; then
    kill -TERM "$LOAD_PID" 2>/dev/null || true
    wait "$LOAD_PID" 2>/dev/null || true
  fi
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
    --time-limit "$TIME_LIMIT" "$@" &
  LOAD_PID=$!
  wait "$LOAD_PID" || failed=1
  LOAD_PID=""
}

# Warm-up: connections, thread pool, SQLite page cache (not reported).
load --label warm-up -n 2000 "$BASE/api/ping" >/dev/null

load --label "ping (no-op ceiling)" -n "$PING_REQUESTS" "$BASE/api/ping"

INTAKE_BODY='{"channel":"site_form","name":"Иван Петров {n}","phone":"+7916{n:7}","email":"lead{n}@example.ru","company":"ООО Ромашка","message":"Нужен сайт, заявка {n}"}'
load --label intake -n "$INTAKE_REQUESTS" -m POST --token "$TOKEN" \
  -H "Idempotency-Key: bench-{n}" --body "$INTAKE_BODY" "$BASE/api/intake"

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
exit "$failed"
