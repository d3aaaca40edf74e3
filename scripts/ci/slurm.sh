#!/usr/bin/env bash
# A real Slurm cluster on this machine, for CI: Debian's slurmctld, slurmd and
# munge (installed where missing, as root with apt), a generated slurm.conf in
# a temporary folder, three slurmd "nodes" on localhost (one CPU each; Debian's
# build runs several slurmd on one host), then scripts/slurm-suite-array.sh
# submitted as an array of three shards of a tiny CPU suite. It waits for the
# dependent merge job (bounded) and checks: every planned run present exactly
# once across the shards (the nodes each ran on are listed), the merged results, the
# leaderboard and the report written, every job's exit code 0. The daemons
# are stopped on exit. Where Slurm cannot be had (not root, no apt, no
# network), it says so and why, and exits 0.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
SHARDS=3
LIMIT_S="${SLURM_CI_TIMEOUT_S:-300}"
started=$SECONDS

skip() {
  echo "SKIPPED the Slurm cluster test: $*"
  exit 0
}
have_slurm() { command -v slurmctld && command -v slurmd && command -v sbatch && command -v munged; } >/dev/null 2>&1

if ! have_slurm; then
  [ "$(id -u)" = 0 ] || skip "Slurm is not installed and installing it needs root (apt-get install slurmctld slurmd slurm-client munge)"
  command -v apt-get >/dev/null 2>&1 || skip "Slurm is not installed and there is no apt-get to install it"
  echo "installing Debian's slurmctld, slurmd, slurm-client and munge"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null; }; then
    skip "apt-get could not install slurmctld, slurmd, slurm-client and munge (no network or no such packages)"
  fi
fi
[ "$(id -u)" = 0 ] || skip "slurmd must run as root to start jobs, and this runs as $(id -un)"

T=$(mktemp -d /tmp/wattbench-slurm.XXXXXX)
chmod 700 "$T"
PIDS=()
stop_cluster() {
  local t0=$SECONDS p alive
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  # Bounded: whatever has not exited after 10 s is killed.
  for _ in $(seq 100); do
    alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  echo "Slurm daemons stopped ($((SECONDS - t0))s)"
}
trap stop_cluster EXIT
fail() {
  echo "FAILED the Slurm cluster test: $*"
  for f in "$T"/slurmctld.log "$T"/logs/*.log; do
    [ -e "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
  done
  exit 1
}

# The exact build the test command runs next (`cargo test --workspace`), so
# that it costs nothing extra: a plain `cargo build` resolves other features
# and would compile Burn a second time.
echo "building the debug binary (the test build)"
cargo test --workspace --locked --no-run --quiet
BIN="${CARGO_TARGET_DIR:-$REPO/target}/debug/wattbench"

build_s=$((SECONDS - started))
HOST=$(hostname -s)
PORT=$((17000 + RANDOM % 2000))
mkdir -p "$T/state" "$T/logs" "$T/results" "$T"/spool-wb{1,2,3}
cat >"$T/slurm.conf" <<CONF
ClusterName=wattbench-ci
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge.sock
CredType=cred/munge
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool-%n
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd-%n.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=3600
NodeName=wb[1-3] NodeHostname=$HOST NodeAddr=127.0.0.1 Port=$((PORT + 2))-$((PORT + 4)) CPUs=1 State=UNKNOWN
PartitionName=ci Nodes=wb[1-3] Default=YES MaxTime=30 State=UP OverSubscribe=NO
CONF
export SLURM_CONF="$T/slurm.conf"

# munge: our own key and socket in the temporary folder, not the system's.
head -c 1024 /dev/urandom >"$T/munge.key"
chmod 400 "$T/munge.key"
munged -F -f --socket="$T/munge.sock" --key-file="$T/munge.key" --pid-file="$T/munged.pid" \
  --log-file="$T/munged.log" --seed-file="$T/munged.seed" >"$T/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$T/munge.sock" ] && break; sleep 0.1; done
[ -S "$T/munge.sock" ] || fail "munged did not start"

slurmctld -D -f "$T/slurm.conf" >"$T/slurmctld.out" 2>&1 &
PIDS+=($!)
for n in wb1 wb2 wb3; do
  slurmd -D -N "$n" -f "$T/slurm.conf" >"$T/slurmd-$n.out" 2>&1 &
  PIDS+=($!)
done
for _ in $(seq 60); do
  idle=$(sinfo -h -N -t idle -o '%N' 2>/dev/null | sort -u | wc -l)
  [ "$idle" = 3 ] && break
  sleep 0.5
done
[ "${idle:-0}" = 3 ] || fail "the three slurmd nodes did not come up idle: $(sinfo -N 2>&1 | tr '\n' ' ')"
echo "Slurm $(sinfo -V | cut -d' ' -f2) up: $(sinfo -h -N -o '%N %t %c' | tr '\n' ',' | sed 's/,$//')"

# A tiny CPU suite: the harness suite's no-op workload (three runs), cut short.
cd "$T"
array=$(SHARDS=$SHARDS DEVICE=cpu GRES=none EXCLUSIVE=0 CPUS=1 TIME=00:10:00 SUITE=harness \
  WATTBENCH="$BIN" RESULTS="$T/results" LOGS="$T/logs" \
  RUN_ARGS="--min-duration-s 0.2 --warmup-s 0.05 --min-queries 50 --trials 1 --cooldown-s 0" \
  "$REPO/scripts/slurm-suite-array.sh")
echo "submitted array job $array ($SHARDS shards)"
ROOT="$T/results/$array"

# Wait for the array, then for the merge job it queues (bounded).
deadline=$((SECONDS + LIMIT_S))
merge=""
while :; do
  [ $SECONDS -lt $deadline ] || fail "timed out after ${LIMIT_S}s: $(squeue -h 2>&1 | tr '\n' ';')"
  [ -z "$merge" ] && [ -s "$ROOT/merge.jobid" ] && merge=$(cat "$ROOT/merge.jobid")
  # Done when the queue is empty and the merge was queued (or, without
  # one, a minute after the array left the queue: it failed before queueing).
  if [ -z "$(squeue -h -o %i 2>/dev/null)" ]; then
    [ -n "$merge" ] && break
    empty_since=${empty_since:-$SECONDS}
    [ $((SECONDS - empty_since)) -lt 60 ] || break
  fi
  sleep 1
done
[ -n "$merge" ] || fail "no merge job was queued by the first shard"
echo "merge job $merge finished"

# Exit codes of every array task and of the merge job.
states=$( { scontrol show job -o "$array"; scontrol show job -o "$merge"; } 2>/dev/null)
echo "$states" | while read -r line; do
  field() { echo "$line" | grep -oE "(^| )$1=[^ ]*" | head -n1 | cut -d= -f2; }
  echo "  job $(field JobId) $(field JobName) task $(field ArrayTaskId): $(field JobState), exit $(field ExitCode), on node $(field NodeList)"
done
[ "$(echo "$states" | grep -c 'ArrayTaskId=')" = "$SHARDS" ] || fail "expected $SHARDS array tasks"
bad=$(echo "$states" | grep -v -E 'JobState=COMPLETED .*ExitCode=0:0' || true)
[ -z "$bad" ] || fail "a job did not complete with exit 0: $bad"
nodes=$(echo "$states" | grep 'ArrayTaskId=' | sed -E 's/.* NodeList=([^ ]+) .*/\1/' | sort -u | wc -l)
echo "shards ran on $nodes distinct node(s)"

# Every planned run exactly once across the shards, in one folder per shard.
plan=3 # the harness suite plans three runs: single-stream, offline, server
shard_dirs=$(find "$ROOT" -mindepth 1 -maxdepth 1 -type d -name 'harness-*' | wc -l)
[ "$shard_dirs" = "$SHARDS" ] || fail "expected $SHARDS shard folders, found $shard_dirs"
runs=$(find "$ROOT" -path "$ROOT/merged" -prune -o -name '*.json' -print | xargs -r grep -h '"run_index"' | tr -dc '0-9\n' | sort -n)
[ "$(echo "$runs" | tr '\n' ' ')" = "0 1 2 " ] || fail "planned runs 0 1 2 exactly once across shards; found: $(echo "$runs" | tr '\n' ' ')"
merged=$(find "$ROOT/merged" -name '*.json' | wc -l)
[ "$merged" = "$plan" ] || fail "expected $plan merged results, found $merged"
[ -s "$ROOT/leaderboard.md" ] || fail "no leaderboard"
grep -q 'noop' "$ROOT/leaderboard.md" || fail "the leaderboard does not list the no-op runs"
[ -s "$ROOT/report.html" ] || fail "no report"
for k in 1 2 3; do
  grep -q "slurm job $array task $k" "$ROOT/report.html" || fail "the report's fleet section does not name task $k"
done
echo "PASSED the Slurm cluster test: $SHARDS shards on $nodes node(s), runs 0 1 2 once each, $merged merged, leaderboard and report written ($((SECONDS - started))s: build ${build_s}s, cluster $((SECONDS - started - build_s))s)"
rm -rf "$T"
