//! A workload staged in this process on a Burn backend (or a fused kernel
//! it drives itself), executed through the harness's scenarios.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use wattbench_workloads::{DataCard, ModelCard, PreparedWorkload, QualityReport};

use super::workload_sut::WorkloadSut;
use super::{Engine, EngineWindow};
use crate::harness::{run_scenario, HarnessError, ScenarioSettings, WindowObserver};

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

    fn answer_score(&self) -> Option<wattbench_workloads::energy_qa::AnswerScore> {
        self.0.answer_score()
    }
}
