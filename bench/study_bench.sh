#!/usr/bin/env bash
# Speed-up of `iosched study run --jobs 2` against --jobs 1 on a 16-cell
# study (2 generated workloads x 8 elevator settings, 30,000 requests each),
# both runs in this script, same machine, fresh output folders (the decoded
# trace cache is rebuilt by each run). Prints both times and the ratio.
# Then the cost of a study cell against `compare` of the same settings.
# Usage: bench/study_bench.sh [BUILD_DIR] [REQUESTS]
set -euo pipefail
build="${1:-build}"
requests="${2:-30000}"
iosched="$build/bin/iosched"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/study.toml" <<TOML
name = "bench16"
elevators = ["noop", "deadline:fifo_batch=[1,16]", "cfq:slice_idle=[0,8]", "anticipatory", "linus", "cfq"]
modes = ["closed"]
[[workload]]
scenario = "mixed"
seeds = [1, 2]
requests = $requests
TOML
"$iosched" study plan "$tmp/study.toml" | sed -n 2p
now() { date +%s.%N; }
t0=$(now); "$iosched" study run "$tmp/study.toml" --out "$tmp/j1" --jobs 1 -q >/dev/null; t1=$(now)
"$iosched" study run "$tmp/study.toml" --out "$tmp/j2" --jobs 2 -q >/dev/null; t2=$(now)
python3 - "$t0" "$t1" "$t2" <<'PY'
import sys
t0, t1, t2 = map(float, sys.argv[1:])
a, b = t1 - t0, t2 - t1
print("study_bench: --jobs 1 %.2f s, --jobs 2 %.2f s, speed-up %.2fx" % (a, b, a / b))
PY

# The cost of a study cell against a plain `compare` of the same settings:
# one trace file, one disk, the same 8 elevator settings, one thread each.
"$iosched" generate mixed --seed 1 --requests "$requests" -o "$tmp/mixed.csv" >/dev/null
cat > "$tmp/cells.toml" <<TOML
name = "cells8"
elevators = ["noop", "deadline:fifo_batch=1", "deadline:fifo_batch=16", "cfq:slice_idle=0", "cfq:slice_idle=8", "anticipatory", "linus", "cfq"]
modes = ["closed"]
[[trace]]
path = "$tmp/mixed.csv"
TOML
specs="noop,deadline:fifo_batch=1,deadline:fifo_batch=16,cfq:slice_idle=0,cfq:slice_idle=8,anticipatory,linus,cfq"
t3=$(now); "$iosched" compare "$tmp/mixed.csv" --elevators "$specs" --mode closed --jobs 1 -o "$tmp/c.json" >/dev/null; t4=$(now)
"$iosched" study run "$tmp/cells.toml" --out "$tmp/cells" --jobs 1 -q >/dev/null; t5=$(now)
python3 - "$t3" "$t4" "$t5" <<'PY'
import sys
t3, t4, t5 = map(float, sys.argv[1:])
a, b = t4 - t3, t5 - t4
print("study_bench: 8 elevators, compare %.2f s, study (8 cells, --jobs 1) %.2f s, cost of a cell %.2fx a compare elevator" % (a, b, b / a))
PY
