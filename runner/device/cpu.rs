//! The host CPU: model, cores, and whether RAPL energy counters are readable.

use std::path::PathBuf;

use serde::Serialize;

/// Where Linux exposes RAPL energy counters.
pub const RAPL_ROOT: &str = "/sys/class/powercap";

/// Facts about the host CPU.
#[derive(Clone, Debug, Serialize)]
pub struct CpuInfo {
    /// Model name from /proc/cpuinfo.
    pub model: String,
    /// Logical cores this process may use.
    pub logical_cores: usize,
    /// Readable RAPL package zones; empty when none.
    pub rapl_zones: Vec<PathBuf>,
    /// Why RAPL is not usable, when it is not.
    pub rapl_unavailable: Option<String>,
}

/// Reads the host CPU's facts (never fails: unknown facts say so).
pub fn cpu_info() -> CpuInfo {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let logical_cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let (rapl_zones, rapl_unavailable) = match super::rapl_zones::rapl_readable(std::path::Path::new(RAPL_ROOT)) {
        Ok(zones) => (zones, None),
        Err(why) => (Vec::new(), Some(why)),
    };
    CpuInfo { model, logical_cores, rapl_zones, rapl_unavailable }
}
