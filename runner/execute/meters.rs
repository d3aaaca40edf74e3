//! Choosing the energy meter for a device, and reading it at the edges of
//! the measured window.

use std::time::{Duration, Instant};

use crate::device::{nvml, CpuInfo, GpuInfo, ResolvedDevice};
use crate::energy::{
    EnergyMeter, NvmlEnergyMeter, PowerSampler, PowerTrace, RaplMeter, ScriptedMeter, Unmeasured,
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
    ScriptedWatts(f64),
}

fn open_nvml(gpu: &GpuInfo) -> Result<NvmlEnergyMeter, String> {
    let nvml = nvml()?;
    let index = nvml
        .device_by_uuid(gpu.uuid.as_str())
        .and_then(|d| d.index())
        .map_err(|e| format!("NVML does not know {}: {e}", gpu.uuid))?;
    NvmlEnergyMeter::open(nvml, index).map_err(|e| e.to_string())
}

/// Opens the meter for `device`. Never fails: a device without a usable
/// counter gets an `unmeasured` meter that says why.
pub fn open_meter(
    choice: &MeterChoice,
    device: ResolvedDevice,
    gpu: Option<&GpuInfo>,
    cpu: &CpuInfo,
) -> Box<dyn EnergyMeter> {
    match (choice, device) {
        (MeterChoice::ScriptedWatts(w), _) => Box::new(
            ScriptedMeter::constant(*w, crate::energy::scripted::wall_clock())
                .with_scope("scripted constant power (test mode)"),
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

/// Reads the meter at the window's edges and samples power in between.
pub struct EnergyWindow<'a> {
    meter: &'a mut dyn EnergyMeter,
    power_source: Option<Box<dyn EnergyMeter>>,
    sampler: Option<PowerSampler>,
    start: Option<(Instant, Option<f64>)>,
    /// Energy and length of the closed window: (gross joules, seconds, trace).
    pub result: Option<(Option<f64>, f64, Option<PowerTrace>)>,
}

impl<'a> EnergyWindow<'a> {
    /// A window over `meter`; `power_source` (a second meter of the same
    /// device that can sample power) feeds the trace when given.
    pub fn new(meter: &'a mut dyn EnergyMeter, power_source: Option<Box<dyn EnergyMeter>>) -> Self {
        Self {
            meter,
            power_source,
            sampler: None,
            start: None,
            result: None,
        }
    }
}

impl WindowObserver for EnergyWindow<'_> {
    fn open(&mut self) -> Result<(), HarnessError> {
        if let Some(mut source) = self.power_source.take() {
            self.sampler = Some(PowerSampler::start(
                Box::new(move || source.power_w().ok().flatten()),
                TRACE_INTERVAL,
            ));
        }
        let energy = self
            .meter
            .energy_j()
            .map_err(|e| HarnessError::Meter(e.to_string()))?;
        self.start = Some((Instant::now(), energy));
        Ok(())
    }

    fn close(&mut self) -> Result<(), HarnessError> {
        let end = self
            .meter
            .energy_j()
            .map_err(|e| HarnessError::Meter(e.to_string()))?;
        let ended = Instant::now();
        let trace = self.sampler.take().map(PowerSampler::stop);
        let (started, begin) = self
            .start
            .ok_or_else(|| HarnessError::Meter("window closed before it opened".into()))?;
        let gross = match (begin, end) {
            (Some(b), Some(e)) => Some(e - b),
            _ => None,
        };
        self.result = Some((gross, (ended - started).as_secs_f64(), trace));
        Ok(())
    }
}
