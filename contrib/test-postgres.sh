#!/usr/bin/env bash
# A throwaway PostgreSQL on 127.0.0.1 for the tests, the demo and the benchmarks.
#
#   contrib/test-postgres.sh start          starts one; prints `export CRIER_TEST_POSTGRES_URL=...`
#                                           and `export CRIER_TEST_POSTGRES_DIR=...` (eval them)
#   contrib/test-postgres.sh stop [DIR]     stops the one in DIR (default $CRIER_TEST_POSTGRES_DIR)
#                                           and deletes its files
#   contrib/test-postgres.sh run CMD...     starts one, runs CMD with the variables exported,
#                                           stops it whatever CMD does; exits with CMD's status
#
# CRIER_TEST_POSTGRES_LISTEN=127.0.0.1,10.213.1.1 makes it listen on more of this machine's
# addresses (the partition test's veth) and trust clients on their subnets.
#
# initdb refuses to run as root: as root the server runs as the `postgres` user (Debian's
# postgresql package creates it). fsync is off: the data is thrown away.
set -euo pipefail

bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
  else
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
  fi
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local bin dir port
  bin=$(bindir)
  [ -x "$bin/initdb" ] || { echo "error: PostgreSQL's initdb not found. Run ./contrib/install-deps.sh (Debian package postgresql)" >&2; exit 1; }
  dir=$(mktemp -d "${TMPDIR:-/tmp}/crier-pg.XXXXXX")
  chmod 755 "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U crier --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  local listen=${CRIER_TEST_POSTGRES_LISTEN:-127.0.0.1}
  [ "$listen" = 127.0.0.1 ] || echo "host all all samenet trust" >>"$dir/data/pg_hba.conf"
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
         -o "-c listen_addresses=$listen -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
         start >/dev/null; then
      echo "export CRIER_TEST_POSTGRES_URL=postgresql://crier@127.0.0.1:$port/postgres"
      echo "export CRIER_TEST_POSTGRES_DIR=$dir"
      return 0
    fi
  done
  cat "$dir/log" >&2
  exit 1
}

stop() {
  local dir=${1:-${CRIER_TEST_POSTGRES_DIR:-}}
  [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "error: no test PostgreSQL folder given (contrib/test-postgres.sh stop DIR)" >&2; exit 64; }
  as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  run)
    shift
    [ $# -gt 0 ] || { echo "usage: $0 run CMD..." >&2; exit 64; }
    eval "$(start)"
    export CRIER_TEST_POSTGRES_URL CRIER_TEST_POSTGRES_DIR
    trap 'stop "$CRIER_TEST_POSTGRES_DIR"' EXIT
    trap 'exit 130' INT TERM
    echo "test PostgreSQL at $CRIER_TEST_POSTGRES_URL" >&2
    set +e
    "$@"
    status=$?
    set -e
    exit $status
    ;;
  *) echo "usage: $0 start | stop [DIR] | run CMD..." >&2; exit 64 ;;
esac
