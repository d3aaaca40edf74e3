//! The shape of a suite file.

use serde::Deserialize;
use toml::Spanned;

use crate::backend::Precision;
use crate::harness::Scenario;

/// A whole suite file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Suite name, used in result folder names.
    pub name: String,
    /// One line on what the suite is for.
    #[serde(default)]
    pub description: String,
    /// Values every run inherits unless it sets its own.
    #[serde(default)]
    pub defaults: Defaults,
    /// The runs, each expanded over its lists.
    #[serde(default)]
    pub run: Vec<RunEntry>,
}

/// Settings shared by the runs of a suite; each may be overridden per run.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Devices (`auto`, `cpu`, `cuda:N`).
    pub devices: Option<Vec<Spanned<String>>>,
    /// Precisions (`f32`, `f16`, `bf16`).
    pub precisions: Option<Vec<Precision>>,
    /// Untimed warm-up, seconds.
    pub warmup_s: Option<Spanned<f64>>,
    /// Minimum measured window, seconds.
    pub min_duration_s: Option<Spanned<f64>>,
    /// Minimum queries in the window.
    pub min_queries: Option<Spanned<u64>>,
    /// Idle power measurement before each run, seconds (only where energy is measured).
    pub idle_s: Option<Spanned<f64>>,
    /// Seed of the sample order.
    pub seed: Option<u64>,
    /// Repeated trials per configuration.
    pub trials: Option<Spanned<u64>>,
    /// Pause before each trial (jittered ±50%, seeded), seconds.
    pub cooldown_s: Option<Spanned<f64>>,
    /// Server scenario: mean arrival rate, queries per second.
    pub target_qps: Option<Spanned<f64>>,
    /// Server scenario: the p99 latency bound, milliseconds.
    pub latency_bound_ms: Option<Spanned<f64>>,
}

/// One `[[run]]` table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunEntry {
    /// The task's (workload's) id; `task` is the same field.
    #[serde(alias = "task")]
    pub workload: Spanned<String>,
    /// The engine that executes the task (`burn` when absent; see `engine_choice`).
    #[serde(default)]
    pub engine: Option<Spanned<String>>,
    /// Scenarios to run.
    pub scenarios: Spanned<Vec<Scenario>>,
    /// Batch sizes (samples per query).
    #[serde(default)]
    pub batch_sizes: Option<Spanned<Vec<usize>>>,
    /// Workload parameters, checked by the workload itself.
    #[serde(default)]
    pub params: Option<Spanned<toml::Table>>,
    /// Devices for this run (overrides the defaults).
    pub devices: Option<Vec<Spanned<String>>>,
    /// Precisions for this run.
    pub precisions: Option<Vec<Precision>>,
    /// Untimed warm-up, seconds.
    pub warmup_s: Option<Spanned<f64>>,
    /// Minimum measured window, seconds.
    pub min_duration_s: Option<Spanned<f64>>,
    /// Minimum queries in the window.
    pub min_queries: Option<Spanned<u64>>,
    /// Idle power measurement before the run, seconds.
    pub idle_s: Option<Spanned<f64>>,
    /// Seed of the sample order.
    pub seed: Option<u64>,
    /// Repeated trials per configuration.
    pub trials: Option<Spanned<u64>>,
    /// Pause before each trial, seconds.
    pub cooldown_s: Option<Spanned<f64>>,
    /// Server scenario: mean arrival rate, queries per second.
    pub target_qps: Option<Spanned<f64>>,
    /// Server scenario: the p99 latency bound, milliseconds.
    pub latency_bound_ms: Option<Spanned<f64>>,
}

impl RunEntry {
    /// This run's own settings, in the shape of the suite's defaults.
    /// (serde cannot flatten into a struct that denies unknown fields.)
    pub fn overrides(&self) -> Defaults {
        Defaults {
            devices: self.devices.clone(),
            precisions: self.precisions.clone(),
            warmup_s: self.warmup_s.clone(),
            min_duration_s: self.min_duration_s.clone(),
            min_queries: self.min_queries.clone(),
            idle_s: self.idle_s.clone(),
            seed: self.seed,
            trials: self.trials.clone(),
            cooldown_s: self.cooldown_s.clone(),
            target_qps: self.target_qps.clone(),
            latency_bound_ms: self.latency_bound_ms.clone(),
        }
    }
}
