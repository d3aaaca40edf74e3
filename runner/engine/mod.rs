//! The engine: what executes a run's queries. The runner's trials, peak
//! search and result assembly see only this interface, so a task can be
//! executed by Burn in this process (through the harness's scenarios) or by
//! a model served elsewhere (an OpenAI-compatible endpoint, with its own
//! load generator), measured by the same meters and judged by the same rules.

use std::sync::atomic::AtomicBool;

use wattbench_workloads::{DataCard, GenerationTally, ModelCard, QualityReport};

use crate::endpoint::{EndpointSettings, EndpointTally};
use crate::harness::{HarnessError, ScenarioOutcome, ScenarioSettings, WindowObserver};

mod endpoint;
mod in_process;
mod workload_sut;

pub use endpoint::EndpointEngine;
pub use in_process::InProcess;
pub use workload_sut::WorkloadSut;

/// What one measured window of an engine produced.
pub struct EngineWindow {
    /// The window as the harness measures it (queries, latency, duration).
    pub outcome: ScenarioOutcome,
    /// Token timings of a generative engine.
    pub generation: Option<GenerationTally>,
    /// An endpoint's own figures (failures by kind, TPOT, token sources).
    pub endpoint: Option<EndpointTally>,
}

/// Executes a run's queries, one measured window at a time.
pub trait Engine {
    /// Runs warm-up and one measured window, calling `observer` at the window's exact edges.
    fn run_window(
        &mut self,
        settings: &ScenarioSettings,
        observer: &mut dyn WindowObserver,
        stop: &AtomicBool,
    ) -> Result<EngineWindow, HarnessError>;
    /// Scores the model's quality.
    fn accuracy(&mut self) -> Result<QualityReport, String>;
    /// The model as prepared.
    fn model_card(&self) -> &ModelCard;
    /// The data as prepared.
    fn data_card(&self) -> &DataCard;
    /// The engine's name in results, when it is not the device's Burn backend.
    fn backend_name(&self) -> Option<String> {
        None
    }
    /// Why the local device's meter says nothing about this engine's energy
    /// (it runs elsewhere); `None` when the local meter measures it.
    fn unmetered_here(&self) -> Option<String> {
        None
    }
    /// The meter of the GPUs that serve a remote engine, when the suite names
    /// them: `None` when it names none (the energy is then unmeasured here).
    fn serving_meter(&self) -> Option<Result<Box<dyn crate::energy::EnergyMeter>, String>> {
        None
    }
    /// The endpoint's settings for the result (remote engines only).
    fn endpoint_settings(&self) -> Option<EndpointSettings> {
        None
    }
    /// A question set's score from the last accuracy pass (question-answering engines only).
    fn answer_score(&self) -> Option<wattbench_workloads::energy_qa::AnswerScore> {
        None
    }
}
