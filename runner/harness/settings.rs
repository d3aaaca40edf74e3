//! Scenarios and the rules a run must follow.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::HarnessError;

/// How queries are issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// Closed loop: one query after another; latency is the figure.
    SingleStream,
    /// All samples at once, in batches; throughput is the figure.
    Offline,
    /// Poisson arrivals at a target rate; latency from the scheduled time.
    Server,
}

impl Scenario {
    /// The name used in suite files and results.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::SingleStream => "single-stream",
            Scenario::Offline => "offline",
            Scenario::Server => "server",
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The rules of one scenario run.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioSettings {
    /// Which scenario.
    pub scenario: Scenario,
    /// Samples per query.
    pub batch_size: usize,
    /// Untimed warm-up, by duration (at least one query is always issued).
    pub warmup: Duration,
    /// The measured window lasts at least this long.
    pub min_duration: Duration,
    /// The measured window holds at least this many queries.
    pub min_queries: u64,
    /// Seed of the sample order (and of the server's arrival schedule).
    pub seed: u64,
    /// Server scenario: mean arrival rate, queries per second.
    pub target_qps: Option<f64>,
}

impl ScenarioSettings {
    /// Rejects settings that cannot produce a measurement.
    pub fn check(&self) -> Result<(), HarnessError> {
        if self.batch_size == 0 {
            return Err(HarnessError::BadSettings("batch size must be at least 1".into()));
        }
        if self.min_queries == 0 {
            return Err(HarnessError::BadSettings("min_queries must be at least 1".into()));
        }
        if self.scenario == Scenario::Server {
            match self.target_qps {
                Some(r) if r.is_finite() && r > 0.0 => {}
                _ => return Err(HarnessError::BadSettings("the server scenario needs a positive target_qps".into())),
            }
        }
        Ok(())
    }
}
