//! CUDA devices, detected without ever touching an API that panics.
//!
//! cudarc panics the first time a CUDA device is used on a machine without
//! libcuda, so detection checks for the library first, then asks the driver
//! for a device count. NVML (through nvml-wrapper, which returns errors)
//! adds the name, memory, power limit and clocks.

use std::sync::{Arc, OnceLock};

use nvml_wrapper::enum_wrappers::device::Clock;
use nvml_wrapper::Nvml;
use serde::Serialize;

/// One CUDA device, indexed as CUDA (and so Burn) enumerates it.
#[derive(Clone, Debug, Serialize)]
pub struct GpuInfo {
    /// CUDA ordinal (`cuda:N`).
    pub index: u32,
    /// Marketing name.
    pub name: String,
    /// `GPU-…` UUID.
    pub uuid: String,
    /// Total device memory, when NVML answered.
    pub memory_bytes: Option<u64>,
    /// Driver version, when NVML answered.
    pub driver: Option<String>,
    /// Enforced power limit in watts, when NVML answered.
    pub power_limit_w: Option<f64>,
    /// Maximum SM clock in MHz, when NVML answered.
    pub max_sm_clock_mhz: Option<u32>,
    /// Maximum memory clock in MHz, when NVML answered.
    pub max_mem_clock_mhz: Option<u32>,
    /// Whether NVML's total-energy counter answers on this device.
    pub energy_counter: bool,
    /// Why NVML facts are missing, if they are.
    pub nvml_unavailable: Option<String>,
}

/// What CUDA detection found.
#[derive(Clone, Debug)]
pub enum CudaStatus {
    /// The driver answered; the list may be empty.
    Available(Vec<GpuInfo>),
    /// CUDA cannot be used here, and why.
    Unavailable(String),
}

/// NVML, initialised once per process.
pub fn nvml() -> Result<Arc<Nvml>, String> {
    static NVML: OnceLock<Result<Arc<Nvml>, String>> = OnceLock::new();
    NVML.get_or_init(|| Nvml::init().map(Arc::new).map_err(|e| format!("NVML unavailable: {e}"))).clone()
}

fn format_uuid(bytes: &[std::ffi::c_char; 16]) -> String {
    let b: Vec<u8> = bytes.iter().map(|&c| c as u8).collect();
    let hex = |r: std::ops::Range<usize>| b[r].iter().map(|x| format!("{x:02x}")).collect::<String>();
    format!("GPU-{}-{}-{}-{}-{}", hex(0..4), hex(4..6), hex(6..8), hex(8..10), hex(10..16))
}

fn driver_devices() -> Result<Vec<(u32, String, String)>, String> {
    use cudarc::driver::result;
    // SAFETY: only checks whether the shared library can be opened.
    if !unsafe { cudarc::driver::sys::is_culib_present() } {
        return Err("libcuda not found: no NVIDIA driver is installed".into());
    }
    result::init().map_err(|e| format!("CUDA driver did not initialise: {e:?}"))?;
    let count = result::device::get_count().map_err(|e| format!("CUDA device count failed: {e:?}"))?;
    (0..count)
        .map(|i| {
            let dev = result::device::get(i).map_err(|e| format!("cuda:{i}: {e:?}"))?;
            let name = result::device::get_name(dev).map_err(|e| format!("cuda:{i} name: {e:?}"))?;
            let uuid = result::device::get_uuid(dev).map_err(|e| format!("cuda:{i} uuid: {e:?}"))?;
            Ok((i as u32, name, format_uuid(&uuid.bytes)))
        })
        .collect()
}

fn with_nvml(index: u32, name: String, uuid: String) -> GpuInfo {
    let mut info = GpuInfo {
        index,
        name,
        uuid,
        memory_bytes: None,
        driver: None,
        power_limit_w: None,
        max_sm_clock_mhz: None,
        max_mem_clock_mhz: None,
        energy_counter: false,
        nvml_unavailable: None,
    };
    let nvml = match nvml() {
        Ok(n) => n,
        Err(why) => {
            info.nvml_unavailable = Some(why);
            return info;
        }
    };
    let device = match nvml.device_by_uuid(info.uuid.as_str()) {
        Ok(d) => d,
        Err(e) => {
            info.nvml_unavailable = Some(format!("NVML does not know {}: {e}", info.uuid));
            return info;
        }
    };
    info.memory_bytes = device.memory_info().ok().map(|m| m.total);
    info.driver = nvml.sys_driver_version().ok();
    info.power_limit_w = device.enforced_power_limit().ok().map(|mw| f64::from(mw) / 1000.0);
    info.max_sm_clock_mhz = device.max_clock_info(Clock::SM).ok();
    info.max_mem_clock_mhz = device.max_clock_info(Clock::Memory).ok();
    info.energy_counter = device.total_energy_consumption().is_ok();
    info
}

/// Detects CUDA devices; never panics on a machine without a driver.
pub fn probe_cuda() -> CudaStatus {
    match driver_devices() {
        Ok(devices) => CudaStatus::Available(devices.into_iter().map(|(i, n, u)| with_nvml(i, n, u)).collect()),
        Err(why) => CudaStatus::Unavailable(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_formats_like_nvml() {
        let raw = [0x12u8, 0x34, 0x56, 0x78, 0x9a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15]
            .map(|v| v as std::ffi::c_char);
        assert_eq!(format_uuid(&raw), "GPU-12345678-9a0b-0c0d-0e0f-101112131415");
    }

    #[test]
    fn probing_never_panics() {
        // On a machine without a driver this must be Unavailable; with one, Available.
        match probe_cuda() {
            CudaStatus::Available(gpus) => {
                assert!(gpus.iter().enumerate().all(|(i, g)| g.index as usize == i))
            }
            CudaStatus::Unavailable(why) => assert!(!why.is_empty()),
        }
    }
}
