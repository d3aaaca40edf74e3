//! Where, with what and on what a run happened.

use serde::{Deserialize, Serialize};

use crate::device::{CpuInfo, GpuInfo};

/// The device a run used, as precisely as it can be identified.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DeviceProvenance {
    /// `cpu` or `cuda`.
    pub kind: String,
    /// Device name (GPU name or CPU model).
    pub name: String,
    /// GPU UUID, when a GPU.
    pub uuid: Option<String>,
    /// Driver version, when known.
    pub driver: Option<String>,
    /// Enforced power limit in watts, when known.
    pub power_limit_w: Option<f64>,
    /// Maximum SM clock, MHz, when known.
    pub max_sm_clock_mhz: Option<u32>,
    /// Maximum memory clock, MHz, when known.
    pub max_mem_clock_mhz: Option<u32>,
    /// Total device memory in bytes, when known.
    pub memory_bytes: Option<u64>,
}

impl DeviceProvenance {
    /// The CPU as a run device.
    pub fn cpu(cpu: &CpuInfo) -> Self {
        Self {
            kind: "cpu".into(),
            name: cpu.model.clone(),
            uuid: None,
            driver: None,
            power_limit_w: None,
            max_sm_clock_mhz: None,
            max_mem_clock_mhz: None,
            memory_bytes: None,
        }
    }

    /// A CUDA GPU as a run device.
    pub fn gpu(gpu: &GpuInfo) -> Self {
        Self {
            kind: "cuda".into(),
            name: gpu.name.clone(),
            uuid: Some(gpu.uuid.clone()),
            driver: gpu.driver.clone(),
            power_limit_w: gpu.power_limit_w,
            max_sm_clock_mhz: gpu.max_sm_clock_mhz,
            max_mem_clock_mhz: gpu.max_mem_clock_mhz,
            memory_bytes: gpu.memory_bytes,
        }
    }
}

/// Everything needed to reproduce or audit a run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Provenance {
    /// wattbench version.
    pub wattbench_version: String,
    /// Git commit of the build (`-dirty` when it had uncommitted changes).
    pub git_hash: String,
    /// Burn version compiled in.
    pub burn_version: String,
    /// Burn backend.
    pub backend: String,
    /// Numeric precision.
    pub precision: String,
    /// The run device.
    pub device: DeviceProvenance,
    /// Host CPU model.
    pub cpu_model: String,
    /// Host logical cores.
    pub cpu_logical_cores: usize,
    /// Operating system (from /etc/os-release) and kernel release.
    pub os: String,
    /// Suite file (or built-in name's file).
    pub suite_file: String,
    /// sha256 of the suite text.
    pub suite_sha256: String,
    /// sha256 of the data as used.
    pub data_sha256: String,
    /// sha256 of the weights file, or `random-init:SEED`.
    pub weights: String,
    /// The command line that produced the result.
    pub command: String,
    /// The process's heap policy (it changes CPU throughput; see `runner/allocator.rs`).
    #[serde(default)]
    pub allocator: String,
    /// The node the run ran on (Slurm's node name, else the host name).
    #[serde(default)]
    pub node: String,
    /// The scheduler task that ran it (`slurm job 40 task 2`, `k8s index 1`), when any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
}

/// `PRETTY_NAME (kernel RELEASE)`, or what could be read of it.
pub fn os_description() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| t.lines().find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_string())))
        .unwrap_or_else(|| std::env::consts::OS.to_string());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").map(|s| s.trim().to_string()).ok();
    match kernel {
        Some(k) => format!("{pretty} (kernel {k}, {})", std::env::consts::ARCH),
        None => format!("{pretty} ({})", std::env::consts::ARCH),
    }
}
