#!/usr/bin/env bash
# One prepared session on a GPU node (NVIDIA driver, CUDA toolkit, python3
# with torch, numpy and msgpack; no Rust, no network), run from a checkout:
#
#   scripts/gpu/node-session.sh PACKAGE.xz OUT [VALIDATE_BUDGET_S]
#
# 1. scripts/gpu-validate.sh run (budgeted, default 300 s): devices, GPU
#    calibration, the quick suite on cuda:0 with NVML energy, bf16, the fused
#    LSTM beside Burn, a short llm-gpu, rank and report.
# 2. The peer benchmark on CUDA: PyTorch beside Burn's CUDA backend, same
#    weights and inputs, batch 1 and 64 (scripts/peers/peer_bench.py --device cuda).
# 3. The serving-GPU meter: a stand-in GPU-served endpoint
#    (scripts/gpu/busy_openai_server.py) measured by an endpoint suite with
#    meter = ["cuda:0"], once through NVML on this node and once through
#    `wattbench meter serve` over loopback; `wattbench check` on the results.
#
# -> OUT/session.log (each step's wall time), OUT/validate.log, OUT/peers-cuda.txt,
#    OUT/meter.log, OUT/work.tar.xz (every result file, report and log).
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
[ $# -ge 2 ] || { echo "usage: $0 PACKAGE.xz OUT [VALIDATE_BUDGET_S]" >&2; exit 2; }
PKG="$1" OUT="$2" BUDGET="${3:-300}"
mkdir -p "$OUT/work" || exit 2
OUT="$(cd "$OUT" && pwd)"
W="$OUT/work"
T0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - T0 )) s] $*" | tee -a "$OUT/session.log"; }

stamp "validate (budget $BUDGET s)"
bash "$root/scripts/gpu-validate.sh" run "$PKG" "$W/validate" --budget "$BUDGET" >"$W/validate.out" 2>&1
stamp "validate: exit $?"
cp "$W/validate/validate.log" "$OUT/validate.log" 2>/dev/null
BIN="$W/validate/bin/wattbench"
[ -x "$BIN" ] || { stamp "no unpacked binary; stopping"; exit 1; }

# NVRTC for Burn's CUDA backend, as gpu-validate.sh finds it.
if ! ldconfig -p 2>/dev/null | grep -q 'libnvrtc\.so'; then
  for d in /usr/local/cuda/lib64 $(python3 -c 'import site; print(" ".join(p + "/nvidia/cu13/lib " + p + "/nvidia/cuda_nvrtc/lib" for p in site.getsitepackages()))' 2>/dev/null); do
    if compgen -G "$d/libnvrtc.so*" >/dev/null; then export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; break; fi
  done
fi
stamp "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"

stamp "peers on cuda"
(cd "$root/scripts/peers" && PYTHONUNBUFFERED=1 timeout -s INT 150 python3 peer_bench.py --wattbench "$BIN" \
  --weights-dir "$root/suites/weights" --device cuda --tolerance 1e-3 --keep-going --rounds 3 --seconds 0.25 \
  --json "$W/peers-cuda.json") >"$OUT/peers-cuda.txt" 2>&1
stamp "peers: exit $?"

stamp "serving-GPU meter"
export WATTBENCH_METER_TOKEN="node-session-$(date +%s%N)"
python3 "$root/scripts/gpu/busy_openai_server.py" --port 0 >"$W/busy.out" 2>&1 &
BUSY=$!
"$BIN" meter serve --listen 127.0.0.1:0 --device cuda:0 >"$W/meter-serve.out" 2>&1 &
METER=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$W/busy.out" 2>/dev/null && grep -q 'http://' "$W/meter-serve.out" 2>/dev/null && break
  sleep 0.2
done
PORT="$(awk '/listening on/ { print $3 }' "$W/busy.out")"
MURL="$(grep -o 'http://[0-9.:]*' "$W/meter-serve.out" | head -n 1)"
{
  echo "busy server port: ${PORT:-none}; meter: ${MURL:-none}"
  cat "$W/meter-serve.out"
  mkdir -p "$W/meter"
  cat >"$W/meter/serving-meter.toml" <<EOF
name = "serving-meter"
description = "a stand-in GPU-served endpoint, its GPU metered through NVML here and through meter serve"
[defaults]
devices = ["cpu"]
warmup_s = 1.0
min_duration_s = 6.0
min_queries = 8
idle_s = 2.0
trials = 2
[[run]]
workload = "llm"
scenarios = ["offline"]
batch_sizes = [4]
params = { engine = "openai", base_url = "http://127.0.0.1:${PORT}/v1", model = "busy", timeout_s = 30.0, requests = 32, prompt_tokens = { kind = "fixed", tokens = 16 }, output_tokens = { kind = "fixed", tokens = 32 }, meter = ["cuda:0"] }
[[run]]
workload = "llm"
scenarios = ["offline"]
batch_sizes = [8]
params = { engine = "openai", base_url = "http://127.0.0.1:${PORT}/v1", model = "busy", timeout_s = 30.0, requests = 32, prompt_tokens = { kind = "fixed", tokens = 16 }, output_tokens = { kind = "fixed", tokens = 32 }, meter = ["cuda:0"], meter_url = "${MURL}", meter_token_env = "WATTBENCH_METER_TOKEN" }
EOF
  timeout -s INT 80 "$BIN" run --suite "$W/meter/serving-meter.toml" --results "$W/meter/results" --cooldown-s 1
  echo "run: exit $?"
  "$BIN" check "$W/meter/results"
  echo "check: exit $?"
  python3 - "$W/meter/results" <<'PY'
import json, pathlib, sys
for f in sorted(pathlib.Path(sys.argv[1]).rglob("*.json")):
    d = json.loads(f.read_text())
    e, g = d.get("energy", {}), d.get("generation") or {}
    print(f.name, d.get("verdict", {}).get("valid"), e.get("method"), e.get("scope"))
    print("  joules", e.get("joules"), "window_s", e.get("window_s"), "idle_w", e.get("idle_w"), "avg_power_w", e.get("avg_power_w"))
    print("  J/output token", g.get("j_per_output_token"), "J/total token", g.get("j_per_total_token"), "J/request", g.get("j_per_request"))
    print("  parts", e.get("parts"), "budget", e.get("error_budget"))
PY
} >"$OUT/meter.log" 2>&1
stamp "meter: done"
kill "$BUSY" "$METER" 2>/dev/null
wait 2>/dev/null
tar -C "$W" -cJf "$OUT/work.tar.xz" --exclude=bin . 2>/dev/null
stamp "packed $(stat -c %s "$OUT/work.tar.xz" 2>/dev/null) bytes"
