//! What the rules look at: plain numbers gathered by the executor.

use crate::device::DeviceState;
use crate::energy::EnergyMethod;

/// Energy facts of one trial's window.
#[derive(Clone, Debug, PartialEq)]
pub struct EnergyEvidence {
    /// How energy was measured.
    pub method: EnergyMethod,
    /// Measured energy counter update period, seconds (from the idle interval).
    pub counter_period_s: Option<f64>,
    /// (trace integral − counter) / counter, when a power trace was taken.
    pub trace_gap_frac: Option<f64>,
}

/// One trial's window.
#[derive(Clone, Debug, PartialEq)]
pub struct TrialEvidence {
    /// Length of the measured window, seconds.
    pub window_s: f64,
    /// Queries completed in the window.
    pub queries: u64,
    /// Energy facts; `None` when energy was unmeasured.
    pub energy: Option<EnergyEvidence>,
    /// Device state when the window opened and closed; `None` when the device is not monitored.
    pub device_start: Option<DeviceState>,
    /// See `device_start`.
    pub device_end: Option<DeviceState>,
}

/// Everything the verdict depends on.
#[derive(Clone, Debug, PartialEq)]
pub struct RunEvidence {
    /// Whether per-query latency is a figure of this scenario (single-stream, server).
    pub latency_bound_scenario: bool,
    /// Required minimum window, seconds.
    pub min_duration_s: f64,
    /// Required minimum queries per window.
    pub min_queries: u64,
    /// Every trial.
    pub trials: Vec<TrialEvidence>,
    /// Queries in the merged latency histogram.
    pub latency_queries: u64,
    /// The latency bound of the scenario (server), nanoseconds, and the early-stopping estimate it is checked against.
    pub latency_bound: Option<(u64, Option<u64>)>,
    /// Whether the quality gate passed (`None`: not gated).
    pub quality_passes: Option<bool>,
    /// Quality metric and value, for the message.
    pub quality: (String, f64, Option<f64>),
    /// Coefficient of variation of throughput across trials.
    pub throughput_cv: Option<f64>,
    /// Why device state is not monitored, when it is not.
    pub monitor_unavailable: Option<String>,
    /// An endpoint run: its failed requests.
    pub request_failures: Option<FailureEvidence>,
    /// An endpoint run with service-level objectives: what they achieved.
    pub slo: Option<crate::endpoint::SloRecord>,
}

/// The failed requests of an endpoint run.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureEvidence {
    /// Requests that failed.
    pub failed: u64,
    /// Requests that ended (complete or failed).
    pub sent: u64,
    /// The largest fraction of failed requests of a VALID run.
    pub max_frac: f64,
    /// Failed requests by kind.
    pub by_kind: Vec<(String, u64)>,
    /// Whether issuing stopped early because most requests failed.
    pub abandoned: bool,
}
