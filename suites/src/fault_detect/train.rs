//! Training the reference fault classifier with Burn's autodiff.

use std::path::Path;
use std::time::Instant;

use burn::module::{AutodiffModule, Module};
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamConfig, GradientsParams, Optimizer};
use burn::record::{FullPrecisionSettings, NamedMpkFileRecorder};
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::{ElementConversion, Int, Tensor, TensorData};

use super::model::{FaultCnn, CHANNELS, CLASSES};
use super::params::FaultDetectParams;
use super::prepared::{accuracy_of, dataset, shape};
use crate::error::WorkloadError;
use crate::fingerprint;
use crate::rng::SplitMix64;
use crate::training::{EpochReport, TrainCard, TrainOptions};
use crate::PrepareContext;

/// Trains the classifier for `p`, keeps the epoch with the best validation
/// accuracy, saves it to `out` and returns its card.
pub fn train<B: AutodiffBackend>(
    p: &FaultDetectParams,
    _ctx: &PrepareContext,
    device: &B::Device,
    options: &TrainOptions,
    out: &Path,
    progress: &mut dyn FnMut(&EpochReport),
) -> Result<TrainCard, WorkloadError> {
    let started = Instant::now();
    let train_set = dataset(p, p.train_per_class, p.seed)?;
    let validation = dataset(p, p.test_per_class, p.seed.wrapping_add(2))?;
    let test = dataset(p, p.test_per_class, p.seed.wrapping_add(1))?;
    B::seed(device, options.seed);
    let mut model = FaultCnn::<B>::new(&shape(p), device);
    let mut optim = AdamConfig::new().init();
    let loss_fn = CrossEntropyLossConfig::new().init(device);
    let mut rng = SplitMix64::new(options.seed);
    let mut order: Vec<usize> = (0..train_set.n).collect();
    let (mut epochs, mut best) = (Vec::new(), None::<(f64, usize, FaultCnn<B::InnerBackend>)>);
    for epoch in 1..=options.epochs {
        rng.shuffle(&mut order);
        let (mut loss_sum, mut batches) = (0.0, 0usize);
        for chunk in order.chunks(options.batch_size.max(1)) {
            let mut x = Vec::with_capacity(chunk.len() * CHANNELS * p.samples);
            chunk.iter().for_each(|&i| x.extend_from_slice(train_set.input(i)));
            let y: Vec<i64> = chunk.iter().map(|&i| i64::from(train_set.labels[i])).collect();
            let x = Tensor::<B, 3>::from_data(TensorData::new(x, [chunk.len(), CHANNELS, p.samples]), device);
            let y = Tensor::<B, 1, Int>::from_data(TensorData::new(y, [chunk.len()]), device);
            let loss = loss_fn.forward(model.forward(x), y);
            loss_sum += loss.clone().into_scalar().elem::<f64>();
            batches += 1;
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(options.learning_rate, model, grads);
        }
        let valid = model.valid();
        let validation_metric = accuracy_of(&valid, &validation, device)?;
        let report = EpochReport { epoch, train_loss: loss_sum / batches.max(1) as f64, validation_metric };
        progress(&report);
        epochs.push(report);
        if best.as_ref().is_none_or(|b| validation_metric > b.0) {
            best = Some((validation_metric, epoch, valid));
        }
    }
    let (_, best_epoch, valid) = best.unwrap_or_else(|| (0.0, 0, model.valid()));
    let test_metric = accuracy_of(&valid, &test, device)?;
    let bad = |reason: String| WorkloadError::Weights { path: out.display().to_string(), reason };
    valid
        .save_file(out.to_path_buf(), &NamedMpkFileRecorder::<FullPrecisionSettings>::new())
        .map_err(|e| bad(e.to_string()))?;
    let weights_sha256 = fingerprint::sha256_file(out).map_err(|e| bad(e.to_string()))?;
    let labels: Vec<f32> = test.labels.iter().map(|&l| l as f32).collect();
    Ok(TrainCard {
        workload: super::ID.into(),
        params: serde_json::to_value(p).map_err(|e| WorkloadError::Execution(e.to_string()))?,
        options: options.clone(),
        data_source: format!(
            "synthetic 3-phase fault waveforms: train seed {}, test seed {}",
            p.seed,
            p.seed.wrapping_add(1)
        ),
        data_sha256: fingerprint::sha256_f32(&[&test.inputs, &labels]),
        train_samples: train_set.n,
        epochs,
        best_epoch,
        metric: "accuracy".into(),
        test_metric,
        test_baseline: 1.0 / CLASSES as f64,
        literature: None,
        backend: B::name(device),
        train_seconds: started.elapsed().as_secs_f64(),
        weights_sha256,
    })
}
