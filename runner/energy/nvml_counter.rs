//! GPU board energy from NVML's cumulative total-energy counter (Volta or newer).
//!
//! The primary figure is `nvmlDeviceGetTotalEnergyConsumption` (millijoules)
//! read at the window edges; `power_usage` is offered for traces only.

use std::sync::Arc;

use nvml_wrapper::error::NvmlError;
use nvml_wrapper::Nvml;

use crate::energy::meter::{EnergyMeter, EnergyMethod, MeterError};

/// The message given when the GPU lacks the total-energy counter.
pub const NOT_SUPPORTED_MSG: &str = "NVML energy counter not supported on this GPU (needs Volta or newer)";

fn nvml_err(what: &str, e: NvmlError) -> MeterError {
    MeterError::Nvml(format!("{what}: {e}"))
}

/// Initialises NVML; a missing driver library (`libnvidia-ml`) is an error, never a panic.
pub fn init_nvml() -> Result<Arc<Nvml>, MeterError> {
    Nvml::init().map(Arc::new).map_err(|e| nvml_err("init failed (no NVIDIA driver?)", e))
}

/// Energy meter over one GPU's NVML total-energy counter.
pub struct NvmlEnergyMeter {
    nvml: Arc<Nvml>,
    index: u32,
    name: String,
    start_mj: u64,
    last_mj: u64,
}

impl NvmlEnergyMeter {
    /// Opens GPU `index`, checking that the total-energy counter is supported and taking the opening reading.
    pub fn open(nvml: Arc<Nvml>, index: u32) -> Result<Self, MeterError> {
        let device = nvml.device_by_index(index).map_err(|e| nvml_err(&format!("GPU {index}"), e))?;
        let name = device.name().unwrap_or_else(|_| "unknown GPU".to_string());
        let start_mj = match device.total_energy_consumption() {
            Ok(mj) => mj,
            Err(NvmlError::NotSupported) => return Err(MeterError::NotSupported(NOT_SUPPORTED_MSG.to_string())),
            Err(e) => return Err(nvml_err(&format!("GPU {index} total energy"), e)),
        };
        Ok(NvmlEnergyMeter { nvml, index, name, start_mj, last_mj: start_mj })
    }

    /// The NVML device index.
    pub fn index(&self) -> u32 {
        self.index
    }
}

impl EnergyMeter for NvmlEnergyMeter {
    fn method(&self) -> EnergyMethod {
        EnergyMethod::NvmlCounter
    }

    fn scope(&self) -> String {
        format!("GPU {} ({}) board energy", self.index, self.name)
    }

    fn energy_j(&mut self) -> Result<Option<f64>, MeterError> {
        let device = self.nvml.device_by_index(self.index).map_err(|e| nvml_err("device", e))?;
        let now = device.total_energy_consumption().map_err(|e| nvml_err("total energy", e))?;
        if now < self.last_mj {
            // A 64-bit mJ counter does not wrap in practice: this is a driver reload.
            return Err(MeterError::CounterReset(format!(
                "GPU {} energy counter fell from {} mJ to {now} mJ (driver reloaded?)",
                self.index, self.last_mj
            )));
        }
        self.last_mj = now;
        Ok(Some((now - self.start_mj) as f64 / 1000.0))
    }

    fn power_w(&mut self) -> Result<Option<f64>, MeterError> {
        let device = self.nvml.device_by_index(self.index).map_err(|e| nvml_err("device", e))?;
        let mw = device.power_usage().map_err(|e| nvml_err("power usage", e))?;
        Ok(Some(f64::from(mw) / 1000.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>() {}

    #[test]
    fn meter_is_send() {
        assert_send::<NvmlEnergyMeter>();
    }

    #[test]
    fn missing_driver_is_an_error_not_a_panic() {
        match init_nvml() {
            Err(e) => assert!(e.to_string().starts_with("NVML error: init failed"), "{e}"),
            // On a GPU host NVML loads; opening an absurd index must still be an error.
            Ok(nvml) => assert!(NvmlEnergyMeter::open(nvml, 9_999).is_err()),
        }
    }
}
