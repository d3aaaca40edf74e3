# Sourced by scripts/test.sh: makes a real third-party OpenAI-compatible
# server available to the endpoint test (tests/cli/real_server.rs):
# llama.cpp's own HTTP server, from the prebuilt CPU wheel of the PyPI
# package xllamacpp (pinned below; nothing is compiled), serving a tiny
# random-weights Llama model that tiny_gguf.py writes with the PyPI package
# gguf (no model is downloaded). Both are installed with pip into a cache
# folder outside the clone, so a second run only checks that they are there.
# It exports
#   WATTBENCH_REAL_LLM_SERVER  a launcher: SERVER --model M --port P [--parallel N]
#   WATTBENCH_REAL_LLM_MODEL   the tiny model (.gguf)
# Where that is impossible (no python3 >= 3.10 with pip, no network, the
# registry refuses) it says so and why, the test says it skipped, and CI
# does not fail for that reason. Every step is bounded in time.
#
#   . scripts/ci/llm-server.sh        # from the repository root
#
# WATTBENCH_CI_CACHE moves the cache folder (default ~/.cache/wattbench).

wattbench_ci_llm_server() {
  local xllamacpp_version="2026.10.11549" gguf_version="0.19.0"
  local root cache dir site started py="" log
  started=$(date +%s)
  root="$(pwd)"
  cache="${WATTBENCH_CI_CACHE:-${XDG_CACHE_HOME:-${HOME:-$root/target}/.cache}/wattbench}"
  for c in python3 python; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      py="$(command -v "$c")"
      break
    fi
  done
  if [ -z "$py" ]; then
    echo "note: real LLM server test: no python3 >= 3.10 to install llama.cpp's server (xllamacpp); the test will say it skipped"
    return 0
  fi
  # numpy (for gguf) is built per Python version: one folder per version.
  dir="$cache/llm-server-xllamacpp-$xllamacpp_version-py$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  site="$dir/site"
  log="$dir/pip.log"
  if ! mkdir -p "$dir"; then
    echo "note: real LLM server test: cannot create $dir; the test will say it skipped"
    return 0
  fi
  if [ ! -e "$site/.complete" ]; then
    if ! "$py" -m pip --version >/dev/null 2>&1; then
      echo "note: real LLM server test: $py has no pip to install llama.cpp's server (xllamacpp); the test will say it skipped"
      return 0
    fi
    echo "installing llama.cpp's server (PyPI xllamacpp $xllamacpp_version, prebuilt CPU wheel) and gguf $gguf_version for the real LLM server test"
    rm -rf "$site"
    local args=(-m pip install --quiet --disable-pip-version-check --no-input --only-binary=:all:
      --target "$site" "xllamacpp==$xllamacpp_version" "gguf==$gguf_version")
    if ! timeout 900 "$py" "${args[@]}" >"$log" 2>&1; then
      if grep -q externally-managed "$log" 2>/dev/null; then
        # Debian's own python3: the install goes into the cache folder only.
        timeout 900 "$py" "${args[@]}" --break-system-packages >"$log" 2>&1 || true
      fi
      if ! PYTHONPATH="$site" "$py" -c 'import xllamacpp, gguf' >/dev/null 2>&1; then
        echo "warning: pip could not install xllamacpp and gguf (see $log: $(tail -n 1 "$log" 2>/dev/null)); the real LLM server test will say it skipped"
        return 0
      fi
    fi
    touch "$site/.complete"
  fi
  local f
  for f in serve.py tiny_gguf.py; do
    cmp -s "$root/scripts/ci/llm-server/$f" "$dir/$f" || cp "$root/scripts/ci/llm-server/$f" "$dir/$f" || return 0
  done
  if [ ! -s "$dir/tiny-llama.gguf" ] || [ "$dir/tiny_gguf.py" -nt "$dir/tiny-llama.gguf" ]; then
    if ! PYTHONPATH="$site" timeout 120 "$py" "$dir/tiny_gguf.py" "$dir/tiny-llama.gguf.part" >"$dir/model.log" 2>&1 ||
      ! mv "$dir/tiny-llama.gguf.part" "$dir/tiny-llama.gguf"; then
      echo "warning: the tiny GGUF model could not be written (see $dir/model.log: $(tail -n 1 "$dir/model.log" 2>/dev/null)); the real LLM server test will say it skipped"
      return 0
    fi
  fi
  printf '#!/bin/sh\n# llama.cpp server (xllamacpp %s) on a loopback port; written by scripts/ci/llm-server.sh\nPYTHONPATH="%s" exec "%s" "%s" "$@"\n' \
    "$xllamacpp_version" "$site" "$py" "$dir/serve.py" >"$dir/llm-server" && chmod +x "$dir/llm-server" || return 0
  export WATTBENCH_REAL_LLM_SERVER="$dir/llm-server"
  export WATTBENCH_REAL_LLM_MODEL="$dir/tiny-llama.gguf"
  echo "real LLM server test: llama.cpp's server from xllamacpp $xllamacpp_version in $dir; set-up took $(( $(date +%s) - started )) s"
}

if ! wattbench_ci_llm_server; then
  echo "warning: the real LLM server test's set-up failed; the test will say it skipped"
fi
unset -f wattbench_ci_llm_server
