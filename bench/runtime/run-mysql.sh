#!/usr/bin/env bash
# Runtime benchmark on MySQL/MariaDB (figures in BENCHMARKS.md). In one run:
# `upgrade head` of the 500-revision chain (each revision: create a table
# with an auto-increment key and a varchar, add a VARCHAR(200) note, index
# it) from an empty database, and its `downgrade base`, by the migrator, by
# the `mariadb` client running the migrator's own offline SQL
# (`--dialect mysql`), and by diesel_migrations running the same DDL as
# up.sql/down.sql folders. Each timed run is a whole process on a database
# created for it; contenders alternate (rotated and reversed round by
# round), ratios are taken round by round, medians reported.
#
# A throwaway MariaDB server is started from the machine's binaries
# (mariadb-install-db + mariadbd, as the `mysql` user when run as root), on a
# free port with its socket and data under /tmp, durability off as the
# PostgreSQL cluster of run.sh, and removed at the end.
#
# Usage: bench/runtime/run-mysql.sh [RUNS=12]   (a multiple of 6 balances the orders of three)
#        BENCH_MYSQL_PARENT=/dev/shm bench/runtime/run-mysql.sh   (the server's data in memory)
set -euo pipefail
runs=${1:-12}
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
out=${BENCH_DIR:-$target/bench-runtime}
mkdir -p "$out"

cargo build --release -q -p bench-runtime --manifest-path "$root/Cargo.toml"
harness=$target/release/bench-runtime
"$harness" generate --out "$out/chains" --runtime "$root/migrate-runtime" --sizes 500
cp "$root/Cargo.lock" "$out/chains/mysql500/Cargo.lock"
CARGO_TARGET_DIR=$target cargo build --release -q --manifest-path "$out/chains/mysql500/Cargo.toml"

# The server.
as_mysql() {
  if [ "$(id -u)" = 0 ]; then runuser -u mysql -- "$@"; else "$@"; fi
}
my=$(mktemp -d "${BENCH_MYSQL_PARENT:-/tmp}/bench-runtime-mysql.XXXXXX")
stop() {
  if [ -f "$my/mariadbd.pid" ]; then kill "$(cat "$my/mariadbd.pid")" 2>/dev/null || true; fi
  for _ in $(seq 100); do [ -f "$my/mariadbd.pid" ] || break; sleep 0.1; done
  rm -rf "$my"
}
trap stop EXIT
if [ "$(id -u)" = 0 ]; then chown mysql:mysql "$my"; fi
as_mysql mariadb-install-db --no-defaults --datadir="$my/data" \
  --auth-root-authentication-method=normal --skip-test-db >/dev/null
port=$("$harness" free-port)
as_mysql mariadbd --no-defaults --datadir="$my/data" --socket="$my/mariadbd.sock" \
  --pid-file="$my/mariadbd.pid" --log-error="$my/server.log" --port="$port" \
  --bind-address=127.0.0.1 --skip-log-bin --innodb-flush-log-at-trx-commit=0 \
  --innodb-doublewrite=0 --innodb-buffer-pool-size=256M \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_bin &
for _ in $(seq 600); do
  mariadb --no-defaults -h 127.0.0.1 -P "$port" -u root -e 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.1
done

echo "# $(date -u +%Y-%m-%d) bench/runtime/run-mysql.sh $runs" | tee "$out/mysql-report.md"
"$harness" run-mysql --chain "$target/release/mysql500" --diesel-runner "$target/release/diesel-runner" \
  --port "$port" --work "$out" --runs "$runs" | tee -a "$out/mysql-report.md"
