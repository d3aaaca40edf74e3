//! Energy measurement for wattbench: joules per inference from real counters.
//!
//! Honesty rules enforced here: a figure is reported as measured only when a
//! real counter (NVML total-energy, RAPL) measured it; every figure carries its
//! [`EnergyMethod`]; `unmeasured` is a legal outcome with all numbers `None`;
//! nothing is ever estimated from TDP. NVML power samples are a trace and a
//! cross-check only, never the primary figure.

pub mod aggregate;
pub mod counter;
pub mod idle;
pub mod meter;
pub mod meter_set;
pub mod meters;
pub mod nvml_counter;
pub mod power_sampler;
pub mod rapl;
pub mod remote;
pub mod report;
pub mod scripted;

pub use aggregate::{aggregate, TrialEnergy};
pub use counter::{counter_delta, AccumulatingCounter};
pub use idle::{measure_idle, IdleMeasurement};
pub use meter::{EnergyMeter, EnergyMethod, MeterError, PartReading, ReadDetail, RemoteRead, Unmeasured};
pub use meter_set::MeterSet;
pub use meters::{open_meter, open_monitor, open_nvml_gpus, EnergyWindow, MeterChoice, WindowReadings, TRACE_INTERVAL};
pub use nvml_counter::NvmlEnergyMeter;
pub use power_sampler::{PowerSampler, PowerTrace};
pub use rapl::RaplMeter;
pub use report::{EnergyReport, ErrorBudget, MeterEdges, WindowMeasurement};
pub use scripted::ScriptedMeter;
