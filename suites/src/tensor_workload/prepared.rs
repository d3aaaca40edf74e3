//! A tensor workload staged for a run: the test split on the host, the
//! model on the device, quality scored against the reference's gate.

use std::marker::PhantomData;

use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use super::quality::{self, Score};
use super::spec::{stage_batch, HostEngine, Net, Packed, Split, TensorSpec};
use crate::batch_split::{Replica, Workers};
use crate::dataset::Dataset;
use crate::error::WorkloadError;
use crate::fingerprint;
use crate::weights::load_weights;
use crate::workload::{DataCard, ModelCard, PreparedWorkload, Probe, QualityReport, WeightsSource};
use crate::PrepareContext;

/// Samples per forward pass of the accuracy pass.
const SCORE_BATCH: usize = 64;

/// Maps a parameter complaint to the workload's error.
pub fn bad_parameter<S: TensorSpec>((name, reason): (&str, String)) -> WorkloadError {
    WorkloadError::BadParameter { workload: S::ID.into(), name: name.into(), reason }
}

/// The outputs of `model` for the samples `indices` of `data`, on the host
/// (reading them back waits for the device).
pub fn outputs<B: Backend, M: Net<B>>(
    model: &M,
    data: &Dataset,
    indices: &[usize],
    staging: &mut Vec<f32>,
    device: &B::Device,
) -> Result<Vec<f32>, WorkloadError> {
    outputs_of(|x| model.forward(x), false, data, indices, staging, device)
}

/// The outputs of `forward` for the samples `indices` of `data`, on the
/// host; each sample staged transposed where `transposed`.
fn outputs_of<B: Backend>(
    forward: impl FnOnce(Tensor<B, 3>) -> Tensor<B, 2>,
    transposed: bool,
    data: &Dataset,
    indices: &[usize],
    staging: &mut Vec<f32>,
    device: &B::Device,
) -> Result<Vec<f32>, WorkloadError> {
    let samples = indices.iter().map(|&i| data.input(i % data.n.max(1)));
    let shape = [data.input_shape[0], data.input_shape[1]];
    let out = forward(stage_batch(samples, shape, transposed, staging, device))
        .try_into_data()
        .map_err(|e| WorkloadError::Execution(format!("{e:?}")))?;
    out.convert::<f32>().into_vec::<f32>().map_err(|e| WorkloadError::Execution(format!("{e:?}")))
}

/// The metric of `model` over all of `data`.
pub fn evaluate<S: TensorSpec, B: Backend, M: Net<B>>(
    p: &S::Params,
    model: &M,
    data: &Dataset,
    device: &B::Device,
) -> Result<f64, WorkloadError> {
    let (mut score, mut staging) = (Score::default(), Vec::new());
    let all: Vec<usize> = (0..data.n).collect();
    for chunk in all.chunks(SCORE_BATCH) {
        score.add(&outputs(model, data, chunk, &mut staging, device)?, data, chunk)?;
    }
    score.value(&S::metric(p))
}

/// A tensor workload ready to run on backend `B`.
pub struct PreparedTensor<S: TensorSpec, B: Backend> {
    params: S::Params,
    device: B::Device,
    test: Dataset,
    /// The reference's test metric and the sha256 of the data it was scored on.
    reference: Option<(f64, String)>,
    baseline: Option<f64>,
    model_card: ModelCard,
    data_card: DataCard,
    staging: Vec<f32>,
    host: Option<Box<dyn HostEngine>>,
    /// The Burn engine's model, one replica per worker a batch is split across.
    workers: Workers<Replica<S::Model<B>, Box<dyn Packed<B>>>>,
    spec: PhantomData<S>,
}

/// The outputs of a worker's replica for `indices` of `data`, through the
/// packed form where there is one.
fn replica_outputs<B: Backend, M: Net<B>>(
    replica: &mut Replica<M, Box<dyn Packed<B>>>,
    data: &Dataset,
    indices: &[usize],
    device: &B::Device,
) -> Result<Vec<f32>, WorkloadError> {
    match &replica.packed {
        Some(packed) => {
            outputs_of(|x| packed.forward(x), packed.transposed_input(), data, indices, &mut replica.staging, device)
        }
        None => outputs(&replica.model, data, indices, &mut replica.staging, device),
    }
}

/// Stages the test split and the model (with its weights) of workload `S`.
pub fn prepare<S: TensorSpec, B: Backend>(
    p: &S::Params,
    ctx: &PrepareContext,
    device: &B::Device,
) -> Result<PreparedTensor<S, B>, WorkloadError> {
    S::check(p).map_err(bad_parameter::<S>)?;
    let (test, source) = S::data(p, Split::Test, ctx)?;
    test.check().map_err(|e| WorkloadError::Execution(format!("{} test data: {e}", S::ID)))?;
    if test.input_shape.len() != 2 || test.n == 0 {
        return Err(WorkloadError::Execution(format!("{} test data: {:?} x {}", S::ID, test.input_shape, test.n)));
    }
    let sha256 = fingerprint::sha256_f32(&[&test.inputs, &test.targets.as_f32()]);
    // The gate is set on the whole test split: a run that scores part of it
    // is bound to the sha256 of the whole.
    let gate_sha256 = match S::gate_data_params(p) {
        Some(full) => {
            let (all, _) = S::data(&full, Split::Test, ctx)?;
            fingerprint::sha256_f32(&[&all.inputs, &all.targets.as_f32()])
        }
        None => sha256.clone(),
    };
    let mut p = p.clone();
    S::adapt(&mut p, &test);
    let p = &p;
    let shape = S::shape(p);
    B::seed(device, S::seed(p));
    let model = S::init::<B>(p, device);
    let (model, weights) = match S::weights(p) {
        Some(spec) => load_weights(model, spec, ctx, device)?,
        None => (model, WeightsSource::RandomInit { seed: S::seed(p) }),
    };
    let host = S::host_engine::<B>(p, &model, ctx)?;
    let packs = host.is_none() && ctx.packs_layers();
    let workers = if host.is_none() { ctx.workers() } else { 1 };
    let workers = Workers::of_model(workers, model, |m| if packs { m.packed() } else { None });
    let outputs = test.targets.outputs_per_sample();
    let mut model_card = ModelCard {
        parameters: shape.parameters,
        flops_per_sample: shape.flops_per_sample,
        bytes_per_sample: 4 * (test.input_len() + outputs) as u64,
        input_shape: test.input_shape.clone(),
        output_shape: vec![outputs],
        weights,
        architecture: shape.architecture,
    };
    if let Some(h) = &host {
        model_card.architecture.insert("engine".into(), h.name().into());
    }
    let data_card = DataCard { source, sha256, performance_samples: test.n, test_samples: test.n };
    Ok(PreparedTensor {
        reference: quality::reference_metric::<S>(p, &gate_sha256).map(|m| (m, gate_sha256)),
        baseline: S::baseline(p, None, &test, ctx),
        params: p.clone(),
        device: device.clone(),
        test,
        model_card,
        data_card,
        staging: Vec::new(),
        host,
        workers,
        spec: PhantomData,
    })
}

impl<S: TensorSpec, B: Backend> PreparedTensor<S, B> {
    /// The outputs for `indices` of the test split, from the host engine where there is one, else from Burn.
    fn forward(&mut self, indices: &[usize]) -> Result<Vec<f32>, WorkloadError> {
        match &mut self.host {
            Some(engine) => {
                self.staging.clear();
                for &i in indices {
                    self.staging.extend_from_slice(self.test.input(i % self.test.n.max(1)));
                }
                engine.forward(&self.staging, indices.len())
            }
            None => {
                let (test, device) = (&self.test, &self.device);
                self.workers.run(indices, |replica, slice| replica_outputs(replica, test, slice, device))
            }
        }
    }
}

impl<S: TensorSpec, B: Backend> PreparedWorkload for PreparedTensor<S, B> {
    fn sample_count(&self) -> usize {
        self.test.n
    }
    fn run(&mut self, samples: &[usize]) -> Result<(), WorkloadError> {
        self.forward(samples).map(|_| ())
    }
    fn sync(&mut self) -> Result<(), WorkloadError> {
        B::sync(&self.device).map_err(|e| WorkloadError::Execution(format!("{e:?}")))
    }
    fn accuracy(&mut self) -> Result<QualityReport, WorkloadError> {
        let metric = S::metric(&self.params);
        if !S::labelled(&self.params) {
            return Ok(QualityReport {
                metric: "none".into(),
                value: 0.0,
                lower_is_better: metric.lower_is_better(),
                threshold: None,
                passes: None,
                gate: "not gated: this data carries no labels, so only performance is measured".into(),
                baseline: None,
                samples: 0,
                gate_data_sha256: None,
            });
        }
        // Scored on what the timed queries run (the host engine, or the
        // packed forms split across workers), not on a plain copy of the model.
        let mut score = Score::default();
        let all: Vec<usize> = (0..self.test.n).collect();
        for chunk in all.chunks(SCORE_BATCH) {
            let out = self.forward(chunk)?;
            score.add(&out, &self.test, chunk)?;
        }
        let value = score.value(&metric)?;
        let (threshold, gate) = quality::gate(&metric, self.reference.as_ref().map(|r| r.0));
        let lower_is_better = metric.lower_is_better();
        Ok(QualityReport {
            metric: metric.name(),
            value,
            lower_is_better,
            threshold,
            passes: threshold.map(|t| if lower_is_better { value <= t } else { value >= t }),
            gate,
            baseline: self.baseline,
            samples: self.test.n,
            gate_data_sha256: self.reference.as_ref().map(|r| r.1.clone()),
        })
    }
    fn model_card(&self) -> &ModelCard {
        &self.model_card
    }
    fn data_card(&self) -> &DataCard {
        &self.data_card
    }
    fn probe(&mut self, samples: &[usize]) -> Option<Result<Probe, WorkloadError>> {
        let outputs = match self.forward(samples) {
            Ok(o) => o,
            Err(e) => return Some(Err(e)),
        };
        let inputs: Vec<f32> = samples.iter().flat_map(|&i| self.test.input(i % self.test.n.max(1)).to_vec()).collect();
        let n = samples.len();
        let mut input_shape = vec![n];
        input_shape.extend_from_slice(&self.test.input_shape);
        let output_shape = vec![n, outputs.len() / n.max(1)];
        Some(Ok(Probe { input_shape, inputs, output_shape, outputs }))
    }
}
