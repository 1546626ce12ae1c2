#!/usr/bin/env bash
# Regenerates tests/golden/shop.{postgres,sqlite}.schema.rs with the real
# `diesel print-schema`, on a throwaway PostgreSQL cluster and a SQLite file
# migrated to the shop's head by the shop's own CLI. `print-schema` must equal
# them byte for byte (examples/shop/tests/print_schema.rs). The version table
# is left out, as `print-schema` leaves it out.
#
# Usage: scripts/diesel-golden.sh   (from the workspace root; needs initdb,
# postgres and pg_ctl, libpq and libsqlite3 headers; run as root or as a user
# that may run the PostgreSQL binaries)
set -euo pipefail

# The diesel_cli the golden files are made with: change it here, rerun, and
# review the diff of tests/golden/.
DIESEL_CLI_VERSION=2.3.14

cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
    if [ -f "$work/pg/postmaster.pid" ]; then
        as_postgres "$bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

diesel_root=${DIESEL_CLI_ROOT:-$root/target/diesel-cli-$DIESEL_CLI_VERSION}
diesel=$diesel_root/bin/diesel
if [ ! -x "$diesel" ]; then
    cargo install diesel_cli --version "=$DIESEL_CLI_VERSION" \
        --no-default-features --features postgres,sqlite --locked --root "$diesel_root"
fi

cargo build -q -p shop
shop=$root/target/debug/shop

# SQLite
"$shop" --database-url "sqlite:///$work/shop.db" upgrade head
"$diesel" print-schema --database-url "$work/shop.db" --except-tables "^migrate_revisions$" > tests/golden/shop.sqlite.schema.rs

# PostgreSQL
bin=$(pg_config --bindir 2>/dev/null || dirname "$(command -v initdb)")
[ -x "$bin/initdb" ] || bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg"
as_postgres "$bin/initdb" -D "$work/pg" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf "\nport = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nfsync = off\n" "$port" >> "$work/pg/postgresql.conf"
as_postgres "$bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w start >/dev/null
url="postgres://postgres@127.0.0.1:$port/postgres"
"$shop" --database-url "$url" upgrade head
"$diesel" print-schema --database-url "$url" --except-tables "^migrate_revisions$" > tests/golden/shop.postgres.schema.rs

echo "wrote tests/golden/shop.{postgres,sqlite}.schema.rs with diesel_cli $("$diesel" --version)"
