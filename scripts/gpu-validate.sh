#!/usr/bin/env bash
# Validates wattbench on a GPU node in two halves, for labs whose GPU nodes
# have the NVIDIA driver and CUDA toolkit but no Rust and no network.
#
#   On a build host (x86-64, Rust):   scripts/gpu-validate.sh build [CUDA_VERSION]   # default 13000
#       -> target/release/wattbench; copy it to the GPU node.
#   On the GPU node:                  ./gpu-validate.sh run ./wattbench OUT_DIR
#       -> OUT_DIR/validate.log, OUT_DIR/calibration/, OUT_DIR/results/ (quick and
#          harness suites on cuda:0 in f32, and the quick suite in bf16 and f16)
#
# The run half only needs bash, coreutils and the binary.
set -uo pipefail

case "${1:-}" in
  build)
    set -e
    cd "$(dirname "$0")/.."
    exec scripts/build-for-gpu-node.sh "${2:-13000}"
    ;;
  run)
    BIN="${2:?usage: gpu-validate.sh run ./wattbench OUT_DIR}"
    OUT="${3:?usage: gpu-validate.sh run ./wattbench OUT_DIR}"
    mkdir -p "$OUT/results" "$OUT/calibration"
    LOG="$OUT/validate.log"
    export WATTBENCH_CALIBRATION_DIR="$OUT/calibration"
    status=0
    step() {
      echo "=== $* ===" | tee -a "$LOG"
      "$@" >>"$LOG" 2>&1 || { echo "FAILED ($?): $*" | tee -a "$LOG"; status=1; }
    }
    {
      echo "host: $(uname -a)"
      nvidia-smi --query-gpu=name,uuid,driver_version,power.limit,clocks.max.sm --format=csv 2>&1 || true
    } >>"$LOG"
    step "$BIN" --version
    step "$BIN" devices
    step "$BIN" devices --json
    step "$BIN" calibrate --device cuda:0
    step "$BIN" calibrate --device cpu --seconds 2
    step "$BIN" run --suite quick --device cuda:0 --results "$OUT/results"
    step "$BIN" run --suite harness --results "$OUT/results"
    step "$BIN" run --suite lstm-reference --results "$OUT/results"
    for p in bf16 f16; do
      step "$BIN" run --suite quick --device cuda:0 --precision "$p" --results "$OUT/results"
    done
    # The ~1B decoder in bf16 (tokens/s, J/token), then the standard suite's
    # batch sweeps and full-size models: about half an hour together.
    step "$BIN" run --suite llm-gpu --results "$OUT/results"
    step "$BIN" run --suite standard --device cuda:0 --results "$OUT/results"
    step "$BIN" rank "$OUT/results" --format markdown
    step "$BIN" report "$OUT/results" --out "$OUT/report.html"
    echo "done: status $status; log $LOG" | tee -a "$LOG"
    exit "$status"
    ;;
  *)
    echo "usage: $0 build [CUDA_VERSION] | run ./wattbench OUT_DIR" >&2
    exit 2
    ;;
esac
