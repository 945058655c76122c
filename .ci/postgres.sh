#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for the tests and prints its URI.
# Usage: eval "$(bash .ci/postgres.sh)"   -> exports LATHE_TEST_POSTGRES_URI
# Needs Debian's postgresql package (installed by .ci/run). Safe to run twice: reuses a running cluster.
set -euo pipefail
port=${LATHE_TEST_PG_PORT:-54329}
dir=${LATHE_TEST_PG_DIR:-/tmp/lathe-test-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "postgresql is not installed (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  rm -rf "$dir"; mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_pg "$bin/initdb" -D "$dir" -U lathe --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" start >/dev/null
fi
for _ in $(seq 1 30); do
  "$bin/pg_isready" -h 127.0.0.1 -p "$port" >/dev/null 2>&1 && break
  sleep 0.5
done
as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U lathe -d postgres -tAc "select 1 from pg_database where datname='lathe_test'" | grep -q 1 \
  || as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U lathe lathe_test
echo "export LATHE_TEST_POSTGRES_URI=postgres://lathe@127.0.0.1:$port/lathe_test"
