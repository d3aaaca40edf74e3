#!/usr/bin/env bash
# The peer benchmark: wattbench's Burn CPU engine beside PyTorch (CPU, eager,
# inference mode, f32) on the same weights and inputs; prints a table of ratios.
#
#   scripts/peers/run.sh [peer_bench.py options, e.g. --rounds 7 --trace]
#
# Installs PyTorch, NumPy and msgpack from PyPI into a virtual environment
# ($WATTBENCH_PEERS_VENV, default ~/.cache/wattbench-peers/venv) the first
# time, and builds wattbench in release mode unless $WATTBENCH_BIN names a
# binary. PyTorch's Linux wheel on PyPI is the CUDA build: it cannot be
# imported without its CUDA libraries even on a CPU-only machine (its shared
# libraries link against them), so the full install is needed (about 4 GB).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${WATTBENCH_PEERS_VENV:-$HOME/.cache/wattbench-peers/venv}"
if ! "$venv/bin/python" -c "import torch, numpy, msgpack" 2>/dev/null; then
  echo "peers: installing torch, numpy, msgpack into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch numpy msgpack
fi
bin="${WATTBENCH_BIN:-}"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --release --locked --bin wattbench >&2)
  bin="$root/target/release/wattbench"
fi
exec "$venv/bin/python" "$root/scripts/peers/peer_bench.py" --wattbench "$bin" \
  --weights-dir "$root/suites/weights" "$@"
