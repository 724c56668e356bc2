#!/usr/bin/env bash
# tests/pg_cluster.sh start DIR [PORT] | stop DIR | destroy DIR
#
# A throwaway PostgreSQL 15 cluster for tests and benchmarks, touching no system service:
#   start    initdb into DIR/data (first time only) and start the server, listening only on a
#            Unix socket in DIR (no TCP); prints the libpq connection string on stdout:
#            "host=DIR port=PORT user=postgres dbname=postgres"
#   stop     stop the server (fast shutdown); the data stays, `start DIR` brings it back
#   destroy  stop the server if running and remove DIR
# initdb refuses to run as root: as root, DIR is given to the `postgres` user and the server
# runs as that user. PG_BIN overrides /usr/lib/postgresql/15/bin; PG_OPTIONS adds server
# settings (e.g. "-c fsync=off" for tests).
set -euo pipefail

cmd=${1:?usage: pg_cluster.sh start DIR [PORT] | stop DIR | destroy DIR}
dir=${2:?usage: pg_cluster.sh start DIR [PORT] | stop DIR | destroy DIR}
port=${3:-5433}
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}

as_pg=()
if [[ $(id -u) == 0 ]]; then as_pg=(runuser -u postgres --); fi

case $cmd in
  start)
    if [[ ! -x $bin/initdb ]]; then
      echo "pg_cluster: no $bin/initdb; install Debian's postgresql-15 (make deps)" >&2
      exit 2
    fi
    mkdir -p "$dir"
    if [[ ${#as_pg[@]} -gt 0 ]]; then chown postgres: "$dir"; fi
    if [[ ! -f $dir/data/PG_VERSION ]]; then
      "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
      echo "$port" >"$dir/data/voronka_port"
    fi
    port=$(cat "$dir/data/voronka_port")
    "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
      -o "-k $dir -c listen_addresses='' -p $port -c max_connections=300 ${PG_OPTIONS:-}" start >/dev/null \
      || { tail -n 20 "$dir/log" >&2; exit 1; }
    echo "host=$dir port=$port user=postgres dbname=postgres"
    ;;
  stop)
    "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    ;;
  destroy)
    if [[ -f $dir/data/postmaster.pid ]]; then
      "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "pg_cluster: unknown command '$cmd'" >&2
    exit 2
    ;;
esac
