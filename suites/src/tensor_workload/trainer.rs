//! Training any tensor workload's reference model with Burn's autodiff:
//! Adam on shuffled mini-batches, MSE for values and cross-entropy for
//! classes, the epoch with the best validation metric kept and saved.

use std::path::Path;
use std::time::Instant;

use burn::module::{AutodiffModule, Module};
use burn::nn::loss::{CrossEntropyLossConfig, MseLoss, Reduction};
use burn::optim::{AdamConfig, GradientsParams, Optimizer};
use burn::record::{FullPrecisionSettings, NamedMpkFileRecorder};
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::{ElementConversion, Int, Tensor, TensorData};

use super::prepared::{bad_parameter, evaluate};
use super::spec::{Net, Split, TensorSpec};
use crate::dataset::{Dataset, Targets};
use crate::error::WorkloadError;
use crate::fingerprint;
use crate::rng::SplitMix64;
use crate::training::{EpochReport, TrainCard, TrainOptions};
use crate::PrepareContext;

fn checked(split: &str, (data, source): (Dataset, String)) -> Result<(Dataset, String), WorkloadError> {
    data.check().map_err(|e| WorkloadError::Execution(format!("{split} data: {e}")))?;
    if data.n == 0 || data.input_shape.len() != 2 {
        return Err(WorkloadError::Execution(format!("{split} data: {:?} x {}", data.input_shape, data.n)));
    }
    Ok((data, source))
}

/// The loss of `model` on the samples `chunk` of `data`.
fn loss<B: AutodiffBackend, M: Net<B>>(model: &M, data: &Dataset, chunk: &[usize], device: &B::Device) -> Tensor<B, 1> {
    let mut x = Vec::with_capacity(chunk.len() * data.input_len());
    chunk.iter().for_each(|&i| x.extend_from_slice(data.input(i)));
    let [a, b] = [data.input_shape[0], data.input_shape[1]];
    let out = model.forward(Tensor::from_data(TensorData::new(x, [chunk.len(), a, b]), device));
    match &data.targets {
        Targets::Values { values, per_sample } => {
            let mut y = Vec::with_capacity(chunk.len() * per_sample);
            chunk.iter().for_each(|&i| y.extend_from_slice(&values[i * per_sample..(i + 1) * per_sample]));
            let y = Tensor::<B, 2>::from_data(TensorData::new(y, [chunk.len(), *per_sample]), device);
            MseLoss::new().forward(out, y, Reduction::Mean)
        }
        Targets::Classes { labels, per_sample, classes } => {
            let rows = chunk.len() * per_sample;
            let mut y = Vec::with_capacity(rows);
            chunk
                .iter()
                .for_each(|&i| y.extend(labels[i * per_sample..(i + 1) * per_sample].iter().map(|&l| l as i64)));
            let y = Tensor::<B, 1, Int>::from_data(TensorData::new(y, [rows]), device);
            CrossEntropyLossConfig::new().init(device).forward(out.reshape([rows, *classes]), y)
        }
    }
}

fn better(lower_is_better: bool, new: f64, old: f64) -> bool {
    if lower_is_better {
        new < old
    } else {
        new > old
    }
}

/// Trains workload `S`'s model for `p`, keeps the epoch with the best
/// validation metric, saves it to `out` and returns its card.
pub fn train<S: TensorSpec, B: AutodiffBackend>(
    p: &S::Params,
    ctx: &PrepareContext,
    device: &B::Device,
    options: &TrainOptions,
    out: &Path,
    progress: &mut dyn FnMut(&EpochReport),
) -> Result<TrainCard, WorkloadError>
where
    S::Model<B>: AutodiffModule<B, InnerModule = S::Model<B::InnerBackend>>,
{
    let started = Instant::now();
    S::check(p).map_err(bad_parameter::<S>)?;
    let (train_set, train_source) = checked("train", S::data(p, Split::Train, ctx)?)?;
    let (validation, _) = checked("validation", S::data(p, Split::Validation, ctx)?)?;
    let (test, test_source) = checked("test", S::data(p, Split::Test, ctx)?)?;
    let mut p = p.clone();
    S::adapt(&mut p, &train_set);
    let p = &p;
    let metric = S::metric(p);
    B::seed(device, options.seed);
    let mut model = S::init::<B>(p, device);
    let mut optim = AdamConfig::new().init();
    let mut rng = SplitMix64::new(options.seed);
    let mut order: Vec<usize> = (0..train_set.n).collect();
    let (mut epochs, mut best) = (Vec::new(), None::<(f64, usize, S::Model<B::InnerBackend>)>);
    for epoch in 1..=options.epochs {
        rng.shuffle(&mut order);
        let (mut loss_sum, mut batches) = (0.0, 0usize);
        for chunk in order.chunks(options.batch_size.max(1)) {
            let l = loss(&model, &train_set, chunk, device);
            loss_sum += l.clone().into_scalar().elem::<f64>();
            batches += 1;
            let grads = GradientsParams::from_grads(l.backward(), &model);
            model = optim.step(options.learning_rate, model, grads);
        }
        let valid = model.valid();
        let validation_metric = evaluate::<S, _, _>(p, &valid, &validation, device)?;
        let report = EpochReport { epoch, train_loss: loss_sum / batches.max(1) as f64, validation_metric };
        progress(&report);
        epochs.push(report);
        if best.as_ref().is_none_or(|b| better(metric.lower_is_better(), validation_metric, b.0)) {
            best = Some((validation_metric, epoch, valid));
        }
    }
    let (_, best_epoch, valid) = best.unwrap_or_else(|| (0.0, 0, model.valid()));
    let test_metric = evaluate::<S, _, _>(p, &valid, &test, device)?;
    let bad = |reason: String| WorkloadError::Weights { path: out.display().to_string(), reason };
    valid
        .save_file(out.to_path_buf(), &NamedMpkFileRecorder::<FullPrecisionSettings>::new())
        .map_err(|e| bad(e.to_string()))?;
    let weights_sha256 = fingerprint::sha256_file(out).map_err(|e| bad(e.to_string()))?;
    Ok(TrainCard {
        workload: S::ID.into(),
        params: serde_json::to_value(p).map_err(|e| WorkloadError::Execution(e.to_string()))?,
        options: options.clone(),
        data_source: format!("train: {train_source}; test: {test_source}"),
        data_sha256: fingerprint::sha256_f32(&[&test.inputs, &test.targets.as_f32()]),
        train_samples: train_set.n,
        epochs,
        best_epoch,
        metric: metric.name(),
        test_metric,
        test_baseline: S::baseline(p, Some(&train_set), &test, ctx).unwrap_or(f64::NAN),
        literature: S::literature(p),
        backend: B::name(device),
        train_seconds: started.elapsed().as_secs_f64(),
        weights_sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch_proxy::{DispatchProxy, DispatchProxyParams};
    use crate::tensor_workload::prepare;
    use crate::workload::PreparedWorkload;
    use burn::backend::{Autodiff, Flex};

    #[test]
    fn training_beats_the_initial_model_keeps_the_best_epoch_and_saves_loadable_weights() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("w.mpk");
        let p =
            DispatchProxyParams { train_samples: 400, test_samples: 100, width: 32, depth: 1, ..Default::default() };
        let options = TrainOptions { epochs: 6, batch_size: 32, learning_rate: 3e-3, stride: 1, seed: 3 };
        let mut epochs = 0;
        let card = train::<DispatchProxy, Autodiff<Flex>>(
            &p,
            &PrepareContext::default(),
            &Default::default(),
            &options,
            &out,
            &mut |_| epochs += 1,
        )
        .unwrap();
        assert_eq!((epochs, card.epochs.len(), card.train_samples), (6, 6, 400));
        let best = card.epochs.iter().map(|e| e.validation_metric).fold(f64::INFINITY, f64::min);
        assert_eq!(card.epochs[card.best_epoch - 1].validation_metric, best);
        assert_eq!(card.weights_sha256, fingerprint::sha256_file(&out).unwrap());
        // The saved weights load into a fresh model and score the card's test metric.
        let path = out.display().to_string();
        let trained = DispatchProxyParams { weights: Some(path), ..p.clone() };
        let ctx = PrepareContext::default();
        let mut w = prepare::<DispatchProxy, Flex>(&trained, &ctx, &Default::default()).unwrap();
        let q = w.accuracy().unwrap();
        assert!((q.value - card.test_metric).abs() < 1e-9 * card.test_metric.max(1.0), "{q:?} vs {}", card.test_metric);
        let mut untrained = prepare::<DispatchProxy, Flex>(&p, &ctx, &Default::default()).unwrap();
        assert!(q.value < 0.5 * untrained.accuracy().unwrap().value, "training helped: {q:?}");
    }
}
