# Sourced by scripts/test.sh: makes NVRTC and ptxas (CUDA 13.0, no GPU needed)
# available to the CUDA kernel compile check (kernels/tests/compile_kernels.rs).
# Where libnvrtc.so.13 or ptxas is missing it installs NVIDIA's PyPI packages
# nvidia-cuda-nvrtc and nvidia-cuda-nvcc (pinned below) with pip into the build
# folder, then exports LD_LIBRARY_PATH (NVRTC is loaded at run time, by the
# names cudarc tries), WATTBENCH_PTXAS and WATTBENCH_REQUIRE_KERNEL_COMPILE=1
# (the check then fails instead of skipping). Where that is impossible (no
# python3 or pip, no network) it says so and the check says it skipped.
# It never fails CI for that reason.
#
#   . scripts/ci/cuda-kernels.sh        # from the repository root
#
# The version matches the reference GPU nodes' toolkit (CUDA 13.0); change
# WATTBENCH_CI_CUDA_PIP_VERSION to check another one.

wattbench_ci_cuda_kernels() {
  local version="${WATTBENCH_CI_CUDA_PIP_VERSION:-13.0.88}"
  local root dir lib ptxas started
  started=$(date +%s)
  root="$(pwd)"
  dir="${CARGO_TARGET_DIR:-$root/target}/ci-tools/cuda-$version"
  lib=""
  ptxas="$(command -v ptxas 2>/dev/null || true)"
  if ldconfig -p 2>/dev/null | grep -q 'libnvrtc\.so\.13 '; then lib=system; fi
  if [ -z "$lib" ] || [ -z "$ptxas" ]; then
    if [ ! -e "$dir/nvidia/cu13/lib/libnvrtc.so.13" ] || [ ! -x "$dir/nvidia/cu13/bin/ptxas" ]; then
      local py=""
      for c in python3 python; do command -v "$c" >/dev/null 2>&1 && { py="$c"; break; }; done
      if [ -z "$py" ] || ! "$py" -m pip --version >/dev/null 2>&1; then
        echo "note: CUDA kernel compile check: no python3 with pip to install NVRTC and ptxas; the check will say it skipped"
        return 0
      fi
      if ! mkdir -p "$dir"; then
        echo "note: CUDA kernel compile check: cannot create $dir; the check will say it skipped"
        return 0
      fi
      echo "installing NVIDIA's nvidia-cuda-nvrtc and nvidia-cuda-nvcc $version (PyPI) for the CUDA kernel compile check"
      if ! "$py" -m pip install --quiet --disable-pip-version-check --no-deps --target "$dir" \
        "nvidia-cuda-nvrtc==$version" "nvidia-cuda-nvcc==$version" >"$dir.pip.log" 2>&1; then
        echo "warning: pip could not install NVRTC and ptxas (see $dir.pip.log: $(tail -n 1 "$dir.pip.log" 2>/dev/null)); the CUDA kernel compile check will say it skipped"
        return 0
      fi
    fi
    if [ -z "$lib" ]; then
      if [ ! -e "$dir/nvidia/cu13/lib/libnvrtc.so.13" ]; then
        echo "warning: libnvrtc.so.13 is not where nvidia-cuda-nvrtc $version puts it; the CUDA kernel compile check will say it skipped"
        return 0
      fi
      export LD_LIBRARY_PATH="$dir/nvidia/cu13/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    fi
    if [ -z "$ptxas" ]; then
      if [ ! -x "$dir/nvidia/cu13/bin/ptxas" ]; then
        echo "warning: ptxas is not where nvidia-cuda-nvcc $version puts it; the CUDA kernel compile check will say it skipped"
        return 0
      fi
      ptxas="$dir/nvidia/cu13/bin/ptxas"
    fi
  fi
  export WATTBENCH_PTXAS="$ptxas"
  export WATTBENCH_REQUIRE_KERNEL_COMPILE=1
  echo "CUDA kernel compile check: NVRTC from ${lib:-$dir/nvidia/cu13/lib}, ptxas $ptxas; set-up took $(( $(date +%s) - started )) s"
}

if ! wattbench_ci_cuda_kernels; then
  echo "warning: the CUDA kernel compile check's set-up failed; the check will say it skipped"
fi
unset -f wattbench_ci_cuda_kernels
