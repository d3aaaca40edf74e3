//! The load forecaster run by the fused CPU engine (`engine = "fused-cpu"`,
//! `kernels/src/rnn_cpu.rs`) instead of Burn: the same weights (exported
//! from the Burn model), the same data, the same quality pass.

use burn::backend::flex::FlexDevice;
use burn::backend::Flex;
use wattbench_kernels::rnn_cpu::FusedRnnCpu;

use super::params::LoadForecastParams;
use super::prepared::build_model;
use super::staging::{stage, Staged};
use crate::error::WorkloadError;
use crate::workload::{DataCard, ModelCard, PreparedWorkload, Probe, QualityReport};
use crate::PrepareContext;

/// What results name this engine.
pub const ENGINE: &str = "fused-cpu (kernels/src/rnn_cpu.rs)";

/// The fused CPU engine, staged and ready.
pub struct PreparedFusedCpuLoadForecast {
    engine: FusedRnnCpu,
    staged: Staged,
    model_card: ModelCard,
    data_card: DataCard,
    batch: Vec<f32>,
}

fn execution(e: impl std::fmt::Display) -> WorkloadError {
    WorkloadError::Execution(e.to_string())
}

/// Stages the workload for the fused CPU engine.
pub fn prepare(p: &LoadForecastParams, ctx: &PrepareContext) -> Result<PreparedFusedCpuLoadForecast, WorkloadError> {
    // On a CUDA device the GPU's meter would measure a GPU that does no work.
    if ctx.cuda_ordinal.is_some() {
        return Err(WorkloadError::BadParameter {
            workload: super::ID.into(),
            name: "engine".into(),
            reason: "the fused CPU engine runs only on the CPU (use --device cpu)".into(),
        });
    }
    let staged = stage(p, ctx)?;
    let (model, weights) = build_model::<Flex>(p, &staged, ctx, &FlexDevice)?;
    let engine = FusedRnnCpu::from_lstm(&model.export().map_err(execution)?).map_err(execution)?;
    let mut model_card = staged.model_card(weights);
    model_card.architecture.insert("engine".into(), ENGINE.into());
    let data_card = staged.data_card();
    Ok(PreparedFusedCpuLoadForecast { engine, staged, model_card, data_card, batch: Vec::new() })
}

impl PreparedFusedCpuLoadForecast {
    fn forecast(&mut self, from_test: bool, indices: &[usize]) -> Result<Vec<f32>, WorkloadError> {
        let [n, steps, _] = self.staged.gather(from_test, indices, &mut self.batch);
        self.engine.forward(&self.batch, n, steps).map_err(execution)
    }
}

impl PreparedWorkload for PreparedFusedCpuLoadForecast {
    fn sample_count(&self) -> usize {
        self.staged.performance.n
    }

    fn run(&mut self, samples: &[usize]) -> Result<(), WorkloadError> {
        self.forecast(false, samples).map(|_| ())
    }

    fn sync(&mut self) -> Result<(), WorkloadError> {
        // The engine returns only when the outputs are on the host.
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

    fn probe(&mut self, samples: &[usize]) -> Option<Result<Probe, WorkloadError>> {
        let outputs = match self.forecast(false, samples) {
            Ok(o) => o,
            Err(e) => return Some(Err(e)),
        };
        let inputs = self.batch.clone();
        let input_shape = vec![samples.len(), self.staged.performance.input_len, self.staged.performance.features];
        let output_shape = vec![samples.len(), outputs.len() / samples.len().max(1)];
        Some(Ok(Probe { input_shape, inputs, output_shape, outputs }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load_forecast::params::Engine;

    fn quick(engine: Engine) -> LoadForecastParams {
        LoadForecastParams {
            weights: Some("reference:load-forecast-quick".into()),
            engine,
            ..LoadForecastParams::default()
        }
    }

    #[test]
    fn the_fused_cpu_engine_gives_burns_outputs_and_quality() {
        let ctx = PrepareContext::default();
        let mut fused = prepare(&quick(Engine::FusedCpu), &ctx).unwrap();
        let mut burn = super::super::prepare::<Flex>(&quick(Engine::Burn), &ctx, &FlexDevice).unwrap();
        let samples: Vec<usize> = (0..37).collect();
        let a = fused.probe(&samples).unwrap().unwrap();
        let b = burn.probe(&samples).unwrap().unwrap();
        assert_eq!(a.inputs, b.inputs);
        assert_eq!(a.output_shape, b.output_shape);
        let worst = a.outputs.iter().zip(&b.outputs).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
        assert!(worst < 1e-5, "largest difference {worst}");
        let (qa, qb) = (fused.accuracy().unwrap(), burn.accuracy().unwrap());
        assert!((qa.value - qb.value).abs() <= 1e-5 * qb.value.abs(), "metric {} vs {}", qa.value, qb.value);
        assert_eq!(fused.model_card().architecture.get("engine").map(String::as_str), Some(ENGINE));
    }
}
