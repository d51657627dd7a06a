#!/usr/bin/env bash
# Before/after: the same work through two builds, run alternately in one
# script so that the machine's drift hits both alike, and their ratio.
#
#   1. the simulator: a random DiskSim ASCII trace of N requests (the
#      workload of bench/sim_throughput.sh) replayed by `iosched compare
#      --elevators linus --format table` on hp-c2247a (table: the JSON
#      output also hashes the trace for its metadata, which is not the
#      simulator);
#   2. the elevators: elevator_bench's deadline, cfq and noop at 4,096
#      pending (random), CPU ns per request as the benchmark reports it.
#
# Times are user+system CPU seconds of the whole process (GNU time), which a
# loaded machine inflates less than wall time. The ratio is after/before per
# pair; the median of the pairs is printed (below 1: the after build is
# faster).
#
# Usage: bench/before_after.sh BEFORE_BUILD AFTER_BUILD [REQUESTS] [PAIRS]
#   defaults: 300000 requests, 5 pairs
set -euo pipefail
before=${1:?before build dir}
after=${2:?after build dir}
n=${3:-300000}
pairs=${4:-5}
for b in "$before" "$after"; do
  for p in iosched elevator_bench; do
    [ -x "$b/bin/$p" ] || { echo "before_after: $b/bin/$p not built" >&2; exit 1; }
  done
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v n="$n" -v cap=2054864 'BEGIN {
  srand(20261122); t = 0
  split("8 16 32 64 128", sizes, " ")
  for (i = 0; i < n; i++) {
    t += -30 * log(1 - rand())
    s = sizes[int(rand() * 5) + 1]
    b = int(rand() * (cap - s) / 8) * 8
    printf "%.6f 0 %d %d %d\n", t, b, s, (rand() < 0.7) ? 1 : 0
  }}' > "$tmp/trace.txt"

cpu() {  # cpu OUT CMD... : user+sys seconds of CMD (its output to OUT)
  local out=$1
  shift
  /usr/bin/time -f "%U %S" -o "$tmp/time" "$@" > "$out" 2>/dev/null || true
  awk '{ printf "%.3f\n", $1 + $2 }' "$tmp/time"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== simulator: $n requests, linus on hp-c2247a, $pairs pairs (CPU s, before / after)"
: > "$tmp/sim_ratios"
for i in $(seq "$pairs"); do
  tb=$(cpu "$tmp/b" "$before/bin/iosched" compare "$tmp/trace.txt" --disk hp-c2247a --elevators linus --format table)
  ta=$(cpu "$tmp/a" "$after/bin/iosched" compare "$tmp/trace.txt" --disk hp-c2247a --elevators linus --format table)
  echo "  pair $i: $tb / $ta"
  awk -v a="$ta" -v b="$tb" 'BEGIN { printf "%.4f\n", a / b }' >> "$tmp/sim_ratios"
done
echo "  after/before median: $(median < "$tmp/sim_ratios")"

echo "== elevator_bench, 4096 pending, random (CPU ns per request, before / after)"
filter='BM_(deadline|cfq|noop)/pending:4096/seq:0$'
for i in $(seq "$pairs"); do
  for side in before after; do
    dir=$before
    [ $side = after ] && dir=$after
    "$dir/bin/elevator_bench" --benchmark_filter="$filter" --benchmark_color=false 2>/dev/null |
      sed 's/\x1b\[[0-9;]*m//g' | awk '/^BM_/ && $5 == "ns" { print $1, $4 }' >> "$tmp/eb_$side"
  done
done
for name in $(awk '{ print $1 }' "$tmp/eb_before" | sort -u); do
  b=$(awk -v n="$name" '$1 == n { print $2 }' "$tmp/eb_before" | median)
  a=$(awk -v n="$name" '$1 == n { print $2 }' "$tmp/eb_after" | median)
  [ -n "$a" ] || { echo "  $name: not in the after build"; continue; }
  awk -v n="$name" -v a="$a" -v b="$b" 'BEGIN { printf "  %-24s %8.1f / %8.1f ns   after/before %.3f\n", n, b, a, a / b }'
done
