//! The engine: what executes a run's queries. The runner's trials, peak
//! search and result assembly see only this interface, so a task can be
//! executed by Burn in this process (through the harness's scenarios) or by
//! a model served elsewhere (an OpenAI-compatible endpoint, with its own
//! load generator), measured by the same meters and judged by the same rules.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use wattbench_suites::{DataCard, GenerationTally, ModelCard, PreparedWorkload, QualityReport};

use super::sut_adapter::WorkloadSut;
use crate::endpoint::EndpointTally;
use crate::harness::{run_scenario, HarnessError, ScenarioOutcome, ScenarioSettings, WindowObserver};

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
    /// The endpoint's settings for the result (remote engines only).
    fn endpoint_settings(&self) -> Option<crate::results::EndpointSettings> {
        None
    }
    /// A question set's score from the last accuracy pass (question-answering engines only).
    fn answer_score(&self) -> Option<wattbench_suites::energy_qa::AnswerScore> {
        None
    }
}

/// Passes the window's edges on, remembering when it opened.
struct MarkOpen<'a> {
    inner: &'a mut dyn WindowObserver,
    opened: Option<Instant>,
}

impl WindowObserver for MarkOpen<'_> {
    fn open(&mut self) -> Result<(), HarnessError> {
        self.opened = Some(Instant::now());
        self.inner.open()
    }
    fn close(&mut self) -> Result<(), HarnessError> {
        self.inner.close()
    }
}

/// A workload staged in this process on a Burn backend, driven by the harness.
pub struct InProcess(pub Box<dyn PreparedWorkload>);

impl Engine for InProcess {
    fn run_window(
        &mut self,
        settings: &ScenarioSettings,
        observer: &mut dyn WindowObserver,
        stop: &AtomicBool,
    ) -> Result<EngineWindow, HarnessError> {
        let mut marked = MarkOpen { inner: observer, opened: None };
        let outcome = run_scenario(&mut WorkloadSut(self.0.as_mut()), settings, &mut marked, stop)?;
        let generation = marked.opened.and_then(|since| self.0.take_generation(since));
        Ok(EngineWindow { outcome, generation, endpoint: None })
    }

    fn accuracy(&mut self) -> Result<QualityReport, String> {
        self.0.accuracy().map_err(|e| e.to_string())
    }

    fn model_card(&self) -> &ModelCard {
        self.0.model_card()
    }

    fn data_card(&self) -> &DataCard {
        self.0.data_card()
    }

    fn answer_score(&self) -> Option<wattbench_suites::energy_qa::AnswerScore> {
        self.0.answer_score()
    }
}
