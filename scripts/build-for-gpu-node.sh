#!/usr/bin/env bash
# Builds the x86-64 wattbench binary on a build host for a GPU node that has
# the NVIDIA driver and CUDA toolkit but no Rust and no network.
#
#   scripts/build-for-gpu-node.sh [CUDA_VERSION]    # default 13000 (CUDA 13.0, driver 580)
#
# `scripts/gpu-validate.sh build` runs this, then packages the binary
# (stripped, xz, sha256) into target/gpu-node/ for the node.
set -euo pipefail
cd "$(dirname "$0")/.."
export CUDARC_CUDA_VERSION="${1:-13000}"
case "$CUDARC_CUDA_VERSION" in
  ''|*[!0-9]*) echo "error: CUDA version must look like 13000 or 12080, got '$CUDARC_CUDA_VERSION'" >&2; exit 2 ;;
esac
started=$(date +%s)
cargo build --release --locked
file target/release/wattbench 2>/dev/null || true
echo "built target/release/wattbench for CUDA API $CUDARC_CUDA_VERSION in $(( $(date +%s) - started )) s ($(stat -c %s target/release/wattbench) bytes)"
