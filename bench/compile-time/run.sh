#!/usr/bin/env bash
# Compile-time cost of #[migration], side by side in one run with the same N
# migrations as plain Rust functions and as SQL embedded by diesel_migrations'
# `embed_migrations!` (crates: see generate.py; `embed` is diesel's). Each contender is also built
# with one migration, so "+N-1" reads what the other migrations cost.
#   full:   the crate recompiled from scratch (CARGO_INCREMENTAL=0, deps built)
#   edit:   a rebuild after editing one migration (the middle one: a column
#           length), incremental in dev as cargo makes it, not in release
# in the dev and the release profile. Rounds rotate the order of the crates;
# ratios are taken round by round; medians are printed, of CPU time (user +
# system of cargo and rustc: less disturbed than wall time by other work on a
# shared machine) and of wall time.
# Usage: bench/compile-time/run.sh [N=500] [ROUNDS=5]
#        BEFORE_RUNTIME=/path/to/other/migrate-runtime bench/compile-time/run.sh
#            adds `before`: the `here` crates over another checkout (its own workspace)
#        PROFILES=dev bench/compile-time/run.sh     (dev, release or both: "dev release")
#        OPTIMIZED_MACROS=1 bench/compile-time/run.sh   (proc macros built with opt-level 3, as the
#            README advises for hundreds of migrations)
#        TIME_PASSES=1 bench/compile-time/run.sh    (also rustc's -Z time-passes of a full
#            build and of an edit of `here`, through RUSTC_BOOTSTRAP on the stable toolchain)
# `herecold` is `here` built with the expansion cache of migrate-macros
# emptied before each build: every migration analysed again and its entry
# written, as in the first build in an empty target directory (`here` reads
# the cache its earlier builds filled, as a developer's rebuilds do).
set -euo pipefail
n=${1:-500}
rounds=${2:-5}
profiles=${PROFILES:-dev release}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${BENCH_DIR:-$root/target/bench-compile-time${OPTIMIZED_MACROS:+-opt}}
rm -rf "$out"
python3 "$root/bench/compile-time/generate.py" "$out" "$n" "$root/migrate-runtime" "${BEFORE_RUNTIME:-}"
cp "$root/Cargo.lock" "$out/Cargo.lock"
if [ -n "${OPTIMIZED_MACROS:-}" ]; then
  for m in "$out/Cargo.toml" "$out/before/Cargo.toml"; do
    if [ -f "$m" ]; then
      printf '\n[profile.dev.build-override]\nopt-level = 3\n\n[profile.release.build-override]\nopt-level = 3\n' >> "$m"
    fi
  done
fi
[ -n "${BEFORE_RUNTIME:-}" ] && cp "$BEFORE_RUNTIME/../Cargo.lock" "$out/before/Cargo.lock"
# Target dirs beside the generated crates, kept from run to run (deps built once).
export CARGO_TARGET_DIR="$out.target"
crates=(here herecold here1 embed embed1 plain plain1)
edited=(here herecold embed plain)
[ -n "${BEFORE_RUNTIME:-}" ] && crates+=(before before1) && edited+=(before)
manifest() { # crate -> its workspace's manifest
  case $1 in before*) echo "$out/before/Cargo.toml" ;; *) echo "$out/Cargo.toml" ;; esac
}
dir() { # crate -> its directory
  case $1 in before*) echo "$out/before/$1" ;; *) echo "$out/$(pkg "$1")" ;; esac
}
pkg() { # crate -> its package
  case $1 in herecold) echo here ;; *) echo "$1" ;; esac
}
cache_dir() { # crate profile -> the expansion cache of its builds
  local dir; [ "$2" = release ] && dir=release || dir=debug
  echo "$(target "$1")/$dir/migrate-macros-cache"
}
clear_cache() { # crate profile -> for herecold, `here`'s cache set aside
  case $1 in herecold)
    rm -rf "$(cache_dir "$1" "$2").here"
    [ -d "$(cache_dir "$1" "$2")" ] && mv "$(cache_dir "$1" "$2")" "$(cache_dir "$1" "$2").here" ;;
  esac
  true
}
restore_cache() { # crate profile -> after herecold, `here`'s cache back
  case $1 in herecold)
    rm -rf "$(cache_dir "$1" "$2")"
    [ -d "$(cache_dir "$1" "$2").here" ] && mv "$(cache_dir "$1" "$2").here" "$(cache_dir "$1" "$2")" ;;
  esac
  true
}
target() { # crate -> its target dir
  case $1 in before*) echo "$out.before-target" ;; *) echo "$CARGO_TARGET_DIR" ;; esac
}
flag() { [ "$1" = release ] && echo --release || true; }

for p in $profiles; do
  for c in "${crates[@]}"; do
    CARGO_TARGET_DIR=$(target "$c") cargo build -q $(flag "$p") --manifest-path "$(manifest "$c")" -p "$(pkg "$c")"
  done
done

# `here`'s expansion cache as a developer has it: filled by an incremental
# (dev) build; release builds, not incremental, read it but write none.
touch "$(dir here)/src/lib.rs"
CARGO_INCREMENTAL=1 CARGO_TARGET_DIR=$(target here) cargo build -q --manifest-path "$(manifest here)" -p here

results="$out/results.tsv"
: > "$results"
build() { # profile kind crate round -> appends "profile kind crate round wall cpu"
  local p=$1 kind=$2 c=$3 r=$4 d incremental=0
  d=$(dir "$c")
  if [ "$kind" = full ]; then
    touch "$d/src/lib.rs"
  else
    [ "$p" = dev ] && incremental=1
    local i; i=$(printf '%04d' $((n / 2)))
    # Each round edits the same migration differently, as a developer would.
    case $c in
      here|herecold|before) sed -i -E "s/String\(5[0-9]*\)/String(5$r)/" "$d/src/m/m$i.rs" ;;
      plain) sed -i -E "s/VARCHAR\(5[0-9]*\)/VARCHAR(5$r)/" "$d/src/m/m$i.rs" ;;
      embed) sed -i -E "s/VARCHAR\(5[0-9]*\)/VARCHAR(5$r)/" "$d/migrations/0$i"_m"$i/up.sql" ;;
    esac
  fi
  clear_cache "$c" "$p"
  CARGO_INCREMENTAL=$incremental CARGO_TARGET_DIR=$(target "$c") \
    /usr/bin/time -f '%e %U %S' -o "$out/time" \
    cargo build -q $(flag "$p") --manifest-path "$(manifest "$c")" -p "$(pkg "$c")" 2>"$out/last.err" \
    || { cat "$out/last.err" >&2; echo "build of $c failed" >&2; exit 1; }
  restore_cache "$c" "$p"
  read -r wall user sys < "$out/time"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$kind" "$c" "$r" "$wall" "$(awk "BEGIN { print $user + $sys }")" >> "$results"
}

for p in $profiles; do
  for kind in full edit; do
    if [ "$kind" = full ]; then list=("${crates[@]}"); else list=("${edited[@]}"); fi
    # Warm-up: one build of each, not counted (fills the incremental caches).
    for c in "${list[@]}"; do build "$p" "$kind" "$c" 0; done
    for r in $(seq 1 "$rounds"); do
      # Rotate: round r starts with the r-th crate.
      k=${#list[@]}
      for j in $(seq 0 $((k - 1))); do
        build "$p" "$kind" "${list[$(((j + r) % k))]}" "$r"
      done
    done
  done
done

python3 - "$results" "$n" "$rounds" <<'EOF'
import statistics, sys
from collections import defaultdict
path, n, rounds = sys.argv[1], sys.argv[2], sys.argv[3]
t = defaultdict(dict)  # (profile, kind, crate) -> round -> (wall, cpu)
for line in open(path):
    p, kind, c, r, wall, cpu = line.split("\t")
    if r != "0":
        t[(p, kind, c)][r] = (float(wall), float(cpu))
med = statistics.median
def col(p, kind, c, i):
    return t[(p, kind, c)]
def series(p, kind, c, i):
    return {r: v[i] for r, v in t[(p, kind, c)].items()}
def one(c):  # the crate with one migration
    return "here1" if c == "herecold" else c + "1"
def diff(p, c, i):  # per round: crate(N) - crate(1), full builds
    a, b = series(p, "full", c, i), series(p, "full", one(c), i)
    return [a[r] - b[r] for r in a if r in b]
def ratio(p, kind, x, y, i):
    a, b = series(p, kind, x, i), series(p, kind, y, i)
    return [a[r] / b[r] for r in a if r in b]
kinds = [k for k in ("here", "herecold", "before", "embed", "plain") if any(key[2] == k for key in t)]
print(f"N={n}, rounds={rounds}; medians; seconds of CPU (wall in brackets)")
for p in ("dev", "release"):
    if not any(key[0] == p for key in t):
        continue
    print(f"\n[{p}]")
    print(f"{'':8} {'full N':>16} {'full 1':>16} {'+N-1 (cpu)':>11} {'edit':>16}")
    for k in kinds:
        f, f1, e = (t[(p, "full", k)], t[(p, "full", one(k))], t[(p, "edit", k)])
        fmt = lambda s: f"{med(v[1] for v in s.values()):6.2f} [{med(v[0] for v in s.values()):6.2f}]"
        print(f"{k:8} {fmt(f):>16} {fmt(f1):>16} {med(diff(p, k, 1)):+11.2f} {fmt(e):>16}")
    for x in [k for k in kinds if k in ("here", "herecold", "before")]:
        for y in ("embed", "plain"):
            for kind in ("full", "edit"):
                r = ratio(p, kind, x, y, 1)
                print(f"  {x}/{y} {kind:4}: {med(r):.2f} (min {min(r):.2f}, max {max(r):.2f})")
EOF

if [ -n "${TIME_PASSES:-}" ]; then
  # Where the time goes: rustc's own pass timings of `here` (and `herecold`,
  # `before`), a full dev build and a dev rebuild after an edit. The edit is
  # made twice and the second printed: the first rebuild after a change of
  # rustc's flags (these add -Z time-passes) finds no incremental state to
  # reuse and recompiles everything. Full builds too are made twice: RUSTC_BOOTSTRAP makes cargo build
  # the dependencies again, the macros included, so the first build's
  # expansion cache is empty (as for `herecold`, whose cache is emptied each time).
  for c in "${edited[@]}"; do
    case $c in here|herecold|before) ;; *) continue ;; esac
    d=$(dir "$c")
    for kind in full edit; do
      if [ "$kind" = full ]; then tries="1 2"; else tries="8 9"; fi
      for try in $tries; do
        if [ "$kind" = full ]; then touch "$d/src/lib.rs"; inc=0; else
          sed -i -E "s/String\(5[0-9]*\)/String(5$try)/" "$d/src/m/m$(printf '%04d' $((n / 2))).rs"; inc=1; fi
        clear_cache "$c" dev
        passes=$(CARGO_INCREMENTAL=$inc RUSTC_BOOTSTRAP=1 \
          CARGO_TARGET_DIR=$(target "$c") \
          cargo rustc -q --manifest-path "$(manifest "$c")" -p "$(pkg "$c")" -- -Z time-passes 2>&1 \
          | awk '$1 == "time:" { s = $2; sub(/;/, "", s); if (s + 0 >= 0.05) print }')
        restore_cache "$c" dev
      done
      echo "== $c, $kind (dev): -Z time-passes, passes over 0.05 s"
      echo "$passes"
    done
  done
fi
