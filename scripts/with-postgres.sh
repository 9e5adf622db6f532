#!/usr/bin/env bash
# Run a command against a private, throw-away PostgreSQL server on loopback:
#   scripts/with-postgres.sh COMMAND [ARGS...]
# Starts a fresh cluster in a temporary folder on a free port, exports CARBONCTL_DATABASE_URL,
# runs the command, and stops and removes the cluster however the command ends. Never touches a
# system cluster. As root on Debian it installs the postgresql package when it is missing.
set -euo pipefail

find_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}
bin=$(find_bin)
if [ -z "$bin" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        bin=$(find_bin)
    fi
fi
if [ -z "$bin" ]; then
    echo "PostgreSQL server binaries not found (Debian: apt-get install postgresql)" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

data=$(mktemp -d /tmp/carbonctl-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres: "$data"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cleanup() {
    as_owner "$bin/pg_ctl" -D "$data/db" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$data"
}
trap cleanup EXIT

as_owner "$bin/initdb" -D "$data/db" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$data/initdb.log" 2>&1 || { cat "$data/initdb.log" >&2; exit 1; }
as_owner "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
    start >/dev/null || { cat "$data/server.log" >&2; exit 1; }

export CARBONCTL_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
