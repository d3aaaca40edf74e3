#!/usr/bin/env bash
# The test command (README, CI). The HTML report is checked in a real
# headless browser: where Debian's chromium is missing and this runs as root
# with apt, it is installed first; otherwise that one check says it skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the report's browser check"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
      echo "warning: chromium could not be installed; the browser check will say it skipped"
    fi
  else
    echo "note: chromium is not installed; the browser check will say it skipped"
  fi
fi
. scripts/ci/cuda-kernels.sh   # NVRTC and ptxas for the CUDA kernel compile check
. scripts/ci/llm-server.sh     # llama.cpp's server (PyPI xllamacpp) and a tiny GGUF for tests/cli/real_server.rs
bash scripts/ci/slurm.sh # a real Slurm cluster on localhost runs the job-array script (or says why it skipped)
scripts/ci/fuzz.sh  # bounded cargo-fuzz run of every target; skips with the reason where no nightly/cargo-fuzz
exec cargo test --workspace --locked
