//! The boundary between the harness and a workload, in the spirit of MLPerf
//! LoadGen's system-under-test / sample-library split: the harness only ever
//! asks a prepared workload to run samples by index, and to score itself.

pub mod answers;
pub mod batch_split;
#[cfg(test)]
mod batch_split_tests;
pub mod error;
pub mod metrics;
pub mod training;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::WorkloadError;

/// Checks that every named count is at least 1, naming the first that is not.
pub fn require_positive(values: &[(&'static str, usize)]) -> Result<(), (&'static str, String)> {
    match values.iter().find(|(_, v)| *v == 0) {
        Some((name, _)) => Err((name, "must be at least 1".into())),
        None => Ok(()),
    }
}

/// Static description of a workload, for `wattbench list` and for results.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct WorkloadInfo {
    /// Stable identifier used in suite files, e.g. `load-forecast`.
    pub id: String,
    /// Energy sector, e.g. `electricity`.
    pub sector: String,
    /// The task in a few words.
    pub task: String,
    /// The model family in a few words.
    pub model: String,
    /// The quality metric and how its gate is defined.
    pub quality_gate: String,
    /// Trainable parameters at the default (quick) size.
    pub parameters: u64,
    /// FLOPs per sample of one forward pass at the default (quick) size.
    pub flops_per_sample: u64,
}

/// What a prepared model is, measured from the model itself.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ModelCard {
    /// Number of trainable parameters.
    pub parameters: u64,
    /// Floating-point operations per sample of one forward pass (multiply-add = 2).
    pub flops_per_sample: u64,
    /// Compulsory bytes per sample: its input read and its output written (f32).
    #[serde(default)]
    pub bytes_per_sample: u64,
    /// Shape of one sample's input, outermost first.
    pub input_shape: Vec<usize>,
    /// Shape of one sample's output.
    pub output_shape: Vec<usize>,
    /// Where the weights came from: a file with its sha256, or a seeded random init.
    pub weights: WeightsSource,
    /// Hyper-parameters that define the architecture, by name.
    pub architecture: BTreeMap<String, String>,
}

/// Provenance of a model's weights.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum WeightsSource {
    /// Initialised at random from a seed (quality is then not meaningful).
    RandomInit {
        /// The seed of the initialisation.
        seed: u64,
    },
    /// Reference weights compiled into the binary (`reference:NAME`).
    Reference {
        /// Reference name.
        name: String,
        /// sha256 of the record's bytes.
        sha256: String,
    },
    /// Loaded from a file.
    File {
        /// Path as given.
        path: String,
        /// sha256 of the file's bytes.
        sha256: String,
    },
}

/// Where the data of a run came from, for provenance.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DataCard {
    /// A human description, e.g. `synthetic load, seed 42, 17520 h` or a file path.
    pub source: String,
    /// sha256 of the data as used (generated values, or the file's bytes).
    pub sha256: String,
    /// Samples available to the performance run.
    pub performance_samples: usize,
    /// Samples in the held-out test split scored by the accuracy pass.
    pub test_samples: usize,
}

/// The outcome of an accuracy pass over the held test split.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct QualityReport {
    /// Metric name, e.g. `mape_pct` or `mse_normalised`.
    pub metric: String,
    /// Measured value of the metric on the test split.
    pub value: f64,
    /// Whether lower values are better.
    pub lower_is_better: bool,
    /// The threshold the value must meet, when the workload is gated.
    pub threshold: Option<f64>,
    /// Whether the gate passes; `None` when the workload is not gated.
    pub passes: Option<bool>,
    /// How the threshold was derived, in words.
    pub gate: String,
    /// A baseline on the same split (e.g. seasonal naive), for context.
    pub baseline: Option<f64>,
    /// Number of test samples scored.
    pub samples: usize,
    /// sha256 of the data the gate's reference was scored on (its card's
    /// `data_sha256`), when the gate is a reference's; the run's own
    /// `data.sha256` unless the run scored part of that data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate_data_sha256: Option<String>,
}

/// Token-level timings of a generative workload's batches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GenerationTally {
    /// Time to first token of every request, nanoseconds: from its arrival
    /// (server scenario) or its batch's start to the prefill's tokens on the host.
    pub ttft_ns: Vec<u64>,
    /// Every inter-token interval: one per decode step, nanoseconds.
    pub itl_ns: Vec<u64>,
    /// Prompt tokens processed (padding excluded).
    pub prompt_tokens: u64,
    /// Tokens generated.
    pub output_tokens: u64,
    /// Time spent in prefills, nanoseconds.
    pub prefill_ns: u64,
    /// Time spent in decode steps, nanoseconds.
    pub decode_ns: u64,
}

impl GenerationTally {
    /// Adds another tally's figures to this one.
    pub fn merge(&mut self, other: &GenerationTally) {
        self.ttft_ns.extend_from_slice(&other.ttft_ns);
        self.itl_ns.extend_from_slice(&other.itl_ns);
        self.prompt_tokens += other.prompt_tokens;
        self.output_tokens += other.output_tokens;
        self.prefill_ns += other.prefill_ns;
        self.decode_ns += other.decode_ns;
    }
}

/// A workload ready to run: data staged, model built and weights loaded.
///
/// Implementations own their backend; the harness sees only this trait.
pub trait PreparedWorkload {
    /// Number of distinct samples the performance run may index.
    fn sample_count(&self) -> usize;

    /// Runs one query made of the given sample indices as one batch, and
    /// returns only after the device has finished and the outputs are on the
    /// host (a device sync precedes the completion timestamp).
    fn run(&mut self, samples: &[usize]) -> Result<(), WorkloadError>;

    /// Runs one query whose sample `samples[i]` arrived at `arrivals[i]`
    /// (the server scenario's scheduled time), for workloads that time each
    /// request from its arrival (time to first token). Defaults to [`PreparedWorkload::run`].
    fn run_arrivals(&mut self, samples: &[usize], arrivals: &[std::time::Instant]) -> Result<(), WorkloadError> {
        let _ = arrivals;
        self.run(samples)
    }

    /// Waits until all work queued on the device has finished.
    fn sync(&mut self) -> Result<(), WorkloadError>;

    /// Scores the model on the held test split.
    fn accuracy(&mut self) -> Result<QualityReport, WorkloadError>;

    /// The model as prepared.
    fn model_card(&self) -> &ModelCard;

    /// The data as prepared.
    fn data_card(&self) -> &DataCard;

    /// For generative workloads: the token timings of the batches that
    /// started at or after `since`, forgetting every batch recorded so far
    /// (so warm-up batches are dropped). `None` for other workloads.
    fn take_generation(&mut self, _since: std::time::Instant) -> Option<GenerationTally> {
        None
    }

    /// For question-answering workloads: the score of the last accuracy
    /// pass (accuracy per sector, unparseable share, output tokens per
    /// correct answer). `None` for other workloads, or before the pass.
    fn answer_score(&self) -> Option<answers::AnswerScore> {
        None
    }
    /// For comparisons with other engines: the inputs of `samples` exactly as
    /// the model receives them, and the model's outputs for them. `None` for
    /// workloads without one fixed-shape input tensor (the LLM, the no-op).
    fn probe(&mut self, _samples: &[usize]) -> Option<Result<Probe, WorkloadError>> {
        None
    }
}

/// One batch's inputs and outputs, on the host (see [`PreparedWorkload::probe`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// Shape of the input tensor, batch first.
    pub input_shape: Vec<usize>,
    /// The input tensor, row-major.
    pub inputs: Vec<f32>,
    /// Shape of the output tensor, batch first.
    pub output_shape: Vec<usize>,
    /// The output tensor, row-major.
    pub outputs: Vec<f32>,
}
