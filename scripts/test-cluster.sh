#!/usr/bin/env bash
# `make test-cluster`: a study split into 4 shards, run (1) as a Slurm job
# array on a single-node Slurm started here and (2) through GNU parallel,
# merged, and compared cell by cell with a single-process --jobs 1 run.
# Needs root (munged and slurmd run as root). Installs slurm-wlm, munge and
# parallel from Debian if missing. Every daemon is started with its config
# in a temporary folder and stopped by pid on exit.
# Usage: scripts/test-cluster.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
iosched="$(realpath "$build/bin/iosched")"
repo="$PWD"
[[ -x "$iosched" ]] || { echo "test-cluster: build first ($iosched missing)" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "test-cluster: must run as root (munged, slurmd)" >&2; exit 1; }
missing=()
for p in slurm-wlm munge parallel; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

t0=$(date +%s)
tmp="$(mktemp -d /tmp/iosched-cluster.XXXXXX)"
chmod 755 "$tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

# The study: 3 workloads x 2 disks x 6 settings = 36 cells, a few seconds.
cat > "$tmp/study.toml" <<TOML
name = "cluster-test"
disks = ["hp-c2247a", "parv:$PWD/traces/data/disksim-hp_c2247a.parv"]
elevators = ["noop", "deadline:fifo_batch=[1,16]", "cfq:slice_idle=0..8/8", "anticipatory"]
[[workload]]
scenario = "dependent-readers-vs-writer"
seeds = [1, 2]
requests = 1500
[[trace]]
path = "$PWD/traces/data/msr_hm0-msr-cambridge1-sample.csv"
fit = "scale"
time_scale = 0.05
TOML
echo "== reference: one process, --jobs 1"
"$iosched" study run "$tmp/study.toml" --out "$tmp/ref" --jobs 1 -q

# Compares two study folders cell by cell (everything but program.argv).
same_cells() {
  python3 - "$1" "$2" <<'PY'
import json, glob, os, sys
def cores(d):
    out = {}
    for f in glob.glob(os.path.join(d, "cells", "*.json")):
        j = json.load(open(f))
        j.pop("program", None)
        out[j["cell"]["key"]] = json.dumps(j, sort_keys=True)
    return out
a, b = cores(sys.argv[1]), cores(sys.argv[2])
if a != b:
    print("test-cluster: %s and %s differ: %d vs %d cells, %d differ" % (
        sys.argv[1], sys.argv[2], len(a), len(b),
        sum(1 for k in a if a.get(k) != b.get(k))), file=sys.stderr)
    sys.exit(1)
print("test-cluster: %d cells identical" % len(a))
PY
}

echo "== GNU parallel: 4 shards"
parallel --halt now,fail=1 "$iosched" study run "$tmp/study.toml" --out "$tmp/par/shard-{}" \
  --shard {}/4 --jobs 1 --cache "$tmp/par/cache" -q ::: 1 2 3 4
"$iosched" study merge "$tmp"/par/shard-{1,2,3,4} --out "$tmp/par/merged"
same_cells "$tmp/ref" "$tmp/par/merged"

echo "== Slurm: munged, slurmctld, slurmd (config in $tmp/slurm)"
s="$tmp/slurm"
mkdir -p "$s/state" "$s/spool" "$s/munge"
chmod 700 "$s/munge"
dd if=/dev/urandom of="$s/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$s/munge/munge.key"
munged --force --key-file="$s/munge/munge.key" --socket="$s/munge/munge.sock" \
  --pid-file="$s/munge/munged.pid" --log-file="$s/munge/munged.log" --seed-file="$s/munge/seed"
for _ in $(seq 50); do [[ -s "$s/munge/munged.pid" ]] && break; sleep 0.1; done
pids+=("$(cat "$s/munge/munged.pid")")
host="$(hostname -s)"
port=$((20000 + RANDOM % 20000))
cpus="$(nproc)"
cat > "$s/slurm.conf" <<CONF
ClusterName=iosched-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$s/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$s/state
SlurmdSpoolDir=$s/spool
SlurmctldPidFile=$s/slurmctld.pid
SlurmdPidFile=$s/slurmd.pid
SlurmctldLogFile=$s/slurmctld.log
SlurmdLogFile=$s/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$s/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" >"$s/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >"$s/slurmd.out" 2>&1 &
pids+=($!)
ready=0
for _ in $(seq 150); do
  if sinfo -h -o %t 2>/dev/null | grep -Eq '^(idle|mix|alloc)'; then ready=1; break; fi
  sleep 0.2
done
if [[ $ready -ne 1 ]]; then
  echo "test-cluster: Slurm did not come up; logs:" >&2
  tail -n 20 "$s"/*.log "$s"/*.out >&2 || true
  exit 1
fi
sinfo
out="$tmp/slurm-out"
mkdir -p "$out"
t1=$(date +%s)
jid=$(cd "$out" && IOSCHED="$iosched" sbatch --parsable --array=1-4 --export=ALL \
        "$repo/tools/slurm/study.sbatch" "$tmp/study.toml" "$out" 4)
(cd "$out" && IOSCHED="$iosched" sbatch --wait --export=ALL --dependency=afterok:"$jid" \
   "$repo/tools/slurm/study.sbatch" --merge "$out" 4) || {
  echo "test-cluster: Slurm jobs failed; job output:" >&2
  cat "$out"/*.out >&2 || true
  exit 1
}
same_cells "$tmp/ref" "$out/merged"
echo "test-cluster: Slurm array + merge took $(( $(date +%s) - t1 )) s; whole test $(( $(date +%s) - t0 )) s"
