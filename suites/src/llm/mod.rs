//! The model core of the LLM workload: a Llama-family decoder in Burn, its
//! loading from Hugging Face checkpoints, tokenizers, an energy-sector prompt
//! set with a seeded request generator, and batched generation that reports
//! every step (time to first token, inter-token latency).
//!
//! Build a model from a preset ([`LlamaConfig::preset`], [`Llama::new`]) or
//! a checkpoint folder ([`load_checkpoint`]), draw requests with a
//! [`RequestGenerator`], and run them with [`Llama::generate`].

pub mod attention;
pub mod cache;
pub mod checkpoint;
pub mod config;
pub mod generate;
pub mod mlp;
pub mod model;
pub mod prompts;
pub mod requests;
pub mod rope;
pub mod sampling;
pub mod tokenizer;
pub mod workload;

#[cfg(test)]
mod model_tests;
#[cfg(test)]
mod reference_tests;
#[cfg(test)]
mod test_checkpoint;

pub use cache::KvCache;
pub use checkpoint::{load_checkpoint, CheckpointInfo};
pub use config::{LlamaConfig, RopeScaling};
pub use generate::{FinishReason, GenerateParams, GenerationOutput, GenerationRequest, Phase, StepEvent};
pub use model::Llama;
pub use prompts::{Prompt, PromptCategory, PROMPTS};
pub use requests::{LengthDistribution, LlmRequest, RequestGenerator, RequestMix};
pub use sampling::Sampling;
pub use tokenizer::Tokenizer;

use crate::error::WorkloadError;

/// The workload name used in the errors of this module.
pub const WORKLOAD: &str = "llm";

/// The additive mask value of attention positions that must not be attended
/// (finite, so that a fully masked padding row stays finite).
pub(crate) const MASKED: f32 = -1.0e30;

/// An invalid model configuration.
pub(crate) fn bad_config(reason: String) -> WorkloadError {
    WorkloadError::BadParameter { workload: WORKLOAD.into(), name: "model".into(), reason }
}

/// An invalid generation request or argument.
pub(crate) fn bad_request(name: &str, reason: String) -> WorkloadError {
    WorkloadError::BadParameter { workload: WORKLOAD.into(), name: name.into(), reason }
}

/// A failure of the backend.
pub(crate) fn execution(reason: impl std::fmt::Display) -> WorkloadError {
    WorkloadError::Execution(reason.to_string())
}
