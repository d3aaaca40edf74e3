//! Registry entries of the workloads that are not a [`TensorSpec`]: each
//! module gives the registry the same five items as the generic family
//! (`ID`, `info`, `validate`, `prepare`, `train`); a workload without
//! reference training (an `untrained` entry) gives `training_refused`
//! instead of `train`.
//!
//! [`TensorSpec`]: crate::tensor_workload::TensorSpec

use std::path::Path;

use burn::tensor::backend::{AutodiffBackend, Backend};

use super::params;
use crate::error::WorkloadError;
use crate::training::{EpochReport, TrainCard, TrainOptions};
use crate::workload::PreparedWorkload;
use crate::PrepareContext;

fn bad(workload: &str, (name, reason): (&str, String)) -> WorkloadError {
    WorkloadError::BadParameter { workload: workload.into(), name: name.into(), reason }
}

fn no_training(id: &str) -> WorkloadError {
    WorkloadError::BadParameter {
        workload: id.into(),
        name: "train".into(),
        reason: "the llm workload runs presets with random weights or loads a checkpoint; it has no reference training"
            .into(),
    }
}

/// The LSTM load forecaster, with its engine choice (Burn, fused CUDA, fused CPU).
pub mod load_forecast {
    use super::*;
    use crate::load_forecast::{self as lf, LoadForecastParams};

    pub use lf::{info, ID};

    /// Checks the parameters.
    pub fn validate(value: &serde_json::Value) -> Result<(), WorkloadError> {
        params::<LoadForecastParams>(ID, value)?.check().map_err(|e| bad(ID, e))
    }

    /// Stages the forecaster on the engine its parameters name.
    pub fn prepare<B: Backend>(
        value: &serde_json::Value,
        ctx: &PrepareContext,
        device: &B::Device,
    ) -> Result<Box<dyn PreparedWorkload>, WorkloadError> {
        let p: LoadForecastParams = params(ID, value)?;
        match p.engine {
            lf::Engine::Burn => Ok(Box::new(lf::prepare::<B>(&p, ctx, device)?)),
            lf::Engine::FusedCuda => Ok(Box::new(lf::fused::prepare(&p, ctx)?)),
            lf::Engine::FusedCpu => Ok(Box::new(lf::fused_cpu::prepare(&p, ctx)?)),
        }
    }

    /// Trains the reference model.
    pub fn train<B: AutodiffBackend>(
        value: &serde_json::Value,
        ctx: &PrepareContext,
        device: &B::Device,
        options: &TrainOptions,
        out: &Path,
        progress: &mut dyn FnMut(&EpochReport),
    ) -> Result<TrainCard, WorkloadError> {
        let mut p: LoadForecastParams = params(ID, value)?;
        p.weights = None;
        lf::train::train::<B>(&p, ctx, device, options, out, progress)
    }
}

/// The fault classifier on three-phase waveforms.
pub mod fault_detect {
    use super::*;
    use crate::fault_detect::{self as fd, FaultDetectParams};

    pub use fd::{info, ID};

    /// Checks the parameters.
    pub fn validate(value: &serde_json::Value) -> Result<(), WorkloadError> {
        params::<FaultDetectParams>(ID, value)?.check().map_err(|e| bad(ID, e))
    }

    /// Stages the classifier.
    pub fn prepare<B: Backend>(
        value: &serde_json::Value,
        ctx: &PrepareContext,
        device: &B::Device,
    ) -> Result<Box<dyn PreparedWorkload>, WorkloadError> {
        Ok(Box::new(fd::prepare::<B>(&params::<FaultDetectParams>(ID, value)?, ctx, device)?))
    }

    /// Trains the reference model.
    pub fn train<B: AutodiffBackend>(
        value: &serde_json::Value,
        ctx: &PrepareContext,
        device: &B::Device,
        options: &TrainOptions,
        out: &Path,
        progress: &mut dyn FnMut(&EpochReport),
    ) -> Result<TrainCard, WorkloadError> {
        let mut p: FaultDetectParams = params(ID, value)?;
        p.weights = None;
        fd::train::train::<B>(&p, ctx, device, options, out, progress)
    }
}

/// The Llama-family decoder on energy-sector prompts.
pub mod llm {
    use super::*;
    use crate::llm::workload::{self as w, LlmParams};

    pub use w::{info, ID};

    /// Checks the parameters.
    pub fn validate(value: &serde_json::Value) -> Result<(), WorkloadError> {
        params::<LlmParams>(ID, value)?.check()
    }

    /// Stages the decoder.
    pub fn prepare<B: Backend>(
        value: &serde_json::Value,
        ctx: &PrepareContext,
        device: &B::Device,
    ) -> Result<Box<dyn PreparedWorkload>, WorkloadError> {
        Ok(Box::new(w::prepare::<B>(&params::<LlmParams>(ID, value)?, ctx, device)?))
    }

    /// Why it has no reference training.
    pub fn training_refused() -> WorkloadError {
        no_training(ID)
    }
}

/// The energy-sector question set answered by the decoder.
pub mod energy_qa {
    use super::*;
    use crate::energy_qa::llm_engine::{self as e, EnergyQaParams};

    pub use e::{info, ID};

    /// Checks the parameters.
    pub fn validate(value: &serde_json::Value) -> Result<(), WorkloadError> {
        params::<EnergyQaParams>(ID, value)?.check()
    }

    /// Stages the question set and the decoder.
    pub fn prepare<B: Backend>(
        value: &serde_json::Value,
        ctx: &PrepareContext,
        device: &B::Device,
    ) -> Result<Box<dyn PreparedWorkload>, WorkloadError> {
        Ok(Box::new(e::prepare::<B>(&params::<EnergyQaParams>(ID, value)?, ctx, device)?))
    }

    /// Why it has no reference training.
    pub fn training_refused() -> WorkloadError {
        no_training(ID)
    }
}

/// The no-op workload that measures the harness.
pub mod noop {
    use super::*;
    use crate::noop::{self as n, Noop};

    pub use n::{info, ID};

    /// It takes no parameters.
    pub fn validate(value: &serde_json::Value) -> Result<(), WorkloadError> {
        match value.as_object() {
            Some(table) if !table.is_empty() => Err(WorkloadError::BadParameter {
                workload: ID.into(),
                name: "params".into(),
                reason: "the no-op workload takes no parameters".into(),
            }),
            _ => Ok(()),
        }
    }

    /// A no-op.
    pub fn prepare<B: Backend>(
        value: &serde_json::Value,
        _ctx: &PrepareContext,
        _device: &B::Device,
    ) -> Result<Box<dyn PreparedWorkload>, WorkloadError> {
        validate(value)?;
        Ok(Box::new(Noop::new()))
    }

    /// Nothing to train: training it is asked of an unknown workload.
    pub fn training_refused() -> WorkloadError {
        WorkloadError::UnknownWorkload { id: ID.into(), known: super::super::ids().join(", ") }
    }
}
