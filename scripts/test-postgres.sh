#!/usr/bin/env bash
# The throwaway PostgreSQL 15 the test suite shares under CTest (a fixture:
# tests/CMakeLists.txt runs `start` before the first test that needs it and
# `stop` after the last). `start DIR` makes a cluster in DIR with initdb and
# starts it listening on a Unix socket in DIR only (no TCP), as the `postgres`
# user when run as root; `stop DIR` stops it and removes DIR. Tests find it
# through POSTURE_TEST_PGHOST=DIR (tests/support/postgres.hpp); a test binary
# run by hand starts a cluster of its own. Without PostgreSQL 15 installed it
# does nothing and the tests skip, saying why.
# Usage: scripts/test-postgres.sh start|stop DIR
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
action=${1:?start or stop}
dir=${2:?the cluster directory}
[ -x "$bin/initdb" ] || { echo "PostgreSQL 15 is not installed: its tests skip"; exit 0; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case $action in
  start)
    stop
    mkdir -p "$dir"
    chmod 700 "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$dir/log"; exit 1; }
    echo "PostgreSQL 15 for the tests: socket in $dir"
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
