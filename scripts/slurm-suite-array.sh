#!/usr/bin/env bash
# Runs a wattbench suite across a Slurm cluster: one shard of the suite's
# runs per array task (one GPU node each), then one dependent job that
# merges the shards' results and writes the leaderboard and the report.
#
#   sbatch --array=1-4 scripts/slurm-suite-array.sh          # 4 shards
#   SUITE=standard WATTBENCH=/opt/wattbench/wattbench RESULTS=/shared/wb sbatch --array=1-8 scripts/slurm-suite-array.sh
#
#SBATCH --job-name=wattbench
#SBATCH --nodes=1
#SBATCH --gres=gpu:1
#SBATCH --exclusive
#SBATCH --time=02:00:00
#SBATCH --output=wattbench-%A_%a.log
set -euo pipefail

SUITE="${SUITE:-quick}"
BIN="${WATTBENCH:-./wattbench}"
ROOT="${RESULTS:-results}/${SLURM_ARRAY_JOB_ID:?run this script with sbatch --array}"
TASK="${SLURM_ARRAY_TASK_ID:?}"
COUNT="${SLURM_ARRAY_TASK_COUNT:?}"

mkdir -p "$ROOT"
"$BIN" devices
"$BIN" run --suite "$SUITE" --device cuda:0 --shard "$TASK/$COUNT" --results "$ROOT/shard-$TASK"

# The first task queues the merge, to start once every shard has finished.
if [ "$TASK" = "${SLURM_ARRAY_TASK_MIN:-1}" ]; then
  sbatch --dependency="afterok:${SLURM_ARRAY_JOB_ID}" --job-name=wattbench-merge \
    --output="wattbench-${SLURM_ARRAY_JOB_ID}-merge.log" \
    --wrap="'$BIN' merge '$ROOT' --out '$ROOT/merged' && '$BIN' rank '$ROOT/merged' --format markdown > '$ROOT/leaderboard.md' && '$BIN' report '$ROOT/merged' --out '$ROOT/report.html'"
fi
