#!/bin/sh
# Runs scripts/queue_depth_sweep.sh (the README's "does the host elevator
# still matter on a queueing drive?" table) and checks what it writes: a row
# per elevator and scenario with real numbers, the drive's reordering
# visible, one depth.csv line per (policy, depth).
#   tests/scripts_queue_depth_sweep_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$src/scripts/queue_depth_sweep.sh" "$build/bin/iosched" "$out" >/dev/null
elevators=$("$build/bin/iosched" elevators --format json |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["elevators"] if isinstance(d, dict) else d))')
python3 - "$out" "$elevators" <<'PY'
import csv, re, sys
out, elevators = sys.argv[1], int(sys.argv[2])
rows = [l for l in open(out + "/host_table.md") if l.startswith("| random-readers") or l.startswith("| dependent")]
assert len(rows) == 2 * elevators, "expected %d rows, got %d" % (2 * elevators, len(rows))
table = {}
for l in rows:
    cells = [c.strip() for c in l.strip().strip("|").split("|")]
    assert re.fullmatch(r"[a-z][a-z0-9-]*", cells[1]), "bad elevator cell: " + l
    means = [float(c.split("/")[0]) for c in cells[2:5]]
    assert all(m > 0 for m in means), "a zero latency: " + l
    table[(cells[0], cells[1])] = means
# Random readers through noop: the drive's queue (depth 32) must shorten the mean.
noop = table[("random-readers", "noop")]
assert noop[2] < 0.7 * noop[0], "depth 32 does not help noop: %s" % noop
depth = list(csv.DictReader(open(out + "/depth.csv")))
assert len(depth) == 4 * 6, "depth.csv has %d rows" % len(depth)
assert all(float(r["mean_ms"]) > 0 and float(r["iops"]) > 0 for r in depth)
print("queue_depth_sweep: %d rows, noop random readers %.1f -> %.1f ms" % (len(rows), noop[0], noop[2]))
PY
