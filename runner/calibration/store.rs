//! Calibration files: one JSON document per device, named by its identity.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic_file::write_atomic;
use crate::device::{CpuInfo, GpuInfo, ResolvedDevice};

/// One measured probe.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ProbeRecord {
    /// Probe name (`cpu-fma-f32`, `cuda-fma-f32`, `cuda-triad`, ...).
    pub name: String,
    /// Rate in `unit`.
    pub rate: f64,
    /// `FLOP/s` or `B/s`.
    pub unit: String,
    /// How it was measured (instruction set, threads, bytes).
    pub detail: String,
}

/// A device's measured limits.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Calibration {
    /// Stable identity: the GPU's UUID, or the CPU model and core count.
    pub device_id: String,
    /// Device name.
    pub device_name: String,
    /// When it was measured (RFC 3339, UTC).
    pub measured_at: String,
    /// wattbench version that measured it.
    pub wattbench_version: String,
    /// Every probe.
    pub probes: Vec<ProbeRecord>,
    /// The highest f32 multiply-add rate measured, FLOP/s.
    pub peak_flops_f32: f64,
    /// The highest half-precision rate measured (tensor cores where available), FLOP/s.
    pub peak_flops_f16: Option<f64>,
    /// The highest memory bandwidth measured, B/s.
    pub peak_bytes_per_s: f64,
    /// Idle power, W (None where energy is unmeasured).
    pub idle_w: Option<f64>,
    /// Measured update period of the energy counter, s.
    pub counter_period_s: Option<f64>,
    /// Power while the f32 multiply-add probe runs, W.
    pub load_power_w: Option<f64>,
}

/// Where calibrations live: `$WATTBENCH_CALIBRATION_DIR`, else
/// `$XDG_CACHE_HOME/wattbench/calibration`, else `~/.cache/wattbench/calibration`.
pub fn calibration_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("WATTBENCH_CALIBRATION_DIR") {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("."));
    cache.join("wattbench").join("calibration")
}

/// The identity calibrations are stored under.
pub fn device_id(device: ResolvedDevice, gpu: Option<&GpuInfo>, cpu: &CpuInfo) -> String {
    match (device, gpu) {
        (ResolvedDevice::Cuda(_), Some(g)) => g.uuid.clone(),
        (ResolvedDevice::Cuda(i), None) => format!("cuda-{i}-unknown"),
        (ResolvedDevice::Cpu, _) => format!("cpu-{}-{}cores", cpu.model, cpu.logical_cores),
    }
}

fn file_name(id: &str) -> String {
    let safe: String = id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("{safe}.json")
}

/// Writes `cal` into `dir` (created if needed); returns the file.
pub fn save_calibration(dir: &Path, cal: &Calibration) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    write_atomic(dir, &file_name(&cal.device_id), cal)
}

/// The calibration of `id` in `dir`, if one was stored (a damaged file is an error naming it).
pub fn load_calibration(dir: &Path, id: &str) -> Result<Option<(PathBuf, Calibration)>, String> {
    let path = dir.join(file_name(id));
    match wattbench_workloads::regular_file::read_regular(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(|c| Some((path.clone(), c)))
            .map_err(|e| format!("{}: not a calibration file ({e}); run wattbench calibrate again", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_by_identity() {
        let dir = tempfile::tempdir().unwrap();
        let cal = Calibration {
            device_id: "cpu-AMD EPYC-2cores".into(),
            device_name: "AMD EPYC".into(),
            measured_at: "2026-01-01T00:00:00Z".into(),
            wattbench_version: "0".into(),
            probes: vec![],
            peak_flops_f32: 1e11,
            peak_flops_f16: None,
            peak_bytes_per_s: 1e10,
            idle_w: None,
            counter_period_s: None,
            load_power_w: None,
        };
        let path = save_calibration(dir.path(), &cal).unwrap();
        assert!(path.ends_with("cpu-AMD_EPYC-2cores.json"));
        assert_eq!(load_calibration(dir.path(), &cal.device_id).unwrap().unwrap().1, cal);
        assert!(load_calibration(dir.path(), "other").unwrap().is_none());
        std::fs::write(&path, b"{}").unwrap();
        assert!(load_calibration(dir.path(), &cal.device_id).unwrap_err().contains("run wattbench calibrate again"));
    }
}
