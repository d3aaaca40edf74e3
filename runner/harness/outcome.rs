//! What one scenario run measured.

use std::time::Duration;

use hdrhistogram::Histogram;

use super::{HarnessError, Scenario};

/// The measured window of one scenario run.
#[derive(Clone, Debug)]
pub struct ScenarioOutcome {
    /// The scenario that ran.
    pub scenario: Scenario,
    /// Samples per query.
    pub batch_size: usize,
    /// Queries completed inside the window.
    pub queries: u64,
    /// Samples completed inside the window.
    pub samples: u64,
    /// From the window's opening to the last completion.
    pub window: Duration,
    /// Latency of every timed query, in nanoseconds.
    pub latency_ns: Histogram<u64>,
    /// Queries issued during the untimed warm-up.
    pub warmup_queries: u64,
    /// How long the warm-up lasted.
    pub warmup: Duration,
    /// Server scenario: how late each query was issued after its scheduled time.
    pub scheduler_lateness_ns: Option<Histogram<u64>>,
}

impl ScenarioOutcome {
    /// Samples per second over the window.
    pub fn throughput_per_s(&self) -> f64 {
        let secs = self.window.as_secs_f64();
        if secs > 0.0 {
            self.samples as f64 / secs
        } else {
            0.0
        }
    }
}

/// A histogram for nanosecond latencies from 1 ns to one hour, 3 significant digits.
pub(crate) fn latency_histogram() -> Result<Histogram<u64>, HarnessError> {
    Histogram::new_with_bounds(1, 3_600_000_000_000, 3)
        .map_err(|e| HarnessError::BadSettings(format!("latency histogram: {e}")))
}

/// Records a latency, saturating at the histogram's bounds.
pub(crate) fn record(hist: &mut Histogram<u64>, latency: Duration) {
    let ns = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX).max(1);
    hist.saturating_record(ns);
}
