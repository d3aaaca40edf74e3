//! A GPU backend after a panic. Burn's fusion runtime (the CUDA backend)
//! keeps no usable state once a panic unwinds through it: on an H200 one
//! failed matrix-product autotune in one run made every later CUDA run of
//! the same process panic too ("Should have handle for tensor", "CallError"),
//! each reported as a failure of its own workload. After the first panic on
//! a GPU, later runs on that GPU are not started, with the reason.

use std::sync::Mutex;

use crate::device::ResolvedDevice;

/// The first panic on each GPU in this process: the device and which run it was.
static PANICKED: Mutex<Vec<(ResolvedDevice, String)>> = Mutex::new(Vec::new());

/// Records that `run` panicked on `device` (only a GPU's state is held to be lost).
pub fn record_panic(device: ResolvedDevice, run: &str) {
    if matches!(device, ResolvedDevice::Cuda(_)) {
        let mut p = PANICKED.lock().unwrap_or_else(|e| e.into_inner());
        if !p.iter().any(|(d, _)| *d == device) {
            p.push((device, run.to_string()));
        }
    }
}

/// Why a run on `device` is not started, if an earlier run on it panicked.
pub fn refusal(device: ResolvedDevice) -> Option<String> {
    let p = PANICKED.lock().unwrap_or_else(|e| e.into_inner());
    p.iter().find(|(d, _)| *d == device).map(|(d, run)| {
        format!(
            "not started: {run} panicked on {d} earlier in this process, and the GPU backend keeps no usable state \
             after a panic; run this one in a new process (a suite of its own, or `--shard K/N` with N the \
             number of runs: one process per run)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gpu_panic_refuses_later_runs_on_that_gpu_only() {
        record_panic(ResolvedDevice::Cpu, "run 0 (a on cpu)");
        assert!(refusal(ResolvedDevice::Cpu).is_none(), "the CPU backend keeps no such state");
        record_panic(ResolvedDevice::Cuda(7), "run 5 (transformer-temp offline)");
        record_panic(ResolvedDevice::Cuda(7), "run 6 (later)");
        let why = refusal(ResolvedDevice::Cuda(7)).unwrap();
        assert!(why.contains("run 5 (transformer-temp offline) panicked on cuda:7"), "{why}");
        assert!(refusal(ResolvedDevice::Cuda(6)).is_none());
    }
}
