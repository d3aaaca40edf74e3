//! Snapshots of a device's clocks, temperature and throttle reasons, taken at
//! the edges of the measured window so that a throttled run is caught.

use std::sync::Arc;

use nvml_wrapper::bitmasks::device::ThrottleReasons;
use nvml_wrapper::enum_wrappers::device::{Clock, TemperatureSensor};
use nvml_wrapper::Nvml;
use serde::{Deserialize, Serialize};

/// The state of a device at one instant.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DeviceState {
    /// Current SM (graphics) clock, MHz.
    pub sm_clock_mhz: Option<u32>,
    /// Temperature, °C.
    pub temperature_c: Option<u32>,
    /// Active reasons that slow the clocks (power cap, thermal, hardware slowdown).
    pub throttle_reasons: Vec<String>,
}

/// Something that can report a device's state.
pub trait DeviceMonitor {
    /// A snapshot now, or `None` when this device cannot be monitored.
    fn snapshot(&mut self) -> Option<DeviceState>;
    /// Why there is nothing to monitor, when there is not.
    fn unavailable(&self) -> Option<String> {
        None
    }
}

/// No monitoring (the CPU, or a GPU whose NVML is missing).
#[derive(Debug, Clone)]
pub struct NoMonitor(pub String);

impl DeviceMonitor for NoMonitor {
    fn snapshot(&mut self) -> Option<DeviceState> {
        None
    }
    fn unavailable(&self) -> Option<String> {
        Some(self.0.clone())
    }
}

/// A GPU monitored through NVML.
pub struct NvmlMonitor {
    nvml: Arc<Nvml>,
    uuid: String,
}

impl NvmlMonitor {
    /// Monitors the GPU with this UUID.
    pub fn new(nvml: Arc<Nvml>, uuid: &str) -> Self {
        Self { nvml, uuid: uuid.to_string() }
    }
}

/// Throttle reasons that slow a benchmark down (idle and clock settings are not).
fn slowing(reasons: ThrottleReasons) -> Vec<String> {
    let named = [
        (ThrottleReasons::SW_POWER_CAP, "sw-power-cap"),
        (ThrottleReasons::HW_SLOWDOWN, "hw-slowdown"),
        (ThrottleReasons::SW_THERMAL_SLOWDOWN, "sw-thermal-slowdown"),
        (ThrottleReasons::HW_THERMAL_SLOWDOWN, "hw-thermal-slowdown"),
        (ThrottleReasons::HW_POWER_BRAKE_SLOWDOWN, "hw-power-brake-slowdown"),
    ];
    named.iter().filter(|(flag, _)| reasons.contains(*flag)).map(|(_, name)| name.to_string()).collect()
}

impl DeviceMonitor for NvmlMonitor {
    fn snapshot(&mut self) -> Option<DeviceState> {
        let device = self.nvml.device_by_uuid(self.uuid.as_str()).ok()?;
        Some(DeviceState {
            sm_clock_mhz: device.clock_info(Clock::SM).ok(),
            temperature_c: device.temperature(TemperatureSensor::Gpu).ok(),
            throttle_reasons: device.current_throttle_reasons().map(slowing).unwrap_or_default(),
        })
    }
}

/// A monitor that replays scripted states (tests).
#[derive(Debug, Clone)]
pub struct ScriptedMonitor(pub Vec<DeviceState>);

impl DeviceMonitor for ScriptedMonitor {
    fn snapshot(&mut self) -> Option<DeviceState> {
        (!self.0.is_empty()).then(|| self.0.remove(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_slowing_reasons_are_named() {
        let r = ThrottleReasons::GPU_IDLE | ThrottleReasons::SW_POWER_CAP | ThrottleReasons::HW_THERMAL_SLOWDOWN;
        assert_eq!(slowing(r), ["sw-power-cap", "hw-thermal-slowdown"]);
        assert!(slowing(ThrottleReasons::APPLICATIONS_CLOCKS_SETTING).is_empty());
    }
}
