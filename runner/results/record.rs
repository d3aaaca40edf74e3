//! The schema of one result file. Units are in field names.

use serde::{Deserialize, Serialize};
use wattbench_workloads::{DataCard, ModelCard, QualityReport};

use super::Provenance;
use crate::device::DeviceState;
use crate::energy::{EnergyReport, IdleMeasurement};
use crate::stats::uncertainty::Spread;
use crate::stats::LatencySummary;
use crate::validity::Verdict;

/// Version of this schema; bumped on any incompatible change.
/// 2: repeated trials, verdicts, intervals, the server scenario.
pub const SCHEMA_VERSION: u32 = 3;

/// The oldest result schema this version still reads: schema 2 lacks only
/// `engine`, which reading infers (see `RunRecord::infer_engine`).
pub const OLDEST_READABLE_SCHEMA: u32 = 2;

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
    /// The task's (workload's) id.
    pub workload: String,
    /// The engine that executed the task's queries: `burn` (on `backend`),
    /// `fused-cuda`, `fused-cpu` or `openai` (schema 3; inferred when a
    /// schema-2 file is read).
    #[serde(default)]
    pub engine: String,
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
    /// Samples (inferences) per second: the mean over trials.
    pub throughput_per_s: f64,
    /// 95% bootstrap interval of that mean (null with one trial).
    pub throughput_ci95_per_s: Option<[f64; 2]>,
    /// Per-query latency over every trial, nanoseconds, with the serialised HDR histogram.
    pub latency_ns: LatencySummary,
    /// The latency percentile bounded with MLPerf's early-stopping rule.
    pub latency_early_stopping: EarlyStoppingEstimate,
    /// VALID or INVALID, with every failed rule, its bound and its fix.
    pub verdict: Verdict,
    /// Each trial on its own.
    pub trials: Vec<TrialRecord>,
    /// Spread of the per-trial figures.
    pub trial_stats: TrialStats,
    /// Server scenario figures (null for other scenarios).
    pub server: Option<ServerStats>,
    /// Token-level figures of a generative workload (absent for others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<super::GenerationRecord>,
    /// A question-answering run's score and joules per correct answer (absent for others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<super::AnswersRecord>,
    /// An endpoint run: how it was called, failures by kind, TPOT (absent for in-process runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<super::EndpointRecord>,
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
    /// Result files this record was merged from (`wattbench merge`); empty for a run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
    /// Where each merged result ran, with its own figures (`wattbench merge`); empty for a run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shards: Vec<super::ShardSource>,
}

impl RunRecord {
    /// The result file's name: `NN-workload-scenario-device-precision-bN{suffix}.json`,
    /// each part from the record sanitised and length-bounded, so that the
    /// name is one path component whatever a (possibly hostile) file held.
    pub fn file_name(&self, index: usize, suffix: &str) -> String {
        let part = |s: &str| super::safe_component(s, 64);
        format!(
            "{index:02}-{}-{}-{}-{}-b{}{}.json",
            part(&self.workload),
            part(&self.scenario),
            part(&self.device.replace(':', "")),
            part(&self.precision),
            self.batch_size,
            part(suffix)
        )
    }
}

/// Achieved compute, from the model's FLOPs per sample and the throughput.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Performance {
    /// FLOPs of one sample's forward pass.
    pub flops_per_sample: u64,
    /// FLOPs per second achieved over the window.
    pub achieved_flops_per_s: f64,
    /// Compulsory memory traffic per second: each sample's input and output,
    /// and the weights once per query.
    #[serde(default)]
    pub achieved_bytes_per_s: f64,
    /// The run on its device's roofline (null when the device was never calibrated).
    #[serde(default)]
    pub roofline: Option<crate::calibration::Roofline>,
    /// Why there is no roofline, when there is none.
    #[serde(default)]
    pub roofline_note: Option<String>,
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
    /// Trials of this configuration.
    pub trials: usize,
    /// Pause before each trial after the first, seconds (jittered ±50%).
    pub cooldown_s: f64,
}

/// One trial of a configuration.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TrialRecord {
    /// 0-based trial index.
    pub trial: usize,
    /// Queries in the window.
    pub queries: u64,
    /// Samples in the window.
    pub samples: u64,
    /// Window length, seconds.
    pub duration_s: f64,
    /// Samples per second in this trial.
    pub throughput_per_s: f64,
    /// Median latency of this trial, nanoseconds.
    pub latency_p50_ns: u64,
    /// 99th percentile latency of this trial, nanoseconds.
    pub latency_p99_ns: u64,
    /// Pause before the trial, seconds.
    pub cooldown_s: f64,
    /// Idle measured just before the trial.
    pub idle_before: Option<IdleMeasurement>,
    /// Idle measured just after the trial.
    pub idle_after: Option<IdleMeasurement>,
    /// Device state when the window opened.
    pub device_start: Option<DeviceState>,
    /// Device state when the window closed.
    pub device_end: Option<DeviceState>,
    /// This trial's energy (idle: the mean of before and after).
    pub energy: EnergyReport,
}

/// The spread of the per-trial figures.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TrialStats {
    /// Throughput across trials.
    pub throughput_per_s: Spread,
    /// Gross J/inference across trials (null when unmeasured).
    pub j_per_inference: Option<Spread>,
    /// Net J/inference across trials (null when unmeasured).
    pub net_j_per_inference: Option<Spread>,
}

impl RunRecord {
    /// The engine a schema-2 record ran on, which it did not record: the
    /// endpoint's when it has an endpoint section, a fused engine's when its
    /// backend names one, else Burn.
    pub fn infer_engine(&self) -> String {
        if self.endpoint.is_some() {
            return "openai".into();
        }
        match self.backend.as_str() {
            b @ ("fused-cuda" | "fused-cpu") => b.into(),
            _ => "burn".into(),
        }
    }
}

/// A latency percentile bounded at a confidence by MLPerf's early-stopping rule.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EarlyStoppingEstimate {
    /// The percentile (0.99).
    pub percentile: f64,
    /// The confidence (0.99).
    pub confidence: f64,
    /// Queries timed.
    pub queries: u64,
    /// Queries needed before any bound exists.
    pub queries_needed: u64,
    /// The bound, nanoseconds; null when too few queries were timed.
    pub latency_ns: Option<u64>,
}

/// The server scenario's own figures.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ServerStats {
    /// Mean arrival rate asked for, queries per second.
    pub target_qps: f64,
    /// Queries served per second of window.
    pub achieved_qps: f64,
    /// The latency bound, nanoseconds.
    pub latency_bound_ns: u64,
    /// How late the scheduler issued queries after their scheduled times.
    pub scheduler_lateness_ns: LatencySummary,
    /// Every probe of a `--find-peak` search (empty otherwise).
    pub peak_search: Vec<PeakProbe>,
}

/// One probe of a peak search.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PeakProbe {
    /// Rate tried, queries per second.
    pub target_qps: f64,
    /// Rate served.
    pub achieved_qps: f64,
    /// Early-stopping p99 latency, nanoseconds.
    pub p99_ns: Option<u64>,
    /// Whether the probe was VALID.
    pub valid: bool,
    /// An endpoint run with objectives: requests meeting them per second (the search's figure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goodput_per_s: Option<f64>,
}
