#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and benchmarks.
#
#   scripts/pg-cluster.sh install        # apt-get install postgresql when missing
#   scripts/pg-cluster.sh start [DIR]    # initdb + start on 127.0.0.1:<free port>; prints the URL
#   scripts/pg-cluster.sh url DIR        # prints the URL of a started cluster
#   scripts/pg-cluster.sh stop DIR       # stops the cluster and deletes DIR
#
# The URL names a password-authenticated role `memocheck` (CREATEDB) so that wrong-password tests are
# real (scram-sha-256 on TCP). initdb and pg_ctl refuse to run as root, so as root they run as `postgres`.
# Environment: PG_CLUSTER_DURABLE=1 keeps fsync on (benchmarks); default is fsync=off (throwaway data).
set -euo pipefail

cmd=${1:-}
pg_bin() {
  local ver
  ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)
  [ -n "$ver" ] || { echo "pg-cluster: PostgreSQL is not installed (run: $0 install)" >&2; exit 1; }
  echo "/usr/lib/postgresql/$ver/bin"
}
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
install_pg() {
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then return 0; fi
  [ "$(id -u)" = 0 ] || { echo "pg-cluster: installing postgresql needs root" >&2; exit 1; }
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

case "$cmd" in
  install)
    install_pg
    ;;
  start)
    install_pg
    bin=$(pg_bin)
    dir=${2:-}
    if [ -z "$dir" ]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/memocheck-pg-XXXXXX"); fi
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || { echo "pg-cluster: $dir is not empty" >&2; exit 1; }
    chmod 755 "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    password=$(node -e "console.log(require('crypto').randomBytes(12).toString('hex'))")
    port=$(free_port)
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    fsync=off
    [ "${PG_CLUSTER_DURABLE:-0}" = 1 ] && fsync=on
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = $fsync
synchronous_commit = $fsync
full_page_writes = $fsync
shared_buffers = 512MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
max_connections = 60
EOF
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
      -c "CREATE ROLE memocheck LOGIN CREATEDB PASSWORD '$password'" >/dev/null
    url="postgres://memocheck:$password@127.0.0.1:$port/postgres"
    echo "$url" >"$dir/url"
    chmod 644 "$dir/url"
    echo "$url"
    ;;
  url)
    cat "${2:?usage: $0 url DIR}/url"
    ;;
  stop)
    dir=${2:?usage: $0 stop DIR}
    [ -f "$dir/url" ] || [ -d "$dir/data" ] || { echo "pg-cluster: no cluster in $dir" >&2; exit 1; }
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 install | start [DIR] | url DIR | stop DIR" >&2
    exit 2
    ;;
esac
