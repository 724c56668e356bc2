#!/usr/bin/env bash
# tests/with_postgres.sh COMMAND [ARGS...]
#
# Runs COMMAND with a throwaway PostgreSQL cluster (tests/pg_cluster.sh) and
# VORONKA_TEST_PG set to its connection string, then stops and removes the cluster — also
# when COMMAND fails or the run is interrupted. COMMAND's exit status is the script's.
# Tests named pg.* use the cluster (each creates its own database); without VORONKA_TEST_PG
# they are skipped.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/voronka-pg.XXXXXX)
cleanup() { "$here/pg_cluster.sh" destroy "$dir" || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$(date +%s.%N)
# Durability is not under test here: no fsync, so CREATE DATABASE and commits are quick.
VORONKA_TEST_PG=$(PG_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  "$here/pg_cluster.sh" start "$dir" 5433)
export VORONKA_TEST_PG
awk -v s="$started" -v e="$(date +%s.%N)" -v c="$VORONKA_TEST_PG" \
  'BEGIN { printf "PostgreSQL test cluster up in %.1f s: %s\n", e - s, c }'
"$@"
