#!/usr/bin/env bash
# CI: Slurm for real. Installs Slurm and MUNGE from Debian's packages when missing, starts a
# single-node cluster on localhost (munged, slurmctld, slurmd; no systemd, as root), runs
# run-sweep.sh with 3 shards and checks that the merged result equals a local unsharded sweep
# byte for byte. Every daemon it starts is stopped on exit; nothing outside a temporary
# directory is configured (the daemons use their own MUNGE socket, key and Slurm ports).
#
#   deploy/slurm/ci-test.sh            # uses target/release/partnersim
#   PARTNERSIM_BIN=path/to/partnersim deploy/slurm/ci-test.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
t0=$(date +%s)

bin=$(realpath "${PARTNERSIM_BIN:-target/release/partnersim}")
[[ -x $bin ]] || { echo "error: $bin is missing: run cargo build --release first" >&2; exit 1; }
sweep=sweeps/levers-lhs.toml
rollouts=${CI_SLURM_ROLLOUTS:-60}

# CI_SLURM_INSTALL=1 runs apt-get even when the packages are there (to time a fresh machine).
if [[ ${CI_SLURM_INSTALL:-0} == 1 ]] || ! command -v slurmctld >/dev/null ||
   ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
   ! command -v munged >/dev/null; then
  echo "installing slurm-wlm and munge" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge >/dev/null
fi
t_install=$(date +%s)

tmp=$(mktemp -d /tmp/partnersim-slurm.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ $status -ne 0 ]]; then
    for log in "$tmp"/*.log "$tmp"/cluster.shards/slurm-*.out; do
      [[ -f $log ]] && { echo "--- $log" >&2; tail -n 30 "$log" >&2; }
    done
  fi
  rm -rf "$tmp"
  exit $status
}
trap cleanup EXIT

# MUNGE: a private key and socket.
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 status=none
chmod 0400 "$tmp/munge.key"
mkdir -p "$tmp/munge"
/usr/sbin/munged --foreground --force --key-file="$tmp/munge.key" \
  --socket="$tmp/munge/munge.socket" --pid-file="$tmp/munge/munged.pid" \
  --seed-file="$tmp/munge/munged.seed" --log-file="$tmp/munged.log" >"$tmp/munged.out.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S $tmp/munge/munge.socket ]] && break; sleep 0.1; done
munge --socket="$tmp/munge/munge.socket" -n | unmunge --socket="$tmp/munge/munge.socket" >/dev/null

# Slurm: a minimal single-node configuration.
mkdir -p "$tmp/state" "$tmp/spool"
cat > "$tmp/slurm.conf" <<CONF
ClusterName=partnersim-ci
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$tmp/slurm.conf
/usr/sbin/slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.out.log" 2>&1 &
pids+=($!)
/usr/sbin/slurmd -D -N localhost -f "$SLURM_CONF" >"$tmp/slurmd.out.log" 2>&1 &
pids+=($!)
for i in $(seq 120); do
  state=$(sinfo -h -n localhost -o %t 2>/dev/null || true)
  [[ $state == idle ]] && break
  [[ $i -eq 120 ]] && { echo "error: the node did not become idle (state: ${state:-none})" >&2; exit 1; }
  sleep 0.5
done
t_cluster=$(date +%s)
echo "cluster up: $(sinfo -h -o '%P %a %D %t %C')" >&2

# The same sweep twice: locally, unsharded; and on the cluster, as 3 array tasks, merged.
"$bin" sweep "$sweep" --rollouts "$rollouts" --out "$tmp/local" >/dev/null
PARTNERSIM_BIN=$bin PARTNERSIM_ROLLOUTS=$rollouts deploy/slurm/run-sweep.sh "$sweep" "$tmp/cluster" 3 >/dev/null
for i in 0 1 2; do
  grep -q "^partnersim shard $i of 3, attempt 1, on" "$tmp/cluster.shards/slurm-"*"_$i.out" ||
    { echo "error: no log of array task $i" >&2; exit 1; }
done
cmp "$tmp/local/points.csv" "$tmp/cluster/points.csv"
cmp "$tmp/local/sensitivity.json" "$tmp/cluster/sensitivity.json"

# A task requeued while it runs resumes where it stopped and appends to its log: one task (one
# shard of every point) with more rollouts, requeued as soon as it runs, then merged and compared
# with a local sweep of the same rollouts.
requeue_rollouts=$((rollouts * 40))
mkdir -p "$tmp/requeue"
job=$(PARTNERSIM_BIN=$bin PARTNERSIM_ROLLOUTS=$requeue_rollouts sbatch --parsable --array=0-0 \
  --output="$tmp/requeue/slurm-%A_%a.out" --chdir="$tmp/requeue" --export=ALL \
  deploy/slurm/sweep.sbatch "$(realpath "$sweep")" "$tmp/requeue")
job=${job%%;*}
# Polls every 0.1 s, at most $2 times, until the job's state is $1 ("" once it has left the
# queue); otherwise fails with $3.
await_state() {
  for _ in $(seq "$2"); do
    [[ $(squeue -h -j "$job" -o %T 2>/dev/null) == "$1" ]] && return
    sleep 0.1
  done
  echo "error: $3" >&2
  scontrol show job "$job" >&2
  exit 1
}
await_state RUNNING 600 "the requeue test's task never ran"
sleep 1
scontrol requeue "${job}_0"
# Slurm holds a requeued job for two minutes (its begin time); release it at once.
await_state PENDING 300 "the requeued task did not return to the queue"
scontrol update JobId="${job}_0" StartTime=now
await_state "" 1200 "the requeued task did not finish"
for attempt in 1 2; do
  grep -q "^partnersim shard 0 of 1, attempt $attempt, on" "$tmp/requeue/slurm-${job}_0.out" ||
    { echo "error: the requeued task's log has no attempt $attempt" >&2; exit 1; }
done
"$bin" merge "$tmp/requeue/shard-0" --out "$tmp/requeue-merged" >/dev/null
"$bin" sweep "$sweep" --rollouts "$requeue_rollouts" --out "$tmp/requeue-local" >/dev/null
cmp "$tmp/requeue-local/points.csv" "$tmp/requeue-merged/points.csv"
echo "slurm ci: a task requeued while running resumed, kept both attempts in its log, and equals the local sweep" >&2
t_end=$(date +%s)
echo "slurm ci: merged 3-shard array sweep equals the local sweep ($(($(wc -l <"$tmp/local/points.csv") - 1)) points);" \
  "install $((t_install - t0))s, cluster start $((t_cluster - t_install))s, sweeps $((t_end - t_cluster))s, total $((t_end - t0))s"
