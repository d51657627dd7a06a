#!/usr/bin/env bash
# Simulator throughput and scale (issue 9), end to end from a trace file.
#
# Workload: N random requests in DiskSim ASCII format — uniform positions over
# the HP C2247A, sizes 4/8/16/32/64 KiB uniformly, 70 % reads, Poisson
# arrivals with a mean gap of GAP ms — replayed by
# `iosched compare --format json` on hp-c2247a.
#
# Prints, per gap, simulated requests per second of wall time for linus (the
# elevator of the reference numbers) and, as the baseline measured in the
# same run, noop (engine and disk model without sorting), with their ratio:
# the median of SIM_REPEAT runs (default 3) each, and their range.
# Then scale: linus at the first gap with N and 10 N requests — cost per
# request at both sizes (linear growth gives a ratio near 1) and peak RSS.
#
# Usage: bench/sim_throughput.sh [BUILD_DIR] [REQUESTS] [GAP_MS...]
#   defaults: build 1000000 30 20
set -euo pipefail
build=${1:-build}
n=${2:-1000000}
shift $(($# > 2 ? 2 : $#))
gaps=("$@")
[ ${#gaps[@]} -gt 0 ] || gaps=(30 20)
iosched="$build/bin/iosched"
[ -x "$iosched" ] || { echo "sim_throughput: $iosched not built" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
capacity=2054864  # sectors of the HP C2247A

make_trace() {  # make_trace N GAP FILE
  # time_ms devno blkno bcount flags (bit 0: read). awk's rand() with a fixed
  # seed keeps the workload identical between runs.
  awk -v n="$1" -v gap="$2" -v cap="$capacity" 'BEGIN {
    srand(20261122); t = 0
    split("8 16 32 64 128", sizes, " ")
    for (i = 0; i < n; i++) {
      t += -gap * log(1 - rand())
      s = sizes[int(rand() * 5) + 1]
      b = int(rand() * (cap - s) / 8) * 8
      printf "%.6f 0 %d %d %d\n", t, b, s, (rand() < 0.7) ? 1 : 0
    }
  }' > "$3"
  # Write the file back now, not during the timed run that follows.
  sync "$3" 2>/dev/null || sync
}

# run TRACE ELEVATOR: sets secs, rss_kb (peak RSS, or "?" without GNU time).
run() {
  local start end
  start=$(date +%s%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$tmp/rss" "$iosched" compare "$1" --trace-format disksim \
        --disk hp-c2247a --elevators "$2" --format json --quiet > "$tmp/out.json"
    rss_kb=$(tail -1 "$tmp/rss")
  else
    "$iosched" compare "$1" --trace-format disksim --disk hp-c2247a --elevators "$2" \
        --format json --quiet > "$tmp/out.json"
    rss_kb="?"
  fi
  end=$(date +%s%N)
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
}

# Each (gap, elevator) runs $repeat times, noop and linus alternately so that
# the machine's drift reaches both; the rate is from the median time, and the
# range of the runs is printed with it.
repeat=${SIM_REPEAT:-3}
median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for gap in "${gaps[@]}"; do
  make_trace "$n" "$gap" "$tmp/trace.ascii"
  times_noop="" times_linus=""
  for ((r = 0; r < repeat; ++r)); do
    for elevator in noop linus; do
      run "$tmp/trace.ascii" "$elevator"
      eval "times_$elevator=\"\$times_$elevator $secs\""
      eval "rss_$elevator=$rss_kb"
      eval "lat_$elevator=$(grep -o '"lat_mean_ms":[0-9.e+-]*' "$tmp/out.json" | head -1 | cut -d: -f2)"
    done
  done
  for elevator in noop linus; do
    eval "times=\$times_$elevator"
    secs=$(echo "$times" | median)
    lo=$(echo "$times" | tr ' ' '\n' | sed '/^$/d' | sort -n | head -1)
    hi=$(echo "$times" | tr ' ' '\n' | sed '/^$/d' | sort -n | tail -1)
    rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
    eval "rate_$elevator=$rate"
    eval "rss=\$rss_$elevator lat=\$lat_$elevator"
    if [ "$elevator" = linus ] && [ -z "${small_secs:-}" ]; then
      small_secs=$secs small_rss=$rss  # the scale's N point (first gap, linus)
    fi
    printf "gap %3s ms  %-6s %9d requests in %8.3f s = %9d requests/s  (median of %d runs, %s-%s s; mean latency %s ms, peak RSS %s KB)\n" \
        "$gap" "$elevator" "$n" "$secs" "$rate" "$repeat" "$lo" "$hi" "$lat" "$rss"
  done
  awk -v a="$rate_linus" -v b="$rate_noop" -v g="$gap" \
      'BEGIN { printf "gap %3s ms  linus/noop throughput ratio %.2f\n", g, a / b }'
done

# Scale: the same workload at N (the first gap's linus run above: the same
# trace, elevator and disk) and 10 N requests (its trace is written to the
# temporary directory, about 40 bytes per request).
small=$n
big=$((n * 10))
rm -f "$tmp/trace.ascii"
make_trace "$big" "${gaps[0]}" "$tmp/big.ascii"
run "$tmp/big.ascii" linus
n=$big
awk -v n1="$small" -v s1="$small_secs" -v r1="$small_rss" -v n2="$n" -v s2="$secs" -v r2="$rss_kb" \
    'BEGIN {
       printf "scale  linus %9d requests: %8.1f ns/request, peak RSS %s KB\n", n1, s1 / n1 * 1e9, r1
       printf "scale  linus %9d requests: %8.1f ns/request, peak RSS %s KB\n", n2, s2 / n2 * 1e9, r2
       printf "scale  cost per request at %dx the requests: %.2fx (1.00 = linear)\n", n2 / n1, (s2 / n2) / (s1 / n1)
     }'
