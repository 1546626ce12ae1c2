#!/usr/bin/env bash
# Starts the testing toolkit's throwaway servers many times side by side on a
# busy machine, the way `cargo test --workspace` does on a loaded CI runner,
# and counts the starts that fail (with why). Too long for CI; run it after a
# change to testing/server.rs, cluster.rs or mysql_server.rs.
#
#   scripts/stress-test-servers.sh [mysql|postgres] [starts per round] [rounds] [busy loops]
#
# Defaults: mysql, 8 starts, 5 rounds, 4 busy loops. Each start is a
# `cluster_child hold[-mysql]` process, killed (SIGKILL) once ready; its
# watchdog removes its server. Prints one line per start (OK or FAIL, seconds
# to ready), the failures' messages, and the totals; exits 1 if any failed.
set -euo pipefail

kind=${1:-mysql}
per_round=${2:-8}
rounds=${3:-5}
busy=${4:-4}
case $kind in
    mysql) hold=hold-mysql ;;
    postgres) hold=hold ;;
    *) echo "usage: $0 [mysql|postgres] [starts per round] [rounds] [busy loops]" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
cargo build --quiet -p migrate-tests --bin cluster_child
bin=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/debug/cluster_child
out=$(mktemp -d)
loops=()
cleanup() {
    for p in "${loops[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$out"
}
trap cleanup EXIT

for _ in $(seq 1 "$busy"); do
    (while :; do :; done) &
    loops+=($!)
done

# One start: waits for READY or for the child to end, then kills it.
start() {
    local name=$1 began child
    began=$(date +%s.%N)
    env -u TEST_DATABASE_URL -u TEST_MYSQL_URL "$bin" "$hold" >"$out/$name.out" 2>"$out/$name.err" &
    child=$!
    until grep -q READY "$out/$name.out" 2>/dev/null; do
        if ! kill -0 "$child" 2>/dev/null; then
            echo "FAIL $name $(echo "$(date +%s.%N) - $began" | bc)"
            return
        fi
        sleep 0.1
    done
    echo "OK $name $(echo "$(date +%s.%N) - $began" | bc)"
    kill -KILL "$child"
    wait "$child" 2>/dev/null || true
}

for r in $(seq 1 "$rounds"); do
    for i in $(seq 1 "$per_round"); do
        start "$r-$i" &
    done
    # In this pipeline's subshell: the starts are its only children.
    wait
done | tee "$out/results"

for f in "$out"/*.err; do
    name=$(basename "$f" .err)
    if grep -q "^FAIL $name " "$out/results"; then
        echo "--- $name:"
        grep -v '^  \|^stack backtrace\|^note: ' "$f" | head -40
    fi
done
ok=$(grep -c '^OK' "$out/results" || true)
failed=$(grep -c '^FAIL' "$out/results" || true)
echo "$kind: $ok started, $failed failed ($per_round side by side, $rounds rounds, $busy busy loops)"
[ "$failed" -eq 0 ]
