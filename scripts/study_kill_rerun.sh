#!/usr/bin/env bash
# Full-size resume check of `iosched study run` (issue 17's "done when"):
# the bundled traces x 3 disks x 8 elevators, one of them swept over 4
# values (3 x 3 x 11 = 99 cells), run with --jobs 2, killed with SIGKILL once
# half of the cells are on disk, rerun, and checked against an uninterrupted
# run of the same study: `iosched study merge` refuses duplicate cells whose
# results differ, so merging the two folders succeeds only if every cell is
# identical. Prints the times of both runs and the cell counts.
# Usage: scripts/study_kill_rerun.sh [BUILD_DIR]
set -euo pipefail
build="${1:-build}"
iosched="$(cd "$build/bin" && pwd)/iosched"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
cleanup() {
  local rc=$?
  [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
data="$root/traces/data"
cat > "$tmp/study.toml" <<TOML
name = "kill-rerun"
disks = ["hp-c2247a", "sata-7200", "ssd"]
elevators = ["noop", "linus", "deadline:fifo_batch=[1,4,16,64]", "anticipatory", "cfq",
             "mq-deadline", "kyber", "sstf"]
modes = ["open"]
[[trace]]
path = "$data/msr_hm0-msr-cambridge1-sample.csv"
fit = "scale"
[[trace]]
path = "$data/mqsim_umass_websearch-wsrch-small.trace"
fit = "scale"
max_requests = 3000
[[trace]]
path = "$data/disksim-hp_c2247a.trace"
fit = "scale"
TOML
cells=$("$iosched" study plan "$tmp/study.toml" | sed -n 2p | sed 's/.*= \([0-9]*\) cells/\1/')
echo "study: $cells cells"
now() { date +%s.%N; }
t0=$(now)
"$iosched" study run "$tmp/study.toml" --out "$tmp/clean" --jobs 2 -q
t1=$(now)
"$iosched" study run "$tmp/study.toml" --out "$tmp/killed" --jobs 2 -q &
pid=$!
half=$((cells / 2))
while kill -0 "$pid" 2>/dev/null; do
  done_cells=$( (find "$tmp/killed/cells" -name '[!.]*.json' 2>/dev/null || true) | wc -l)
  [ "$done_cells" -ge "$half" ] && break
  sleep 0.01
done
kill -9 "$pid" 2>/dev/null || { echo "the run finished before half its cells were seen" >&2; exit 1; }
wait "$pid" 2>/dev/null || true
before=$(find "$tmp/killed/cells" -name '[!.]*.json' | wc -l)
temps=$(find "$tmp/killed/cells" -name '.*' | wc -l)
echo "killed with SIGKILL: $before finished cells and $temps temporary file(s) on disk"
t2=$(now)
"$iosched" study run "$tmp/study.toml" --out "$tmp/killed" --jobs 2 -q
t3=$(now)
after=$(find "$tmp/killed/cells" -name '[!.]*.json' | wc -l)
left=$(find "$tmp/killed/cells" -name '.*' | wc -l)
[ "$after" -eq "$cells" ] || { echo "FAIL: $after of $cells cells after the rerun" >&2; exit 1; }
[ "$left" -eq 0 ] || { echo "FAIL: $left temporary file(s) left after the rerun" >&2; exit 1; }
"$iosched" study merge "$tmp/clean" "$tmp/killed" --out "$tmp/merged" >/dev/null
merged=$(find "$tmp/merged/cells" -name '[!.]*.json' | wc -l)
[ "$merged" -eq "$cells" ] || { echo "FAIL: merge gave $merged cells" >&2; exit 1; }
python3 - "$t0" "$t1" "$t2" "$t3" "$cells" "$before" <<'PY'
import sys
t0, t1, t2, t3 = map(float, sys.argv[1:5])
print("uninterrupted run %.1f s; rerun after the kill %.1f s (%s of %s cells were left to run)"
      % (t1 - t0, t3 - t2, int(sys.argv[5]) - int(sys.argv[6]), sys.argv[5]))
PY
echo "OK: the killed-and-rerun study has exactly the cells of the uninterrupted one"
