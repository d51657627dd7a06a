#!/bin/sh
# Does the host elevator still matter on a queueing drive? Replays two
# classic scenarios on sata-7200 (closed loop) at drive queue depths 1, 4
# and 32 through every host elevator, and random readers through each drive
# policy at depths 1..32 for the latency-against-depth plot.
#
#   scripts/queue_depth_sweep.sh [build/bin/iosched] [outdir]
#
# Writes OUTDIR/host_table.md (the README table), OUTDIR/depth.csv and,
# with gnuplot, OUTDIR/queue-depth.svg. Deterministic (seed 42).
set -eu
IOSCHED=${1:-build/bin/iosched}
OUT=${2:-/tmp/queue_depth_sweep}
mkdir -p "$OUT"
# 64 random 4 KiB readers over the whole 1 TB (931 GiB): more than the drive holds.
"$IOSCHED" generate random-readers --streams 64 --requests 20000 --capacity 931G \
  --seed 42 -o "$OUT/rr.csv" >/dev/null
# Two dependent sequential readers against a streaming writer; the writer
# may keep 128 writes outstanding (page-cache writeback).
"$IOSCHED" generate dependent-readers-vs-writer --requests 10000 --capacity 931G \
  --seed 42 -o "$OUT/drw.csv" >/dev/null

{
  echo "| scenario | elevator | depth 1: mean / p99 ms | depth 4 | depth 32 |"
  echo "|---|---|---|---|---|"
  for sc in rr drw; do
    extra=""
    [ "$sc" = drw ] && extra="--async-writes 128"
    for d in 1 4 32; do
      # shellcheck disable=SC2086
      "$IOSCHED" compare "$OUT/$sc.csv" --disk "sata-7200:queue_depth=$d" --mode closed $extra \
        --format csv --quiet >"$OUT/$sc.$d.csv"
    done
    name=random-readers
    [ "$sc" = drw ] && name=dependent-readers-vs-writer
    # Columns by name (the CSV leads with result metadata, quoted where it
    # holds commas); for drw the reads' latency.
    python3 - "$name" "$sc" "$OUT/$sc.1.csv" "$OUT/$sc.4.csv" "$OUT/$sc.32.csv" <<'PY'
import csv, sys
name, sc, files = sys.argv[1], sys.argv[2], sys.argv[3:]
mean, p99 = ("read_lat_mean_ms", "read_lat_p99_ms") if sc == "drw" else ("lat_mean_ms", "lat_p99_ms")
runs = [list(csv.DictReader(open(f))) for f in files]
for i, row in enumerate(runs[0]):
    cells = ["%.1f / %.0f" % (float(r[i][mean]), float(r[i][p99])) for r in runs]
    print("| %s | %s | %s |" % (name, row["spec"], " | ".join(cells)))
PY
  done
} >"$OUT/host_table.md"

# Latency against drive depth, host noop, one line per drive policy.
echo "policy,depth,mean_ms,p99_ms,iops" >"$OUT/depth.csv"
for p in fcfs clook sptf aged-sptf; do
  for d in 1 2 4 8 16 32; do
    opt="queue_depth=$d,queue_policy=$p"
    [ "$p" = aged-sptf ] && opt="$opt,aging_weight=30"
    "$IOSCHED" compare "$OUT/rr.csv" --disk "sata-7200:$opt" --mode closed --elevators noop \
      --format csv --quiet | python3 -c '
import csv, sys
r = next(csv.DictReader(sys.stdin))
print(",".join([sys.argv[1], sys.argv[2], r["lat_mean_ms"], r["lat_p99_ms"], r["iops"]]))' "$p" "$d" \
      >>"$OUT/depth.csv"
  done
done

if command -v gnuplot >/dev/null 2>&1; then
  gnuplot <<GP
set terminal svg size 900,420 font "sans,12"
set output "$OUT/queue-depth.svg"
set datafile separator ","
set multiplot layout 1,2 title "sata-7200, 64 random 4 KiB readers (closed loop), host noop"
set logscale x 2
set xlabel "drive queue depth"
set key top left
set ylabel "mean latency (ms)"
plot for [p in "fcfs clook sptf aged-sptf"] "< grep '^".p.",' $OUT/depth.csv" using 2:3 with linespoints title p
set ylabel "p99 latency (ms)"
plot for [p in "fcfs clook sptf aged-sptf"] "< grep '^".p.",' $OUT/depth.csv" using 2:4 with linespoints title p
unset multiplot
GP
fi
echo "wrote $OUT/host_table.md $OUT/depth.csv"
