#!/usr/bin/env bash
# Compile-time cost of #[migration]: builds a crate of N migrations (3 ops
# each) and the same revisions as plain inventory::submit! records, in the
# dev profile, and prints the time of each and their ratio, pair by pair:
#   full:   the crate recompiled from scratch (CARGO_INCREMENTAL=0, deps built)
#   edit:   an incremental rebuild after editing one migration
# Usage: bench/compile-time/run.sh [N=1000] [RUNS=5]
#        OPTIMIZED_MACROS=1 bench/compile-time/run.sh   (proc macros built with opt-level 3)
set -euo pipefail
n=${1:-1000}
runs=${2:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${BENCH_DIR:-$root/target/bench-compile-time}
rm -rf "$out"
python3 "$root/bench/compile-time/generate.py" "$out" "$n" "$root/migrate-runtime"
cd "$out"
cp "$root/Cargo.lock" . 2>/dev/null || true
if [ -n "${OPTIMIZED_MACROS:-}" ]; then
  # The setting the README recommends for crates with hundreds of migrations.
  printf '\n[profile.dev.build-override]\nopt-level = 3\n' >> Cargo.toml
fi
export CARGO_TARGET_DIR="$out/target"
cargo build -q -p checked -p plain 2>/dev/null

seconds() { # command... -> wall seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>"$out/last.err" || { cat "$out/last.err" >&2; echo "build failed" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk "BEGIN { print $t1 - $t0 }"
}
full() { # crate
  touch "$1/src/lib.rs"
  CARGO_INCREMENTAL=0 seconds cargo build -q -p "$1"
}
edit() { # crate run
  # Each run edits the same migration differently, as a developer would.
  local f
  f=$(printf '%s/src/m/m%04d.rs' "$1" $((n / 2)))
  sed -i -E "s/String\(5[0-9]*\)/String(5$2)/; s/String\(Some\(5[0-9]*\)\)/String(Some(5$2))/g" "$f"
  CARGO_INCREMENTAL=1 seconds cargo build -q -p "$1"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for kind in full edit; do
  # Warm-up: one run of each, not counted (fills incremental caches for `edit`).
  $kind checked 0 >/dev/null; $kind plain 0 >/dev/null
  : > "$out/$kind.checked"; : > "$out/$kind.plain"; : > "$out/$kind.ratio"
  for r in $(seq 1 "$runs"); do
    a=$($kind checked "$r"); b=$($kind plain "$r")
    echo "$a" >> "$out/$kind.checked"; echo "$b" >> "$out/$kind.plain"
    awk "BEGIN { print $a / $b }" >> "$out/$kind.ratio"
  done
  printf '%-5s N=%s runs=%s  checked %.2fs  plain %.2fs  ratio %.2f (min %.2f, max %.2f)\n' \
    "$kind" "$n" "$runs" "$(median < "$out/$kind.checked")" "$(median < "$out/$kind.plain")" \
    "$(median < "$out/$kind.ratio")" "$(sort -g "$out/$kind.ratio" | head -1)" "$(sort -g "$out/$kind.ratio" | tail -1)"
done
