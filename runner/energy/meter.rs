//! The [`EnergyMeter`] trait, the [`EnergyMethod`] tag and [`MeterError`].

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// How an energy figure was obtained. Serialised in kebab-case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnergyMethod {
    /// NVML's cumulative total-energy counter (millijoules), read at the window edges.
    NvmlCounter,
    /// Linux powercap RAPL `energy_uj` counter(s), read at the window edges.
    Rapl,
    /// A scripted meter (tests and the hidden CLI test mode); not a real measurement.
    Scripted,
    /// Nothing measured the energy; all numbers are `None`.
    Unmeasured,
}

impl EnergyMethod {
    /// The kebab-case name, identical to the serde form.
    pub fn as_str(self) -> &'static str {
        match self {
            EnergyMethod::NvmlCounter => "nvml-counter",
            EnergyMethod::Rapl => "rapl",
            EnergyMethod::Scripted => "scripted",
            EnergyMethod::Unmeasured => "unmeasured",
        }
    }
}

impl fmt::Display for EnergyMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Errors raised while opening or reading an energy meter.
#[derive(Debug, thiserror::Error)]
pub enum MeterError {
    /// A counter file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A counter file held something other than an unsigned integer.
    #[error("cannot parse {path}: {value:?} is not an unsigned integer")]
    Parse {
        /// The file that failed.
        path: PathBuf,
        /// What it contained (trimmed).
        value: String,
    },
    /// No usable RAPL package zone was found.
    #[error("no RAPL zones: {0}")]
    NoZones(String),
    /// NVML could not be initialised or queried (including a missing driver library).
    #[error("NVML error: {0}")]
    Nvml(String),
    /// The hardware or driver lacks the counter this meter needs.
    #[error("{0}")]
    NotSupported(String),
    /// A counter went backwards in a way that is not a wrap (e.g. driver reload).
    #[error("counter went backwards: {0}")]
    CounterReset(String),
    /// A scripted meter ran out of readings.
    #[error("scripted meter exhausted after {0} readings")]
    ScriptExhausted(usize),
    /// A remote meter (`wattbench meter serve`) could not be read.
    #[error("remote meter: {0}")]
    Remote(String),
    /// A measurement window had zero or negative length.
    #[error("invalid measurement window: {0}")]
    InvalidWindow(String),
}

/// A source of cumulative energy readings.
pub trait EnergyMeter: Send {
    /// How this meter measures.
    fn method(&self) -> EnergyMethod;
    /// What is measured, e.g. "GPU 0 (NVIDIA H100 80GB HBM3) board energy" or "CPU package 0 (intel-rapl:0)".
    fn scope(&self) -> String;
    /// Cumulative energy in joules since the meter was opened (monotonic; counter wrap handled); None when unmeasured.
    fn energy_j(&mut self) -> Result<Option<f64>, MeterError>;
    /// Instantaneous power in watts if the meter can sample it (NVML power_usage), for traces only.
    fn power_w(&mut self) -> Result<Option<f64>, MeterError> {
        Ok(None)
    }
    /// What stands behind the last [`energy_j`](Self::energy_j) reading: each
    /// part's cumulative joules for a meter that sums several counters, and
    /// the timing of a reading taken over the network. Empty for a plain meter.
    fn last_read(&self) -> ReadDetail {
        ReadDetail::default()
    }
}

/// One counter's cumulative reading inside a meter that sums several.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartReading {
    /// Which counter, e.g. `cuda:1: GPU 1 (NVIDIA H200) board energy`.
    pub scope: String,
    /// Its cumulative joules since the meter opened.
    pub joules: f64,
}

/// The timing of one reading taken from a remote meter (`wattbench meter serve`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemoteRead {
    /// Round-trip time of the request, seconds: the reading was taken somewhere inside it.
    pub rtt_s: f64,
    /// The serving node's clock minus this node's at the middle of the round trip, seconds.
    pub clock_offset_s: f64,
}

/// Detail of a meter's last reading (see [`EnergyMeter::last_read`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadDetail {
    /// Each summed counter's cumulative reading (empty for a single counter).
    pub parts: Vec<PartReading>,
    /// The network timing of a remote reading.
    pub remote: Option<RemoteRead>,
}

/// The meter used when no real counter is available: it measures nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmeasured {
    reason: String,
}

impl Unmeasured {
    /// A meter that measures nothing, with the reason why (e.g. "no NVML and RAPL is root-only").
    pub fn new(reason: impl Into<String>) -> Self {
        Unmeasured { reason: reason.into() }
    }

    /// Why nothing is measured.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl EnergyMeter for Unmeasured {
    fn method(&self) -> EnergyMethod {
        EnergyMethod::Unmeasured
    }

    fn scope(&self) -> String {
        format!("nothing measured ({})", self.reason)
    }

    fn energy_j(&mut self) -> Result<Option<f64>, MeterError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_serde() {
        for m in [EnergyMethod::NvmlCounter, EnergyMethod::Rapl, EnergyMethod::Scripted, EnergyMethod::Unmeasured] {
            let json = serde_json::to_value(m).unwrap();
            assert_eq!(json, serde_json::Value::String(m.to_string()));
            let back: EnergyMethod = serde_json::from_value(json).unwrap();
            assert_eq!(back, m);
        }
        assert_eq!(EnergyMethod::NvmlCounter.to_string(), "nvml-counter");
    }

    #[test]
    fn unmeasured_meter_yields_none() {
        let mut m = Unmeasured::new("no counter");
        assert_eq!(m.method(), EnergyMethod::Unmeasured);
        assert_eq!(m.reason(), "no counter");
        assert_eq!(m.energy_j().unwrap(), None);
        assert_eq!(m.power_w().unwrap(), None);
        assert!(m.scope().contains("no counter"));
    }
}
