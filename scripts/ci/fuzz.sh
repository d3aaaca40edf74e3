#!/usr/bin/env bash
# A short, bounded libFuzzer run of every cargo-fuzz target in fuzz/ (the
# result reader, the HDR decoder, the suite parser and planner, the ETT,
# MATPOWER, REDD, SEG-Y and weights loaders), each from its committed seed
# corpus in fuzz/seeds/TARGET. A crash fails CI; a machine without a nightly
# toolchain or cargo-fuzz, where neither can be installed, skips with the
# reason printed.
#
# FUZZ_RUNS executions (default 30000) from FUZZ_SEED (default 1) per target,
# each bounded by FUZZ_SECONDS (default 60), after the build. The
# build is a separate cold build of everything the targets link (Burn
# included), with coverage instrumentation and no sanitizer (`-s none`: the
# code under test is safe Rust, where AddressSanitizer finds nothing a panic
# does not, and it would double the build); its time is printed.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds="${FUZZ_SECONDS:-60}"
# A fixed number of executions from a fixed seed, on a fresh corpus, makes
# the CI run the same every time for the same code: a crash it reports is
# reproducible, and a green run before a submission is the run CI repeats.
# FUZZ_SECONDS only bounds a slow target.
runs="${FUZZ_RUNS:-30000}"
fuzz_seed="${FUZZ_SEED:-1}"

skip() {
  echo "fuzz: skipped: $*"
  exit 0
}

if ! cargo +nightly --version >/dev/null 2>&1; then
  if command -v rustup >/dev/null 2>&1; then
    echo "fuzz: installing a nightly toolchain"
    rustup toolchain install nightly --profile minimal >/dev/null 2>&1 || skip "no nightly toolchain, and rustup could not install one"
  else
    skip "no nightly toolchain and no rustup to install one"
  fi
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked >/dev/null 2>&1 || skip "cargo-fuzz is missing and could not be installed"
fi

# The fuzz build is a cold build of Burn with coverage instrumentation and
# one codegen unit: its folder is kept outside the clone
# (WATTBENCH_FUZZ_TARGET_DIR, default ~/.cache/wattbench/fuzz-target), like a
# CI cache, so that a later run on the same machine only rebuilds
# wattbench's own crates.
target_dir="${WATTBENCH_FUZZ_TARGET_DIR:-${HOME:-/tmp}/.cache/wattbench/fuzz-target}"
mkdir -p "$target_dir" || skip "cannot create the fuzz build folder $target_dir"

targets=$(cargo +nightly fuzz list) || { echo "fuzz: cannot list the targets"; exit 1; }
# The cold build is bounded too (FUZZ_BUILD_TIMEOUT_S, default 1800): on
# the shared 2-core development machine, with seven builds at once, it took
# 80 min (cargo-fuzz compiles every crate with one codegen unit). A build
# that runs out of time is a printed skip, not a failure; one that fails to
# compile is a failure.
start=$(date +%s)
timeout "${FUZZ_BUILD_TIMEOUT_S:-1800}" cargo +nightly fuzz build -s none --target-dir "$target_dir"
rc=$?
if [ "$rc" = 124 ]; then
  skip "the cold fuzz build took more than ${FUZZ_BUILD_TIMEOUT_S:-1800} s"
elif [ "$rc" != 0 ]; then
  echo "fuzz: the fuzz targets do not build"
  exit 1
fi
echo "fuzz: build took $(( $(date +%s) - start )) s"
corpus_root=$(mktemp -d)
for t in $targets; do
  mkdir -p "$corpus_root/$t"
  echo "fuzz: $t: $runs executions from seed $fuzz_seed (at most ${seconds} s)"
  log="$corpus_root/$t.log"
  cargo +nightly fuzz run -s none --target-dir "$target_dir" "$t" "$corpus_root/$t" "fuzz/seeds/$t" -- \
    -runs="$runs" -seed="$fuzz_seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1
  rc=$?
  grep -E "^stat::number_of_executed_units|^Done" "$log"
  if [ "$rc" != 0 ]; then
    tail -n 30 "$log"
    echo "fuzz: $t failed (exit $rc); the input is under fuzz/artifacts/$t"
    exit 1
  fi
done
echo "fuzz: every target ran $runs executions (seed $fuzz_seed) without a crash"
