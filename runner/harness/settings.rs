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
        if self.batch_size > MAX_BATCH_SIZE {
            return Err(HarnessError::BadSettings(format!(
                "batch size {} is more than {MAX_BATCH_SIZE} samples per query; use a smaller batch",
                self.batch_size
            )));
        }
        if self.min_queries == 0 {
            return Err(HarnessError::BadSettings("min_queries must be at least 1".into()));
        }
        if self.scenario == Scenario::Server {
            let rate = match self.target_qps {
                Some(r) if r.is_finite() && r > 0.0 => r,
                _ => return Err(HarnessError::BadSettings("the server scenario needs a positive target_qps".into())),
            };
            let needed_s = self.min_duration.as_secs_f64().max(self.min_queries as f64 / rate);
            let limit = self.server_schedule_limit();
            if needed_s > limit.as_secs_f64() {
                return Err(HarnessError::BadSettings(format!(
                    "target_qps {rate} needs about {needed_s:.0} s to issue min_queries {}, longer than the server \
                     scenario's limit of {:.0} s (twice min_duration_s, at least 60 s): raise target_qps, lower \
                     min_queries or raise min_duration_s",
                    self.min_queries,
                    limit.as_secs_f64()
                )));
            }
        }
        Ok(())
    }

    /// The longest a server run's arrival schedule may last: twice the
    /// minimum duration, and at least [`MIN_SERVER_SCHEDULE_LIMIT`].
    pub fn server_schedule_limit(&self) -> Duration {
        (self.min_duration * 2).max(MIN_SERVER_SCHEDULE_LIMIT)
    }
}

/// The largest batch a query may hold: 16 times the largest of any built-in
/// suite. A larger one grows memory past what any workload here needs (and a
/// failed allocation aborts the whole process), so it is refused up front.
pub const MAX_BATCH_SIZE: usize = 65_536;

/// A server run's schedule may always last this long, whatever its minimum duration.
pub const MIN_SERVER_SCHEDULE_LIMIT: Duration = Duration::from_secs(60);
