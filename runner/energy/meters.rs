//! Choosing the energy meter for a device, and reading it at the edges of
//! the measured window.

use std::time::{Duration, Instant};

use super::{
    EnergyMeter, MeterEdges, NvmlEnergyMeter, PowerSampler, PowerTrace, RaplMeter, ReadDetail, ScriptedMeter,
    Unmeasured,
};
use crate::device::{
    nvml, CpuInfo, DeviceFacts, DeviceMonitor, DeviceState, GpuInfo, NoMonitor, NvmlMonitor, ResolvedDevice,
};
use crate::harness::{HarnessError, WindowObserver};

/// Interval of the power trace sampler.
pub const TRACE_INTERVAL: Duration = Duration::from_millis(20);

/// How energy is to be metered, as chosen on the command line.
#[derive(Clone, Debug, PartialEq)]
pub enum MeterChoice {
    /// The real meter of the device: NVML for a GPU, RAPL for the CPU, or unmeasured.
    Real,
    /// A scripted constant power (tests only; results say `scripted`).
    Scripted {
        /// Constant power, watts.
        watts: f64,
        /// The counter moves only every this many seconds, like NVML's (0: continuous).
        period_s: f64,
    },
}

/// A clock that advances in steps of `period_s` (continuous when 0).
fn stepped_clock(period_s: f64) -> super::scripted::Clock {
    let wall = super::scripted::wall_clock();
    if period_s > 0.0 {
        Box::new(move || (wall() / period_s).floor() * period_s)
    } else {
        wall
    }
}

fn open_nvml(gpu: &GpuInfo) -> Result<NvmlEnergyMeter, String> {
    let nvml = nvml()?;
    let index = nvml
        .device_by_uuid(gpu.uuid.as_str())
        .and_then(|d| d.index())
        .map_err(|e| format!("NVML does not know {}: {e}", gpu.uuid))?;
    NvmlEnergyMeter::open(nvml, index).map_err(|e| e.to_string())
}

/// Opens the NVML counter of each GPU named `cuda:N`, N being the NVML index
/// (the index `nvidia-smi` shows): the serving GPUs of an endpoint.
pub fn open_nvml_gpus(devices: &[String]) -> Result<Vec<(String, Box<dyn EnergyMeter>)>, String> {
    let nvml = nvml()?;
    let mut parts: Vec<(String, Box<dyn EnergyMeter>)> = Vec::with_capacity(devices.len());
    for d in devices {
        let index: u32 =
            d.strip_prefix("cuda:").and_then(|n| n.parse().ok()).ok_or_else(|| format!("`{d}` is not cuda:N"))?;
        let m = NvmlEnergyMeter::open(std::sync::Arc::clone(&nvml), index).map_err(|e| format!("{d}: {e}"))?;
        parts.push((d.clone(), Box::new(m)));
    }
    Ok(parts)
}

/// Opens the meter for `device`. Never fails: a device without a usable
/// counter gets an `unmeasured` meter that says why.
pub fn open_meter(choice: &MeterChoice, target: &DeviceFacts, cpu: &CpuInfo) -> Box<dyn EnergyMeter> {
    let gpu = target.gpu();
    match (choice, target.device) {
        (MeterChoice::Scripted { watts, period_s }, _) => Box::new(
            ScriptedMeter::constant(*watts, stepped_clock(*period_s)).with_scope("scripted constant power (test mode)"),
        ),
        (MeterChoice::Real, ResolvedDevice::Cuda(_)) => match gpu.map(open_nvml) {
            Some(Ok(m)) => Box::new(m),
            Some(Err(why)) => Box::new(Unmeasured::new(why)),
            None => Box::new(Unmeasured::new("GPU not found in the device inventory")),
        },
        (MeterChoice::Real, ResolvedDevice::Cpu) => match &cpu.rapl_unavailable {
            None => match RaplMeter::open_all(&cpu.rapl_zones) {
                Ok(m) => Box::new(m),
                Err(e) => Box::new(Unmeasured::new(format!("RAPL: {e}"))),
            },
            Some(why) => Box::new(Unmeasured::new(format!("no CPU energy counter: {why}"))),
        },
    }
}

/// The monitor of clocks, temperature and throttling for `device`.
pub fn open_monitor(target: &DeviceFacts) -> Box<dyn DeviceMonitor> {
    match (target.device, target.gpu()) {
        (ResolvedDevice::Cuda(_), Some(g)) => match nvml() {
            Ok(n) => Box::new(NvmlMonitor::new(n, &g.uuid)),
            Err(why) => Box::new(NoMonitor(why)),
        },
        (ResolvedDevice::Cuda(_), None) => Box::new(NoMonitor("GPU not found in the device inventory".into())),
        (ResolvedDevice::Cpu, _) => Box::new(NoMonitor("the CPU's clocks and throttling are not monitored".into())),
    }
}

/// What a closed window measured.
pub struct WindowReadings {
    /// Gross energy, joules (None when unmeasured).
    pub gross_j: Option<f64>,
    /// Window length between the two meter reads, seconds.
    pub window_s: f64,
    /// The power trace, when the device can sample power.
    pub trace: Option<PowerTrace>,
    /// Device state when the window opened.
    pub device_start: Option<DeviceState>,
    /// Device state when the window closed.
    pub device_end: Option<DeviceState>,
    /// The edges' read detail: each summed part's energy over the window and remote reads' timing.
    pub edges: MeterEdges,
}

/// Reads the meter and the device monitor at the window's edges and samples
/// power in between.
pub struct EnergyWindow<'a> {
    meter: &'a mut dyn EnergyMeter,
    monitor: &'a mut dyn DeviceMonitor,
    power_source: Option<Box<dyn EnergyMeter>>,
    sampler: Option<PowerSampler>,
    start: Option<(Instant, Option<f64>, Option<DeviceState>, ReadDetail)>,
    /// The readings of the closed window.
    pub result: Option<WindowReadings>,
}

impl<'a> EnergyWindow<'a> {
    /// A window over `meter` and `monitor`; `power_source` (a second meter of
    /// the same device that can sample power) feeds the trace when given.
    pub fn new(
        meter: &'a mut dyn EnergyMeter,
        monitor: &'a mut dyn DeviceMonitor,
        power_source: Option<Box<dyn EnergyMeter>>,
    ) -> Self {
        Self { meter, monitor, power_source, sampler: None, start: None, result: None }
    }
}

impl WindowObserver for EnergyWindow<'_> {
    fn open(&mut self) -> Result<(), HarnessError> {
        if let Some(mut source) = self.power_source.take() {
            self.sampler = Some(PowerSampler::start(Box::new(move || source.power_w().ok().flatten()), TRACE_INTERVAL));
        }
        let state = self.monitor.snapshot();
        let energy = self.meter.energy_j().map_err(|e| HarnessError::Meter(e.to_string()))?;
        self.start = Some((Instant::now(), energy, state, self.meter.last_read()));
        Ok(())
    }

    fn close(&mut self) -> Result<(), HarnessError> {
        let end = self.meter.energy_j().map_err(|e| HarnessError::Meter(e.to_string()))?;
        let ended = Instant::now();
        let closing = self.meter.last_read();
        let device_end = self.monitor.snapshot();
        let trace = self.sampler.take().map(PowerSampler::stop);
        let (started, begin, device_start, opening) =
            self.start.take().ok_or_else(|| HarnessError::Meter("window closed before it opened".into()))?;
        let gross_j = match (begin, end) {
            (Some(b), Some(e)) => Some(e - b),
            _ => None,
        };
        let window_s = (ended - started).as_secs_f64();
        let edges = MeterEdges::between(&opening, &closing);
        self.result = Some(WindowReadings { gross_j, window_s, trace, device_start, device_end, edges });
        Ok(())
    }
}
