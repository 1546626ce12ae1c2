#!/usr/bin/env bash
# Start-up cost of the migrations compiled into an executable. For chains of
# N migrations (the chain of bench/compile-time; default N = 1, 250, 500,
# 1000), each the migrator's command line on SQLite built in release:
#   - the relocations the dynamic loader applies (`readelf -r`), and the size
#     of the relocated read-only data (.data.rel.ro);
#   - a no-op `upgrade head` (all N applied, a SQLite file in /dev/shm): its
#     peak memory (maximum resident set) and whole-process time;
#   - the peak memory of two commands that touch no database: `heads` (the
#     migrations collected, the revision graph built) and `--version` (the
#     process started, the command line parsed).
# With BEFORE_RUNTIME (another migrate-runtime checkout), the same executables
# over it too; the no-op runs alternate the two pair by pair and the ratio
# after/before is taken pair by pair. Medians are printed.
# Usage: bench/startup/run.sh [RUNS=21] [SIZES=1,250,500,1000]
#        BEFORE_RUNTIME=/path/to/other/migrate-runtime bench/startup/run.sh
set -euo pipefail
runs=${1:-21}
sizes=${2:-1,250,500,1000}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${BENCH_DIR:-$root/target/bench-startup}
mkdir -p "$out"
sides=(after)
[ -n "${BEFORE_RUNTIME:-}" ] && sides+=(before)

python3 - "$out" "$sizes" "$root/migrate-runtime" "${BEFORE_RUNTIME:-}" "$root/bench/compile-time" <<'EOF'
import os, sys
out, sizes, after, before, gen_dir = sys.argv[1:6]
sys.path.insert(0, gen_dir)
import generate

dep = 'migrate-runtime = {{ path = "{}", default-features = false, features = ["sqlite", "cli"] }}'
for side, rt in (("after", after), ("before", before)):
    if not rt:
        continue
    names = [f"s{n}" for n in sizes.split(",")]
    members = ", ".join(f'"{c}"' for c in names)
    generate.write(f"{out}/{side}/Cargo.toml",
                   f'[workspace]\nresolver = "2"\nmembers = [{members}]\n')
    for name in names:
        generate.here_crate(f"{out}/{side}", name, int(name[1:]), os.path.abspath(rt), dep)
        generate.write(f"{out}/{side}/{name}/src/main.rs",
                       f"fn main() -> std::process::ExitCode {{\n"
                       f"    migrate_runtime::cli::run({name}::migrations())\n}}\n")
EOF
cp "$root/Cargo.lock" "$out/after/Cargo.lock"
[ -n "${BEFORE_RUNTIME:-}" ] && cp "$BEFORE_RUNTIME/../Cargo.lock" "$out/before/Cargo.lock"
for side in "${sides[@]}"; do
  CARGO_TARGET_DIR="$out.$side-target" cargo build -q --release --manifest-path "$out/$side/Cargo.toml"
done

db=$(mktemp -d /dev/shm/bench-startup.XXXXXX)
trap 'rm -rf "$db"' EXIT
results="$out/results.tsv"
: > "$results"
IFS=, read -ra ns <<< "$sizes"
for n in "${ns[@]}"; do
  for side in "${sides[@]}"; do
    bin="$out.$side-target/release/s$n"
    relocs=$(readelf -rW "$bin" | grep -cE '^[0-9a-f]{8,} ')
    relro=$(readelf -SW "$bin" | awk '$2 == ".data.rel.ro" { print strtonum("0x" $6) }')
    DATABASE_URL="sqlite:///$db/$side$n.db" "$bin" upgrade head >/dev/null 2>&1
    printf 'static\t%s\t%s\t%s\t%s\n' "$side" "$n" "$relocs" "${relro:-0}" >> "$results"
  done
  for r in $(seq 1 "$runs"); do
    # Alternate which side goes first.
    order=("${sides[@]}"); [ $((r % 2)) = 0 ] && order=($(printf '%s\n' "${sides[@]}" | tac))
    for side in "${order[@]}"; do
      t0=$(date +%s%N)
      DATABASE_URL="sqlite:///$db/$side$n.db" /usr/bin/time -f '%M' -o "$out/time" \
        "$out.$side-target/release/s$n" upgrade head >/dev/null 2>&1
      t1=$(date +%s%N)
      wall=$(awk "BEGIN { print ($t1 - $t0) / 1e9 }")
      read -r rss < "$out/time"
      printf 'noop\t%s\t%s\t%s\t%s\t%s\n' "$side" "$n" "$r" "$wall" "$rss" >> "$results"
      for command in heads --version; do
        /usr/bin/time -f '%M' -o "$out/time" "$out.$side-target/release/s$n" "$command" >/dev/null 2>&1
        read -r rss < "$out/time"
        printf '%s\t%s\t%s\t%s\t0\t%s\n' "$command" "$side" "$n" "$r" "$rss" >> "$results"
      done
    done
  done
done

python3 - "$results" <<'EOF'
import statistics, sys
from collections import defaultdict
static, noop, rss = {}, defaultdict(dict), defaultdict(list)
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if f[0] == "static":
        static[(f[1], int(f[2]))] = (int(f[3]), int(f[4]))
    elif f[0] == "noop":
        noop[(f[1], int(f[2]))][f[3]] = (float(f[4]), int(f[5]))
    else:
        rss[(f[0], f[1], int(f[2]))].append(int(f[5]))
med = statistics.median
sides = sorted({s for s, _ in static}, reverse=False)
print(f"{'side':7} {'N':>5} {'relocations':>11} {'.data.rel.ro':>12} {'no-op ms':>9} "
      f"{'peak RSS KiB: no-op':>19} {'heads':>6} {'--version':>9}")
for (side, n) in sorted(static, key=lambda k: (k[1], k[0])):
    runs = noop[(side, n)].values()
    print(f"{side:7} {n:5} {static[(side, n)][0]:11} {static[(side, n)][1]:12} "
          f"{1000 * med(v[0] for v in runs):9.1f} {med(v[1] for v in runs):19.0f} "
          f"{med(rss[('heads', side, n)]):6.0f} {med(rss[('--version', side, n)]):9.0f}")
ns = sorted({n for _, n in static})
# Peak memory per migration: the slope between the smallest and largest N.
if len(ns) > 1:
    lo, hi = ns[0], ns[-1]
    for side in sides:
        slope = lambda k: (k(hi) - k(lo)) / (hi - lo) * 1024
        noop_rss = lambda n: med(v[1] for v in noop[(side, n)].values())
        heads = lambda n: med(rss[("heads", side, n)])
        version = lambda n: med(rss[("--version", side, n)])
        print(f"{side}: peak memory per migration (N={lo} to {hi}): no-op {slope(noop_rss):.0f} B, "
              f"heads {slope(heads):.0f} B, --version {slope(version):.0f} B")
if "before" in sides:
    for n in ns:
        a, b = noop[("after", n)], noop[("before", n)]
        t = [a[r][0] / b[r][0] for r in a if r in b and b[r][0] > 0]
        print(f"N={n}: no-op time after/before {med(t):.2f} (pairs {len(t)})")
EOF
