//! The schema of one result file. Units are in field names.

use serde::{Deserialize, Serialize};
use wattbench_suites::{DataCard, ModelCard, QualityReport};

use super::Provenance;
use crate::energy::EnergyReport;
use crate::stats::LatencySummary;

/// Version of this schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// One run's result.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunRecord {
    /// Version of the result schema.
    pub schema_version: u32,
    /// Suite name.
    pub suite: String,
    /// Position of this run in the suite's plan (0-based).
    pub run_index: usize,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// When the run's record was assembled (RFC 3339, UTC).
    pub finished_at: String,
    /// Workload id.
    pub workload: String,
    /// Scenario name.
    pub scenario: String,
    /// Device used (`cpu`, `cuda:0`).
    pub device: String,
    /// Burn backend.
    pub backend: String,
    /// Numeric precision.
    pub precision: String,
    /// Samples per query.
    pub batch_size: usize,
    /// Samples completed in the measured window.
    pub samples: u64,
    /// Queries completed in the measured window.
    pub queries: u64,
    /// Length of the measured window, seconds.
    pub duration_s: f64,
    /// Samples (inferences) per second over the window.
    pub throughput_per_s: f64,
    /// Per-query latency, nanoseconds, with the serialised HDR histogram.
    pub latency_ns: LatencySummary,
    /// Energy over the measured window.
    pub energy: EnergyReport,
    /// Quality on the held test split.
    pub quality: QualityReport,
    /// Compute actually achieved.
    pub performance: Performance,
    /// The untimed warm-up.
    pub warmup: Warmup,
    /// The rules the run followed.
    pub settings: RunSettings,
    /// The model as run.
    pub model: ModelCard,
    /// The data as run.
    pub data: DataCard,
    /// Where and with what the run happened.
    pub provenance: Provenance,
}

/// Achieved compute, from the model's FLOPs per sample and the throughput.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Performance {
    /// FLOPs of one sample's forward pass.
    pub flops_per_sample: u64,
    /// FLOPs per second achieved over the window.
    pub achieved_flops_per_s: f64,
}

/// The untimed warm-up before the window.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Warmup {
    /// Queries issued.
    pub queries: u64,
    /// How long it lasted, seconds.
    pub duration_s: f64,
}

/// The scenario rules in force.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RunSettings {
    /// Minimum window, seconds.
    pub min_duration_s: f64,
    /// Minimum queries in the window.
    pub min_queries: u64,
    /// Warm-up asked for, seconds.
    pub warmup_s: f64,
    /// Idle measurement asked for, seconds (skipped when energy is unmeasured).
    pub idle_s: f64,
    /// Seed of the sample order.
    pub seed: u64,
}
