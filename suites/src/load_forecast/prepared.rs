//! The load-forecast workload on a Burn backend: the model on the device,
//! windows on the host.

use crate::weights::load_weights;
use burn::tensor::backend::Backend;
use burn::tensor::{Tensor, TensorData};

use super::model::{LoadForecaster, PackedForecaster};
use super::params::LoadForecastParams;
use super::staging::{stage, Staged};
use crate::batch_split::{Replica, Workers};
use crate::error::WorkloadError;
use crate::workload::{DataCard, ModelCard, PreparedWorkload, Probe, QualityReport, WeightsSource};
use crate::PrepareContext;

/// The load forecaster ready to run on backend `B`.
pub struct PreparedLoadForecast<B: Backend> {
    /// The model and its packed form (what runs use, where the model
    /// packs), one replica per worker a batch is split across.
    workers: Workers<Replica<LoadForecaster<B>, PackedForecaster<B>>>,
    device: B::Device,
    staged: Staged,
    model_card: ModelCard,
    data_card: DataCard,
}

/// Builds the model for `p` on `device` with its weights (random or loaded).
pub(crate) fn build_model<B: Backend>(
    p: &LoadForecastParams,
    staged: &Staged,
    ctx: &PrepareContext,
    device: &B::Device,
) -> Result<(LoadForecaster<B>, WeightsSource), WorkloadError> {
    B::seed(device, p.seed);
    let model = LoadForecaster::<B>::new(&staged.shape, device);
    match &p.weights {
        Some(spec) => load_weights(model, spec, ctx, device),
        None => Ok((model, WeightsSource::RandomInit { seed: p.seed })),
    }
}

/// Stages data and model for a run of the load-forecast workload.
pub fn prepare<B: Backend>(
    p: &LoadForecastParams,
    ctx: &PrepareContext,
    device: &B::Device,
) -> Result<PreparedLoadForecast<B>, WorkloadError> {
    let staged = stage(p, ctx)?;
    let (model, weights) = build_model::<B>(p, &staged, ctx, device)?;
    let model_card = staged.model_card(weights);
    let data_card = staged.data_card();
    let packs = ctx.packs_layers();
    Ok(PreparedLoadForecast {
        workers: Workers::of_model(ctx.workers(), model, |m| if packs { m.packed() } else { None }),
        device: device.clone(),
        staged,
        model_card,
        data_card,
    })
}

impl<B: Backend> PreparedLoadForecast<B> {
    /// Forward pass over `indices` of the test or performance set, outputs copied back to the host.
    /// The batch is split across the workers.
    fn forecast(&mut self, from_test: bool, indices: &[usize]) -> Result<Vec<f32>, WorkloadError> {
        let (staged, device) = (&self.staged, &self.device);
        self.workers.run(indices, |replica, slice| {
            let shape = staged.gather(from_test, slice, &mut replica.staging);
            let data = TensorData::new(std::mem::take(&mut replica.staging), shape);
            let input = Tensor::<B, 3>::from_data(data, device);
            let output = match &replica.packed {
                Some(packed) => packed.forward(input),
                None => replica.model.forward(input),
            };
            let host = output.try_into_data().map_err(|e| WorkloadError::Execution(format!("{e:?}")))?;
            host.convert::<f32>().into_vec::<f32>().map_err(|e| WorkloadError::Execution(format!("{e:?}")))
        })
    }
}

impl<B: Backend> PreparedWorkload for PreparedLoadForecast<B> {
    fn sample_count(&self) -> usize {
        self.staged.performance.n
    }

    fn run(&mut self, samples: &[usize]) -> Result<(), WorkloadError> {
        self.forecast(false, samples).map(|_| ())
    }

    fn sync(&mut self) -> Result<(), WorkloadError> {
        B::sync(&self.device).map_err(|e| WorkloadError::Execution(format!("{e:?}")))
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
        let mut inputs = Vec::new();
        let input_shape = self.staged.gather(false, samples, &mut inputs).to_vec();
        let outputs = match self.forecast(false, samples) {
            Ok(o) => o,
            Err(e) => return Some(Err(e)),
        };
        let output_shape = vec![samples.len(), outputs.len() / samples.len().max(1)];
        Some(Ok(Probe { input_shape, inputs, output_shape, outputs }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::backend::Flex;

    fn quick_with(weights: Option<&str>) -> LoadForecastParams {
        LoadForecastParams { weights: weights.map(String::from), ..Default::default() }
    }

    #[test]
    fn reference_weights_pass_the_gate_on_the_quick_configuration() {
        let device = Default::default();
        let mut w =
            prepare::<Flex>(&quick_with(Some("reference:load-forecast-quick")), &PrepareContext::default(), &device)
                .unwrap();
        let q = w.accuracy().unwrap();
        assert_eq!(q.metric, "mape_pct");
        assert_eq!(q.passes, Some(true), "reference MAPE {} vs seasonal naive {:?}", q.value, q.baseline);
        assert!(matches!(w.model_card().weights, WeightsSource::Reference { .. }));
        w.run(&[0, 5, 7]).unwrap();
    }

    #[test]
    fn unknown_reference_names_the_built_in_ones() {
        let device = Default::default();
        let err =
            prepare::<Flex>(&quick_with(Some("reference:nope")), &PrepareContext::default(), &device).err().unwrap();
        assert!(err.to_string().contains("no such reference weights (built in: load-forecast-quick"), "{err}");
    }

    #[test]
    fn reference_weights_for_another_architecture_are_refused() {
        let device = Default::default();
        let p = LoadForecastParams { hidden: 32, ..quick_with(Some("reference:load-forecast-quick")) };
        let err = prepare::<Flex>(&p, &PrepareContext::default(), &device).err().unwrap();
        // Refused before Burn loads anything, naming the first tensor that does not fit.
        assert!(err.to_string().contains("has shape [7, 64] but the model needs [7, 32]"), "{err}");
    }

    #[test]
    fn staging_is_deterministic_and_seed_sensitive() {
        let device = Default::default();
        let small = |seed| LoadForecastParams { hours: 2000, hidden: 4, seed, ..Default::default() };
        let a = prepare::<Flex>(&small(1), &PrepareContext::default(), &device).unwrap();
        let b = prepare::<Flex>(&small(1), &PrepareContext::default(), &device).unwrap();
        let c = prepare::<Flex>(&small(2), &PrepareContext::default(), &device).unwrap();
        assert_eq!(a.data_card().sha256, b.data_card().sha256);
        assert_ne!(a.data_card().sha256, c.data_card().sha256);
    }
}
