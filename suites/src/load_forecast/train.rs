//! Training the reference load forecaster with Burn's autodiff.

use std::path::Path;
use std::time::Instant;

use burn::module::{AutodiffModule, Module};
use burn::optim::{AdamConfig, GradientsParams, Optimizer};
use burn::record::{FullPrecisionSettings, NamedMpkFileRecorder};
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::{ElementConversion, Tensor, TensorData};

use super::model::LoadForecaster;
use super::params::LoadForecastParams;
use super::staging::{forecaster_shape, stage_data, StagedData};
use super::windows::{self, WindowSet};
use crate::error::WorkloadError;
use crate::fingerprint;
use crate::rng::SplitMix64;
use crate::training::{EpochReport, TrainCard, TrainOptions};
use crate::PrepareContext;

fn batch_tensors<B: burn::tensor::backend::Backend>(
    set: &WindowSet,
    indices: &[usize],
    device: &B::Device,
) -> (Tensor<B, 3>, Tensor<B, 2>) {
    let mut x = Vec::with_capacity(indices.len() * set.input_len * set.features);
    let mut y = Vec::with_capacity(indices.len() * set.horizon);
    for &i in indices {
        x.extend_from_slice(set.input(i));
        y.extend_from_slice(set.target(i));
    }
    let x = Tensor::from_data(TensorData::new(x, [indices.len(), set.input_len, set.features]), device);
    let y = Tensor::from_data(TensorData::new(y, [indices.len(), set.horizon]), device);
    (x, y)
}

/// Predictions of `model` over every window of `set`, on the host.
fn predict<B: burn::tensor::backend::Backend>(
    model: &LoadForecaster<B>,
    set: &WindowSet,
    device: &B::Device,
) -> Result<Vec<f32>, WorkloadError> {
    let mut out = Vec::with_capacity(set.n * set.horizon);
    let all: Vec<usize> = (0..set.n).collect();
    for chunk in all.chunks(256) {
        let (x, _) = batch_tensors::<B>(set, chunk, device);
        let data = model.forward(x).try_into_data().map_err(|e| WorkloadError::Execution(format!("{e:?}")))?;
        out.extend(data.convert::<f32>().into_vec::<f32>().map_err(|e| WorkloadError::Execution(format!("{e:?}")))?);
    }
    Ok(out)
}

/// Trains the forecaster described by `p`, saves it to `out` (Burn named
/// MessagePack) and returns its card. `progress` is told each epoch.
pub fn train<B: AutodiffBackend>(
    p: &LoadForecastParams,
    ctx: &PrepareContext,
    device: &B::Device,
    options: &TrainOptions,
    out: &Path,
    progress: &mut dyn FnMut(&EpochReport),
) -> Result<TrainCard, WorkloadError> {
    let started = Instant::now();
    let data: StagedData = stage_data(p, ctx)?;
    let norm = windows::Normaliser::fit(&data.series, data.split.train.clone());
    let spec = |stride| windows::WindowSpec { input_len: p.input_len, horizon: p.horizon, stride };
    let train_set = windows::make_windows(&data.series, data.split.train.clone(), &spec(options.stride.max(1)), &norm)?;
    let val_set = windows::make_windows(&data.series, data.split.validation.clone(), &spec(p.stride), &norm)?;
    let test_set = windows::make_windows(&data.series, data.split.test.clone(), &spec(p.stride), &norm)?;
    let test_baseline_pred = crate::load_forecast::baseline::seasonal_naive(
        &data.series,
        data.split.test.clone(),
        &spec(p.stride),
        &norm,
        data.season,
    )?;

    B::seed(device, options.seed);
    let shape = forecaster_shape(p, &data.series);
    let mut model = LoadForecaster::<B>::new(&shape, device);
    let mut optim = AdamConfig::new().init();
    let mut rng = SplitMix64::new(options.seed);
    let mut order: Vec<usize> = (0..train_set.n).collect();
    let mut epochs = Vec::new();
    // The saved model is the one with the best validation metric (the test
    // split is only ever scored once, with the saved model).
    let mut best: Option<(f64, usize, LoadForecaster<B::InnerBackend>)> = None;
    for epoch in 1..=options.epochs {
        rng.shuffle(&mut order);
        let (mut loss_sum, mut batches) = (0.0, 0usize);
        for chunk in order.chunks(options.batch_size.max(1)) {
            let (x, y) = batch_tensors::<B>(&train_set, chunk, device);
            let loss = (model.forward(x) - y).powi_scalar(2).mean();
            loss_sum += loss.clone().into_scalar().elem::<f64>();
            batches += 1;
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(options.learning_rate, model, grads);
        }
        let valid = model.valid();
        let pred = predict(&valid, &val_set, device)?;
        let validation_metric = data.score(&norm, &pred, &val_set.targets)?;
        let report = EpochReport { epoch, train_loss: loss_sum / batches.max(1) as f64, validation_metric };
        progress(&report);
        epochs.push(report);
        if best.as_ref().is_none_or(|(metric, _, _)| validation_metric < *metric) {
            best = Some((validation_metric, epoch, valid));
        }
    }
    let (_, best_epoch, valid) = match best {
        Some(b) => b,
        None => (f64::NAN, 0, model.valid()),
    };
    let test_pred = predict(&valid, &test_set, device)?;
    let test_metric = data.score(&norm, &test_pred, &test_set.targets)?;
    let test_baseline = data.score(&norm, &test_baseline_pred, &test_set.targets)?;

    let recorder = NamedMpkFileRecorder::<FullPrecisionSettings>::new();
    let bad = |reason: String| WorkloadError::Weights { path: out.display().to_string(), reason };
    valid.save_file(out.to_path_buf(), &recorder).map_err(|e| bad(e.to_string()))?;
    let weights_sha256 = fingerprint::sha256_file(out).map_err(|e| bad(e.to_string()))?;
    Ok(TrainCard {
        workload: super::ID.into(),
        params: serde_json::to_value(p).map_err(|e| WorkloadError::Execution(e.to_string()))?,
        options: options.clone(),
        data_source: data.source.clone(),
        data_sha256: data.sha256.clone(),
        train_samples: train_set.n,
        epochs,
        best_epoch,
        metric: data.metric_name().into(),
        test_metric,
        test_baseline,
        literature: data.literature(),
        backend: B::name(device),
        train_seconds: started.elapsed().as_secs_f64(),
        weights_sha256,
    })
}
