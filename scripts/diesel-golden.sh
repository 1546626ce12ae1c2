#!/usr/bin/env bash
# Regenerates the golden files with the real `diesel print-schema`, on a
# throwaway PostgreSQL cluster and SQLite files, each database migrated by the
# project's own CLI:
#   tests/golden/shop.{postgres,sqlite}.schema.rs   the shop at its head
#                                                   (examples/shop/tests/print_schema.rs)
#   tests/golden/seeds/<head>.{postgres,sqlite}.schema.rs
#                                                   each seed example at each of
#                                                   its heads (tests/tests/print_schema.rs)
#   tests/golden/every_op/<head>.{postgres,sqlite}.schema.rs
#                                                   the every-op fixture at each of
#                                                   its heads (same test)
#   tests/golden/diesel_edges/<head>.{postgres,sqlite}.schema.rs
#                                                   one case of diesel's naming,
#                                                   joins and refusals per head (same test)
# `print-schema` must equal them byte for byte. The version table is left out,
# as `print-schema` leaves it out. Where the migrations or diesel fail on a
# database, the golden file holds diesel's (or the migration's) error instead,
# first line `// failed: `, and the test pins that failure.
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

# The migration sets with a golden file per head: each a CLI of tests/src/bin.
sets="seeds every_op diesel_edges"
cargo build -q -p shop -p migrate-tests --bin shop $(printf -- '--bin %s ' $sets)
shop=$root/target/debug/shop
for set in $sets; do
    rm -rf "tests/golden/$set"
    mkdir -p "tests/golden/$set"
done
heads() { "$root/target/debug/$1" heads | cut -d' ' -f1; }

# `golden FILE CLI URL TARGET`: FILE is what diesel prints for URL migrated by
# CLI to TARGET, or the failure that stopped it.
golden() {
    local file=$1 cli=$2 url=$3 target=$4 log=$work/log
    if ! "$cli" --database-url "$url" upgrade "$target" >"$log" 2>&1; then
        { echo "// failed: upgrade $target"; sed -E 's/ done in [0-9.]+ ?[a-zµ]*s$/ done/; s|^|// |' "$log"; } >"$file"
    elif ! "$diesel" print-schema --database-url "$url" --except-tables "^migrate_revisions$" >"$file" 2>"$log"; then
        { echo "// failed: diesel print-schema"; sed 's|^|// |' "$log"; } >"$file"
    fi
}

# SQLite
golden tests/golden/shop.sqlite.schema.rs "$shop" "$work/shop.db" head
for set in $sets; do
    for head in $(heads "$set"); do
        golden "tests/golden/$set/$head.sqlite.schema.rs" "target/debug/$set" "$work/$set-$head.db" "$head"
    done
done

# PostgreSQL
bin=$(pg_config --bindir 2>/dev/null || dirname "$(command -v initdb)")
[ -x "$bin/initdb" ] || bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg"
as_postgres "$bin/initdb" -D "$work/pg" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf "\nport = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nfsync = off\n" "$port" >> "$work/pg/postgresql.conf"
as_postgres "$bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w start >/dev/null
server="postgres://postgres@127.0.0.1:$port"
golden tests/golden/shop.postgres.schema.rs "$shop" "$server/postgres" head
for set in $sets; do
    for head in $(heads "$set"); do
        "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$set-$head"
        golden "tests/golden/$set/$head.postgres.schema.rs" "target/debug/$set" "$server/$set-$head" "$head"
    done
done

echo "wrote tests/golden/ with diesel_cli $("$diesel" --version | sed -n 's/.*Version: //p')"
