//! The load forecaster run by the fused CUDA reference kernel instead of
//! Burn: the same weights (exported from the Burn model), the same data and
//! the same quality pass, so that Burn's latency and joules per inference
//! can be set beside the physical-limit reference in one suite.

use burn::backend::flex::FlexDevice;
use burn::backend::Flex;
use wattbench_kernels::cuda::{CudaDeviceHandle, FusedLstm};

use super::params::LoadForecastParams;
use super::prepared::build_model;
use super::staging::{stage, Staged};
use crate::error::WorkloadError;
use crate::workload::{DataCard, ModelCard, PreparedWorkload, QualityReport};
use crate::PrepareContext;

/// The fused kernel, staged and ready.
pub struct PreparedFusedLoadForecast {
    lstm: FusedLstm,
    staged: Staged,
    model_card: ModelCard,
    data_card: DataCard,
    batch: Vec<f32>,
}

fn execution(e: impl std::fmt::Display) -> WorkloadError {
    WorkloadError::Execution(e.to_string())
}

/// Stages the workload for the fused kernel on CUDA device `ctx.cuda_ordinal`.
pub fn prepare(p: &LoadForecastParams, ctx: &PrepareContext) -> Result<PreparedFusedLoadForecast, WorkloadError> {
    let ordinal = ctx.cuda_ordinal.ok_or_else(|| WorkloadError::BadParameter {
        workload: super::ID.into(),
        name: "engine".into(),
        reason: "the fused kernel runs only on a CUDA device (use --device cuda:N)".into(),
    })?;
    let staged = stage(p, ctx)?;
    // The weights come from the Burn model (random or loaded), built on the CPU.
    let (model, weights) = build_model::<Flex>(p, &staged, ctx, &FlexDevice)?;
    let exported = model.export().map_err(execution)?;
    let device = CudaDeviceHandle::open(ordinal).map_err(execution)?;
    let lstm = FusedLstm::new(&device, &exported).map_err(execution)?;
    let mut model_card = staged.model_card(weights);
    model_card.architecture.insert("engine".into(), "fused-cuda (kernels/cuda/lstm_fused.cu)".into());
    let data_card = staged.data_card();
    Ok(PreparedFusedLoadForecast { lstm, staged, model_card, data_card, batch: Vec::new() })
}

impl PreparedFusedLoadForecast {
    fn forecast(&mut self, from_test: bool, indices: &[usize]) -> Result<Vec<f32>, WorkloadError> {
        let [n, steps, _] = self.staged.gather(from_test, indices, &mut self.batch);
        self.lstm.forward(&self.batch, n, steps).map_err(execution)
    }
}

impl PreparedWorkload for PreparedFusedLoadForecast {
    fn sample_count(&self) -> usize {
        self.staged.performance.n
    }

    fn run(&mut self, samples: &[usize]) -> Result<(), WorkloadError> {
        self.forecast(false, samples).map(|_| ())
    }

    fn sync(&mut self) -> Result<(), WorkloadError> {
        // `forward` copies the outputs back, which waits for the kernel.
        Ok(())
    }

    fn accuracy(&mut self) -> Result<QualityReport, WorkloadError> {
        let pred = Staged::accuracy_pass(self.staged.test.n, |chunk| self.forecast(true, chunk))?;
        self.staged.quality(&pred)
    }

    fn model_card(&self) -> &ModelCard {
        &self.model_card
    }

    fn data_card(&self) -> &DataCard {
        &self.data_card
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fused_engine_needs_a_cuda_device() {
        let err = prepare(&LoadForecastParams::default(), &PrepareContext::default()).err().unwrap();
        assert!(err.to_string().contains("the fused kernel runs only on a CUDA device"), "{err}");
    }
}
