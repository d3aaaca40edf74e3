#!/usr/bin/env bash
# Validates wattbench on a GPU node in two halves, for labs whose GPU nodes
# have the NVIDIA driver and CUDA toolkit but no Rust and no network.
#
# On a build host (x86-64, Rust):
#   scripts/gpu-validate.sh build [CUDA_VERSION]      # default 13000 (CUDA 13.0, driver 580)
#       -> target/gpu-node/: wattbench-x86_64-linux.xz (stripped, xz), its .sha256,
#          and this script: copy that folder to the GPU node.
#   scripts/gpu-validate.sh package BIN DIR            # the packaging step alone
#
# On the GPU node (bash, coreutils, and xz or python3):
#   ./gpu-validate.sh run PACKAGE.xz|BINARY OUT [--budget SECONDS] [--full] [--rehearse]
#                         [--window SECONDS] [--trials N]
#       A package is checked against its .sha256 (both the .xz and the unpacked
#       binary) and unpacked into OUT/bin/ before anything runs.
#       Default profile, budget 480 s: devices; calibrate the GPU; the quick
#       suite on cuda:0 in f32 with 5 s windows and 2 trials; lstm-reference
#       (Burn beside the fused kernel); bf16 where it matters; a shortened
#       llm-gpu; calibrate the CPU; rank and report. Each step logs its wall
#       time; a step whose estimate does not fit in what is left of the budget
#       is skipped and named, and a running step is interrupted (SIGINT: its
#       finished runs are kept) when the budget ends. rank and report keep a
#       reserve of the budget.
#       --full: the full profile (quick in f32, bf16 and f16 at the suite's own
#       settings, harness, lstm-reference, llm-gpu, standard: about an hour);
#       no budget unless --budget is given.
#       --rehearse: the same script on the CPU, each CUDA step replaced by its
#       CPU substitute (named in the log), to test the script before GPU time
#       is spent.
#   -> OUT/validate.log, OUT/results/, OUT/calibration/, OUT/rank.md, OUT/report.html,
#      OUT/panics.log (the whole message of any backend panic)
#   Exit: 0 every step done, 1 a step failed, 2 bad usage or package, 3 steps skipped
#   or stopped for the budget (none failed).
set -uo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"

usage() {
  echo "usage: $0 build [CUDA_VERSION] | package BIN DIR | run PACKAGE.xz|BINARY OUT [--budget SECONDS] [--full] [--rehearse] [--window SECONDS] [--trials N]" >&2
  exit 2
}
die() { echo "error: $*" >&2; exit 2; }
now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
PKG_NAME=wattbench-x86_64-linux.xz
NVRTC_PKG=nvrtc-x86_64-linux.tar.xz

# Strips a copy of BIN, checks that it is an x86-64 ELF executable, compresses it.
package() {
  local bin="$1" dir="$2" tmp
  [ -f "$bin" ] || die "$bin: no such binary"
  # ELF magic, 64-bit class, machine 0x3e (x86-64) at offset 18.
  [ "$(od -An -tx1 -N5 "$bin" | tr -d ' \n')" = "7f454c4602" ] || die "$bin: not a 64-bit ELF file"
  [ "$(od -An -tx1 -j18 -N2 "$bin" | tr -d ' \n')" = "3e00" ] || die "$bin: not an x86-64 binary"
  mkdir -p "$dir" || die "cannot create $dir"
  tmp="$dir/wattbench"
  cp "$bin" "$tmp" || die "cannot copy $bin"
  strip --strip-all "$tmp" 2>/dev/null || echo "note: strip is missing or failed; packaging $bin unstripped" >&2
  xz -6 -c "$tmp" >"$dir/$PKG_NAME.part" || die "xz failed"
  mv "$dir/$PKG_NAME.part" "$dir/$PKG_NAME"
  printf '%s  %s\n%s  %s\n' "$(sha256_of "$dir/$PKG_NAME")" "$PKG_NAME" "$(sha256_of "$tmp")" wattbench \
    >"$dir/$PKG_NAME.sha256"
  rm -f "$tmp"
  # Optional: NVRTC for a node that has none (WATTBENCH_PACKAGE_NVRTC_DIR holds libnvrtc.so.13).
  if [ -n "${WATTBENCH_PACKAGE_NVRTC_DIR:-}" ]; then
    local n="${WATTBENCH_PACKAGE_NVRTC_DIR}"
    [ -f "$n/libnvrtc.so.13" ] || die "$n/libnvrtc.so.13 is missing"
    (cd "$n" && tar -cf - libnvrtc.so.13 libnvrtc-builtins.so.13.* | xz -6 -c) >"$dir/$NVRTC_PKG" || die "packing NVRTC failed"
    printf '%s  %s\n' "$(sha256_of "$dir/$NVRTC_PKG")" "$NVRTC_PKG" >>"$dir/$PKG_NAME.sha256"
    echo "packaged NVRTC from $n: $dir/$NVRTC_PKG ($(stat -c %s "$dir/$NVRTC_PKG") bytes)"
  fi
  cp "$SELF" "$dir/gpu-validate.sh" 2>/dev/null || true
  echo "packaged $(stat -c %s "$bin") -> $(stat -c %s "$dir/$PKG_NAME") bytes: $dir/$PKG_NAME (sha256 in $PKG_NAME.sha256)"
}

# Checks PACKAGE against PACKAGE.sha256, unpacks it into DIR/wattbench and checks that too.
unpack() {
  local pkg="$1" dir="$2" sums="$1.sha256" want_pkg want_bin
  [ -f "$sums" ] || die "$sums is missing: a package is only run after its checksum is verified"
  want_pkg="$(awk -v n="$PKG_NAME" '$2 == n { print $1 }' "$sums")"
  want_bin="$(awk '$2 == "wattbench" { print $1 }' "$sums")"
  [ -n "$want_pkg" ] && [ -n "$want_bin" ] || die "$sums: expected lines for $PKG_NAME and wattbench"
  [ "$(sha256_of "$pkg")" = "$want_pkg" ] || die "$pkg: sha256 mismatch (corrupt or incomplete copy)"
  mkdir -p "$dir" || die "cannot create $dir"
  if command -v xz >/dev/null 2>&1; then
    xz -dc "$pkg" >"$dir/wattbench.part" || die "$pkg: xz could not unpack it"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' \
      "$pkg" >"$dir/wattbench.part" || die "$pkg: python3's lzma could not unpack it"
  else
    die "neither xz nor python3 is here to unpack $pkg"
  fi
  [ "$(sha256_of "$dir/wattbench.part")" = "$want_bin" ] || die "$pkg: the unpacked binary's sha256 does not match"
  chmod +x "$dir/wattbench.part" && mv "$dir/wattbench.part" "$dir/wattbench"
}

# Where libnvrtc is not on the loader path, finds the toolkit's or a Python
# wheel's copy (PyTorch installs one) and adds its folder to LD_LIBRARY_PATH;
# says what it did in NVRTC_NOTE.
find_nvrtc() {
  NVRTC_NOTE="nvrtc: on the loader path"
  ldconfig -p 2>/dev/null | grep -q 'libnvrtc\.so' && return
  local d sp IFS=:
  for d in ${LD_LIBRARY_PATH:-}; do
    NVRTC_NOTE="nvrtc: in $d (LD_LIBRARY_PATH)"
    compgen -G "$d/libnvrtc.so*" >/dev/null && return
  done
  IFS=$' \t\n'
  local cands=("${CUDA_HOME:-/usr/local/cuda}/lib64" /usr/local/cuda/lib64 /usr/local/cuda-13.0/lib64)
  if command -v python3 >/dev/null 2>&1; then
    for sp in $(python3 -c 'import site; print(" ".join(site.getsitepackages() + [site.getusersitepackages()]))' 2>/dev/null); do
      cands+=("$sp/nvidia/cu13/lib" "$sp/nvidia/cuda_nvrtc/lib")
    done
  fi
  for d in "${cands[@]}"; do
    if compgen -G "$d/libnvrtc.so*" >/dev/null; then
      export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      NVRTC_NOTE="nvrtc: added $d to LD_LIBRARY_PATH"
      return
    fi
  done
  # Last: the NVRTC that was packaged beside the binary, if any (checked against the .sha256).
  local sums="${PKG_ARG:-}.sha256" want
  if [ -n "${PKG_ARG:-}" ] && [ -f "$(dirname "$PKG_ARG")/$NVRTC_PKG" ]; then
    want="$(awk -v n="$NVRTC_PKG" '$2 == n { print $1 }' "$sums")"
    local tarball
    tarball="$(dirname "$PKG_ARG")/$NVRTC_PKG"
    if [ -n "$want" ] && [ "$(sha256_of "$tarball")" = "$want" ] && mkdir -p "$OUT/nvrtc" &&
      { if command -v xz >/dev/null 2>&1; then xz -dc "$tarball" | tar -xf - -C "$OUT/nvrtc"; else
          python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$tarball" "$OUT/nvrtc"; fi; }; then
      export LD_LIBRARY_PATH="$OUT/nvrtc${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      NVRTC_NOTE="nvrtc: none on this node; unpacked the packaged $NVRTC_PKG (sha256 verified) into $OUT/nvrtc"
      return
    fi
    NVRTC_NOTE="nvrtc: NOT FOUND, and the packaged $NVRTC_PKG failed its sha256 check or could not be unpacked"
    return
  fi
  NVRTC_NOTE="nvrtc: NOT FOUND (GPU calibration, the fused kernel and Burn's CUDA backend need it)"
}

case "${1:-}" in
  build)
    cd "$(dirname "$SELF")/.." || exit 2
    scripts/build-for-gpu-node.sh "${2:-13000}" || exit $?
    exec "$SELF" package target/release/wattbench target/gpu-node
    ;;
  package)
    [ $# -eq 3 ] || usage
    package "$2" "$3"
    exit 0
    ;;
  run) ;;
  __isolated)
    # Internal: `__isolated N COMMAND...` runs COMMAND --shard K/N for K = 1..N,
    # each shard (one run) in a process of its own: after a panic a GPU
    # backend keeps no usable state, so a panic costs that run, not the rest.
    # SIGINT or SIGTERM (the budget) stops after the current shard.
    shift
    n="$1"
    shift
    stop=0 rc=0
    trap 'stop=1' INT TERM
    for k in $(seq 1 "$n"); do
      [ "$stop" = 1 ] && break
      "$@" --shard "$k/$n" || rc=1
    done
    exit "$rc"
    ;;
  *) usage ;;
esac

# ---- run ----
[ $# -ge 3 ] || usage
BIN_ARG="$2" OUT="$3"
shift 3
BUDGET="" FULL=0 REHEARSE=0 WINDOW=5 TRIALS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --budget) BUDGET="${2:-}"; shift 2 || usage ;;
    --full) FULL=1; shift ;;
    --rehearse) REHEARSE=1; shift ;;
    --window) WINDOW="${2:-}"; shift 2 || usage ;;
    --trials) TRIALS="${2:-}"; shift 2 || usage ;;
    *) echo "error: unknown option $1" >&2; usage ;;
  esac
done
[[ -z "$BUDGET" || "$BUDGET" =~ ^[0-9]+$ ]] || die "--budget must be whole seconds, got '$BUDGET'"
[[ "$WINDOW" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--window must be seconds, got '$WINDOW'"
[[ "$TRIALS" =~ ^[1-9][0-9]*$ ]] || die "--trials must be a positive whole number, got '$TRIALS'"
[ -n "$BUDGET" ] || { [ "$FULL" = 1 ] && BUDGET=0 || BUDGET=480; }   # 0: no budget
T0=$(now_ms)
mkdir -p "$OUT/results" "$OUT/calibration" "$OUT/suites" || die "cannot create $OUT"
OUT="$(cd "$OUT" && pwd)"
LOG="$OUT/validate.log"
: >"$LOG"
log() { echo "$*" | tee -a "$LOG"; }

case "$BIN_ARG" in
  *.xz) unpack "$BIN_ARG" "$OUT/bin"; BIN="$OUT/bin/wattbench"; PKG_ARG="$BIN_ARG"
        log "binary: $BIN_ARG verified against $BIN_ARG.sha256 and unpacked to $BIN (sha256 $(sha256_of "$BIN"))" ;;
  *) [ -x "$BIN_ARG" ] || die "$BIN_ARG is not an executable file"
     BIN="$(cd "$(dirname "$BIN_ARG")" && pwd)/$(basename "$BIN_ARG")"
     log "binary: $BIN (not a package; sha256 $(sha256_of "$BIN"))" ;;
esac
export WATTBENCH_CALIBRATION_DIR="$OUT/calibration"
export WATTBENCH_PANIC_LOG="$OUT/panics.log"   # a backend panic's whole message (the one-line error keeps 500 characters)

if [ "$REHEARSE" = 1 ]; then DEV=cpu; PREP=1; else DEV=cuda:0; PREP=4; fi
MODE="$([ "$FULL" = 1 ] && echo full || echo budget)$([ "$REHEARSE" = 1 ] && echo ", rehearsal on the CPU")"
log "mode: $MODE; budget: $([ "$BUDGET" = 0 ] && echo none || echo "$BUDGET s"); device: $DEV; window ${WINDOW} s x $TRIALS trials"
log "host: $(uname -srm)"
if [ "$REHEARSE" = 0 ]; then
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=name,uuid,driver_version,power.limit,clocks.max.sm --format=csv 2>&1 | tee -a "$LOG"
  else
    log "nvidia-smi: not found"
  fi
  find_nvrtc
  log "$NVRTC_NOTE"
fi

# Shortened run settings of the budget profile: windows of 5 s keep
# 2 x period / window at or under 2% for a counter of 50 ms or faster;
# fit_window_to_counter lengthens them for a slower one.
IDLE=1 WARMUP=1 COOLDOWN=0.5
set_short() { SHORT=(--min-duration-s "$WINDOW" --trials "$TRIALS" --warmup-s "$WARMUP" --idle-s "$IDLE" --cooldown-s "$COOLDOWN"); }
set_short
# After a calibration: lengthens the windows to 100 x the energy counter's
# measured update period (2 x period / window <= 2%, the energy_window rule).
fit_window_to_counter() {
  local period need
  period="$(grep -o 'counter period [0-9.]* ms' "$LOG" | tail -n 1 | awk '{ print $3 }')"
  [ -n "$period" ] || { log "energy counter period: unmeasured here; windows stay ${WINDOW} s"; return; }
  need="$(awk -v p="$period" 'BEGIN { w = p / 10; printf "%d", (w == int(w)) ? w : int(w) + 1 }')"
  if awk -v n="$need" -v w="$WINDOW" 'BEGIN { exit !(n > w) }'; then
    log "energy counter period ${period} ms: windows lengthened from ${WINDOW} s to ${need} s (2 x period / window <= 2%)"
    WINDOW="$need"
    set_short
  else
    log "energy counter period ${period} ms: ${WINDOW} s windows keep 2 x period / window <= 2%"
  fi
}
# Estimated seconds for RUNS runs of a suite with SHORT's settings.
est_runs() {
  awk -v n="$1" -v p="$PREP" -v w="$WARMUP" -v t="$TRIALS" -v i="$IDLE" -v win="$WINDOW" -v c="$COOLDOWN" \
    'BEGIN { printf "%d", 2 + n * (p + w + t * (2 * i + 1.15 * win) + (t - 1) * c) + 0.999 }'
}

# Suites written for this run (the binary's built-in suites are unchanged).
if [ "$REHEARSE" = 1 ]; then LLM_MODEL='model = "tiny"'; PREC=f32; else
  LLM_MODEL='model = "1b", prompt_tokens = { kind = "log-normal", median = 256.0, sigma = 0.4, min = 64, max = 512 }, output_tokens = { kind = "log-normal", median = 64.0, sigma = 0.3, min = 16, max = 128 }'
  PREC=bf16
fi
cat >"$OUT/suites/quick-bf16.toml" <<EOF
# The quick suite's runs where bf16 changes the arithmetic that dominates: an
# LSTM at batch 256, attention, convolutions.
name = "quick-bf16"
description = "quick runs where bf16 matters"
[defaults]
devices = ["$DEV"]
precisions = ["$PREC"]
[[run]]
workload = "load-forecast"
scenarios = ["offline"]
batch_sizes = [256]
params = { weights = "reference:load-forecast-quick" }
[[run]]
workload = "transformer-temp"
scenarios = ["offline"]
batch_sizes = [64]
params = { weights = "reference:transformer-temp-quick" }
[[run]]
workload = "seismic-facies"
scenarios = ["offline"]
batch_sizes = [16]
params = { weights = "reference:seismic-facies-quick" }
EOF
cat >"$OUT/suites/llm-gpu-short.toml" <<EOF
# llm-gpu shortened: one offline run of 16 requests in static batches of 8.
name = "llm-gpu-short"
description = "the llm-gpu decoder, one offline batch size, shorter prompts and answers"
[defaults]
devices = ["$DEV"]
precisions = ["$PREC"]
min_queries = 1
[[run]]
workload = "llm"
scenarios = ["offline"]
batch_sizes = [8]
params = { $LLM_MODEL, requests = 16 }
EOF
# lstm-reference's two meaningful pairs (latency at batch 1, throughput at
# batch 256), Burn beside the fused kernel with the same weights; the
# built-in suite also runs the cross product (8 runs). The rehearsal runs the
# Burn half only (the fused kernel needs CUDA).
{
  echo 'name = "lstm-reference-short"'
  echo 'description = "load-forecast in Burn beside the fused CUDA kernel: single-stream b1, offline b256"'
  echo '[defaults]'
  echo "devices = [\"$DEV\"]"
  engines=('' ', engine = "fused-cuda"')
  [ "$REHEARSE" = 1 ] && engines=('')
  for engine in "${engines[@]}"; do
    for sb in 'single-stream 1' 'offline 256'; do
      set -- $sb
      printf '[[run]]\nworkload = "load-forecast"\nscenarios = ["%s"]\nbatch_sizes = [%s]\n' "$1" "$2"
      printf 'params = { weights = "reference:load-forecast-quick"%s }\n' "$engine"
    done
  done
} >"$OUT/suites/lstm-reference-short.toml"

RES="$OUT/results"
STATUS=0 SKIPPED=() PLAN=()
# Reserve for the final steps (rank and report), in seconds.
RESERVE=10
left_s() { echo $(( BUDGET - ($(now_ms) - T0) / 1000 )); }

# step ID ESTIMATE_S [final] -- COMMAND...: runs COMMAND unless its estimate does not fit.
step() {
  local id="$1" est="$2" reserve="$RESERVE" left cap t rc dt
  shift 2
  [ "$1" = final ] && { reserve=0; shift; }
  shift   # --
  PLAN+=("$id")
  if [ "$BUDGET" != 0 ]; then
    left=$(( $(left_s) - reserve ))
    if [ "$est" -gt "$left" ]; then
      log "SKIPPED $id: needs about $est s, $left s left of the $BUDGET s budget$([ "$reserve" = 0 ] || echo " (keeping $reserve s for rank and report)")"
      SKIPPED+=("$id")
      return
    fi
    cap=(timeout -s INT -k 15 "$left")
  else
    cap=()
  fi
  log "=== $id (estimate $est s): ${*/#$BIN/wattbench}"
  t=$(now_ms)
  "${cap[@]}" "$@" >>"$LOG" 2>&1
  rc=$?
  dt=$(secs $(( $(now_ms) - t )))
  if [ "$rc" = 0 ]; then
    log "--- $id: ok in $dt s (elapsed $(secs $(( $(now_ms) - T0 ))) s)"
  elif [ "$rc" = 124 ] && [ "$BUDGET" != 0 ]; then
    log "--- $id: STOPPED at the budget after $dt s (interrupted; its finished runs are kept)"
    SKIPPED+=("$id(stopped)")
  else
    log "--- $id: FAILED (exit $rc) after $dt s (elapsed $(secs $(( $(now_ms) - T0 ))) s)"
    STATUS=1
  fi
}
have_results() { [ -n "$(find "$RES" -name '*.json' -print -quit 2>/dev/null)" ]; }
cuda_or() { if [ "$REHEARSE" = 1 ]; then log "rehearsal: $1 replaced by its CPU substitute"; fi; }

step version 2 -- "$BIN" --version
step devices 3 -- "$BIN" devices
step devices-json 3 -- "$BIN" devices --json
if [ "$FULL" = 0 ]; then
  cuda_or calibrate-gpu
  step calibrate-gpu 20 -- "$BIN" calibrate --device "$DEV" --seconds 2 --idle-s 3
  fit_window_to_counter
  # One process per run (see __isolated): one workload's backend panic must not cost the others.
  step quick-f32 "$(est_runs 11)" -- bash "$SELF" __isolated 11 \
    "$BIN" run --suite quick --device "$DEV" --precision f32 "${SHORT[@]}" --results "$RES"
  cuda_or quick-bf16
  step quick-bf16 "$(est_runs 3)" -- bash "$SELF" __isolated 3 \
    "$BIN" run --suite "$OUT/suites/quick-bf16.toml" "${SHORT[@]}" --results "$RES"
  cuda_or lstm-reference
  step lstm-reference "$(est_runs "$( [ "$REHEARSE" = 1 ] && echo 2 || echo 4 )")" -- \
    "$BIN" run --suite "$OUT/suites/lstm-reference-short.toml" "${SHORT[@]}" --results "$RES"
  cuda_or llm-gpu-short
  step llm-gpu-short "$(( $(est_runs 1) + 30 ))" -- "$BIN" run --suite "$OUT/suites/llm-gpu-short.toml" \
    --min-duration-s "$WINDOW" --trials 1 --warmup-s "$WARMUP" --idle-s "$IDLE" --results "$RES"
  step calibrate-cpu 8 -- "$BIN" calibrate --device cpu --seconds 1 --idle-s 1
else
  cuda_or "each CUDA step (calibrate-gpu, lstm-reference, llm-gpu, standard)"
  step calibrate-gpu 40 -- "$BIN" calibrate --device "$DEV"
  step calibrate-cpu 20 -- "$BIN" calibrate --device cpu --seconds 2
  step quick-f32 480 -- "$BIN" run --suite quick --device "$DEV" --results "$RES"
  step harness 120 -- "$BIN" run --suite harness --results "$RES"
  if [ "$REHEARSE" = 1 ]; then
    step lstm-reference 120 -- "$BIN" run --suite "$OUT/suites/lstm-reference-short.toml" --results "$RES"
  else
    step lstm-reference 400 -- "$BIN" run --suite lstm-reference --results "$RES"
  fi
  for p in bf16 f16; do
    [ "$REHEARSE" = 1 ] && continue   # the CPU backend runs f32 only
    step "quick-$p" 480 -- "$BIN" run --suite quick --device "$DEV" --precision "$p" --results "$RES"
  done
  if [ "$REHEARSE" = 1 ]; then
    step llm 90 -- "$BIN" run --suite llm --results "$RES"
    step standard 600 -- "$BIN" run --suite standard --device cpu --results "$RES"
  else
    step llm-gpu 600 -- "$BIN" run --suite llm-gpu --results "$RES"
    step standard 1500 -- "$BIN" run --suite standard --device "$DEV" --results "$RES"
  fi
fi
if have_results; then
  step rank 4 final -- bash -c '"$1" rank "$2" --format markdown >"$3"; rc=$?; cat "$3"; exit $rc' _ "$BIN" "$RES" "$OUT/rank.md"
  step report 6 final -- "$BIN" report "$RES" --out "$OUT/report.html"
else
  log "SKIPPED rank, report: no result files in $RES"
  SKIPPED+=(rank report)
  PLAN+=(rank report)
fi
log "steps: ${PLAN[*]}"
log "skipped: ${SKIPPED[*]:-none}"
log "done in $(secs $(( $(now_ms) - T0 ))) s: status $STATUS; log $LOG"
[ "$STATUS" != 0 ] && exit 1
[ "${#SKIPPED[@]}" -gt 0 ] && exit 3
exit 0
