#!/usr/bin/env bash
# Runtime benchmark on PostgreSQL and SQLite (figures in BENCHMARKS.md). In one run:
#   - upgrade of a 500-revision chain (each: create a table with a serial key
#     and a varchar, add a text column, create an index) and its downgrade to
#     base, by the migrator, by psql running the migrator's offline SQL, by
#     diesel_migrations running the same DDL as up.sql/down.sql folders, and
#     by sqlx's migrator running it as <version>_<name>.up.sql/.down.sql files;
#   - the same on SQLite, a new file per run, sqlite3 in psql's place;
#   - a no-op `upgrade head` with 1000 revisions applied, against connecting
#     and running `SELECT 1` from the same executable, against sqlx's
#     migrator with the same 1000 embedded and applied, and the same chain
#     linked with its own libpq (feature `postgres-bundled`), the same without
#     TLS (`postgres-bundled-without-tls`), and sqlx's with TLS (`tls-native-tls`);
#   - offline SQL of 1000 revisions;
#   - peak memory of upgrades applying 100, 500 and 1000 revisions.
# Each timed run is a whole process on a database created for it; contenders
# alternate, ratios are taken pair by pair, medians reported.
#
# The chains are generated into target/ and built here (release), so the
# workspace's own build never expands them. A throwaway PostgreSQL cluster is
# started from the machine's binaries (as the `postgres` user when run as
# root), on a free port with its socket and data under /tmp, and removed at
# the end.
#
# Usage: bench/runtime/run.sh [RUNS=16] [NOOP_PAIRS=31]   (RUNS: a multiple of 8 balances the
#                                                          orders of four contenders, of 6 of three)
#        BENCH_PARTS=chain,noop bench/runtime/run.sh   (only some parts: chain, noop, offline, memory, sqlite)
#        BENCH_PG_PARENT=/dev/shm bench/runtime/run.sh (the cluster in memory: no disk writeback
#                                                       stalls from other work on the machine)
#        BENCH_SQLITE_DIR=/dev/shm/x bench/runtime/run.sh (the SQLite files in memory: fsync costs
#                                                       nothing, the tools' own work is compared)
set -euo pipefail
runs=${1:-16}
noop_runs=${2:-31}
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
out=${BENCH_DIR:-$target/bench-runtime}
mkdir -p "$out"

cargo build --release -q -p bench-runtime --manifest-path "$root/Cargo.toml"
harness=$target/release/bench-runtime
"$harness" generate --out "$out/chains" --runtime "$root/migrate-runtime" --sizes 500,1000
cp "$root/Cargo.lock" "$out/chains/Cargo.lock"
CARGO_TARGET_DIR=$target cargo build --release -q --manifest-path "$out/chains/Cargo.toml"
# The SQLite chain and sqlx each in a workspace of their own (features and
# libsqlite3-sys versions stay apart); only the benchmark depends on sqlx.
cp "$root/Cargo.lock" "$out/chains/sqlite500/Cargo.lock"
CARGO_TARGET_DIR=$target cargo build --release -q --manifest-path "$out/chains/sqlite500/Cargo.toml"
CARGO_TARGET_DIR=$target cargo build --release -q --manifest-path "$out/chains/sqlx/Cargo.toml"
# For the no-op: the long chain linked with its own libpq (feature
# `postgres-bundled`, a workspace of its own as well).
bundled=()
case ",${BENCH_PARTS:-noop}," in
  *,noop,*)
    for chain in bundled1000 notls1000; do
      cp "$root/Cargo.lock" "$out/chains/$chain/Cargo.lock"
      CARGO_TARGET_DIR=$target cargo build --release -q --manifest-path "$out/chains/$chain/Cargo.toml"
    done
    # sqlx's no-op with TLS through the system's OpenSSL, the peer of
    # `postgres-bundled` (the one above has no TLS, as `notls1000`).
    CARGO_TARGET_DIR=$target cargo build --release -q --manifest-path "$out/chains/sqlx/tls/Cargo.toml"
    bundled=(--bundled-chain "$target/release/bundled1000" --notls-chain "$target/release/notls1000"
             --sqlx-noop-tls "$target/release/sqlx-noop-tls")
    ;;
esac

# The cluster.
bin=$(pg_config --bindir 2>/dev/null || true)
initdb=$(command -v initdb || echo "$bin/initdb")
pg_ctl=$(command -v pg_ctl || echo "$bin/pg_ctl")
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg=$(mktemp -d "${BENCH_PG_PARENT:-/tmp}/bench-runtime-pg.XXXXXX")
stop() {
  as_postgres "$pg_ctl" -D "$pg/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$pg"
}
trap stop EXIT
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$pg"; fi
as_postgres "$initdb" -D "$pg/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
port=$("$harness" free-port)
# Durability off and no autovacuum or timed checkpoint: the server's own disk
# and background work would only add noise to what is compared, the tools.
as_postgres "$pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
  -o "-p $port -k $pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off -c checkpoint_timeout=1h -c max_wal_size=8GB" \
  start >/dev/null

echo "# $(date -u +%Y-%m-%d) bench/runtime/run.sh $runs $noop_runs" | tee "$out/report.md"
"$harness" run --chains "$target/release" --diesel-runner "$target/release/diesel-runner" \
  --sqlx-runner "$target/release/sqlx-runner" --sqlx-noop "$target/release/sqlx-noop" "${bundled[@]}" \
  ${BENCH_SQLITE_DIR:+--sqlite-dir "$BENCH_SQLITE_DIR"} \
  --server "postgres://postgres@127.0.0.1:$port" --work "$out" \
  --runs "$runs" --noop-runs "$noop_runs" ${BENCH_PARTS:+--parts "$BENCH_PARTS"} | tee -a "$out/report.md"
