#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at a private, throw-away PostgreSQL 15 cluster.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$(mktemp -d /tmp/readingroom-pg.XXXXXX)
port=${PGPORT_TEST:-55432}
chown postgres "$dir" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
as_pg "$pgbin/initdb -D $dir/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
as_pg "$pgbin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off' -l $dir/log -w start" >/dev/null
cleanup() { as_pg "$pgbin/pg_ctl -D $dir/data -m fast -w stop" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
echo "with-postgres: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" "$@"
