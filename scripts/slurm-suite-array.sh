#!/usr/bin/env bash
# Runs a wattbench suite across a Slurm cluster: one shard of the suite's
# runs per array task (one GPU node each), then one dependent job that
# merges the shards' results and writes the leaderboard and the report.
#
#   sbatch --array=1-4 scripts/slurm-suite-array.sh          # 4 shards, the #SBATCH defaults below
#   SUITE=standard WATTBENCH=/opt/wattbench/wattbench RESULTS=/shared/wb sbatch --array=1-8 scripts/slurm-suite-array.sh
#
# Or run it directly (outside a job) and it submits itself, with the
# resource requests taken from variables instead of the #SBATCH lines:
#
#   SHARDS=3 DEVICE=cpu GRES=none EXCLUSIVE=0 CPUS=1 TIME=00:10:00 SUITE=harness \
#     RUN_ARGS="--min-duration-s 0.2 --trials 1" scripts/slurm-suite-array.sh
#
# Variables: SUITE (quick), DEVICE (cuda:0), WATTBENCH (./wattbench), RESULTS
# (results), RUN_ARGS (extra `wattbench run` arguments), and for submission
# SHARDS (4), GRES (gpu:1; `none` for CPU nodes), EXCLUSIVE (1), CPUS (unset:
# Slurm's default), TIME (02:00:00), PARTITION (unset: the default one),
# LOGS (.: where the job logs go).
#
# Every task writes into the same results folder: each `wattbench run`
# creates its own sub-folder there, exclusively, named for the host, the
# process and the Slurm job and task, so shards never collide.
#
#SBATCH --job-name=wattbench
#SBATCH --nodes=1
#SBATCH --gres=gpu:1
#SBATCH --exclusive
#SBATCH --time=02:00:00
#SBATCH --output=wattbench-%A_%a.log
set -euo pipefail

SUITE="${SUITE:-quick}"
DEVICE="${DEVICE:-cuda:0}"
BIN="${WATTBENCH:-./wattbench}"
LOGS="${LOGS:-.}"

if [ -z "${SLURM_JOB_ID:-}" ]; then
  # Not inside a job: submit this script as an array, requests from variables.
  opts=(--array="1-${SHARDS:-4}" --nodes=1 --time="${TIME:-02:00:00}" --output="$LOGS/wattbench-%A_%a.log")
  opts+=(--gres="${GRES:-gpu:1}")
  if [ "${EXCLUSIVE:-1}" = 1 ]; then opts+=(--exclusive); else opts+=(--oversubscribe); fi
  if [ -n "${CPUS:-}" ]; then opts+=(--cpus-per-task="$CPUS"); fi
  if [ -n "${PARTITION:-}" ]; then opts+=(--partition="$PARTITION"); fi
  export SUITE DEVICE WATTBENCH="$BIN" LOGS
  exec sbatch --parsable "${opts[@]}" "$0"
fi

ROOT="${RESULTS:-results}/${SLURM_ARRAY_JOB_ID:?run this script with sbatch --array}"
TASK="${SLURM_ARRAY_TASK_ID:?}"
COUNT="${SLURM_ARRAY_TASK_COUNT:?}"

mkdir -p "$ROOT"
echo "task $TASK of $COUNT on node ${SLURMD_NODENAME:-$(hostname)}: suite $SUITE on $DEVICE"
"$BIN" devices
# shellcheck disable=SC2086 # RUN_ARGS is a list of arguments
"$BIN" run --suite "$SUITE" --device "$DEVICE" --shard "$TASK/$COUNT" --results "$ROOT" ${RUN_ARGS:-}

# The first task queues the merge, to start once every shard has finished
# (afterok: only if every shard succeeded).
if [ "$TASK" = "${SLURM_ARRAY_TASK_MIN:-1}" ]; then
  merge_id=$(sbatch --parsable --dependency="afterok:${SLURM_ARRAY_JOB_ID}" --job-name=wattbench-merge \
    --output="$LOGS/wattbench-${SLURM_ARRAY_JOB_ID}-merge.log" \
    --wrap="'$BIN' merge '$ROOT' --out '$ROOT/merged' && '$BIN' rank '$ROOT/merged' --format markdown > '$ROOT/leaderboard.md' && '$BIN' report '$ROOT/merged' --out '$ROOT/report.html'")
  echo "$merge_id" > "$ROOT/merge.jobid"
  echo "queued merge job $merge_id after array job ${SLURM_ARRAY_JOB_ID}"
fi
