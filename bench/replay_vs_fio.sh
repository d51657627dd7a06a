#!/usr/bin/env bash
# `iosched replay` (the command-line real path, trace reading and metrics
# included) against fio on the same file, in the same run: 4 KiB random
# O_DIRECT reads at depth 32 through io_uring, noop without merging, the
# whole trace queued at once (--mode batch) as fio keeps its queue full.
# Runs alternate fio / iosched / iosched / fio (ABBA) to cancel drift; the
# ratio is iosched IOPS / fio IOPS over the two of each. Target >= 0.95.
# Usage: bench/replay_vs_fio.sh [BUILD_DIR] [REQUESTS] [DIR]
#   DIR must be on a file system with O_DIRECT (default: a new temp folder).
set -euo pipefail
build="${1:-build}"
requests="${2:-100000}"
iosched="$(cd "$build/bin" && pwd)/iosched"
command -v fio >/dev/null || { echo "replay_vs_fio: fio not installed (scripts/install-deps.sh)" >&2; exit 1; }
dir="${3:-$(mktemp -d)}"
cleanup() { rm -f "$dir/target.bin" "$dir/reads.csv" "$dir/fio.json" "$dir/replay.json"; }
trap cleanup EXIT
size=1G
"$iosched" generate random-readers --requests "$requests" --capacity "$size" --read-size 4K \
  --seed 7 -o "$dir/reads.csv" >/dev/null
# The target: written once with data (both tools then read the same blocks).
"$iosched" replay "$dir/reads.csv" --target "$dir/target.bin" --create "$size" --max-requests 1 \
  --mode batch >/dev/null 2>&1
run_fio() {
  fio --name=rr --filename="$dir/target.bin" --direct=1 --ioengine=io_uring --iodepth=32 \
    --rw=randread --bs=4k --size="$size" --number_ios="$requests" --randrepeat=0 \
    --norandommap --output-format=json --output="$dir/fio.json" >/dev/null
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jobs"][0]["read"]["iops"])' \
    "$dir/fio.json"
}
run_iosched() {
  "$iosched" replay "$dir/reads.csv" --target "$dir/target.bin" --elevator noop:nomerges=1 \
    --depth 32 --mode batch --backend io_uring --format json -o "$dir/replay.json" --force \
    >/dev/null
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["iops"])' \
    "$dir/replay.json"
}
f1=$(run_fio); i1=$(run_iosched); i2=$(run_iosched); f2=$(run_fio)
python3 - "$f1" "$i1" "$i2" "$f2" "$requests" <<'PY'
import sys
f1, i1, i2, f2 = map(float, sys.argv[1:5])
fio, ios = (f1 + f2) / 2, (i1 + i2) / 2
print("replay_vs_fio: %s random 4 KiB reads, depth 32, io_uring: fio %.0f IOPS (%.0f, %.0f), "
      "iosched replay %.0f IOPS (%.0f, %.0f), ratio %.3f (target >= 0.95)"
      % (sys.argv[5], fio, f1, f2, ios, i1, i2, ios / fio))
PY
