//! What every engine of the load-forecast workload shares: the data staged
//! and windowed, the model's shape, the cards, and the accuracy pass's
//! scoring against the seasonal-naive baseline.

use super::model::ForecasterShape;
use super::params::{DataChoice, LoadForecastParams};
use super::{ett, synthetic, windows, HourlySeries};
use crate::error::WorkloadError;
use crate::fingerprint;
use crate::metrics;
use crate::workload::{DataCard, ModelCard, QualityReport, WeightsSource};
use crate::PrepareContext;

/// Batch size of the accuracy pass (it is not timed).
const ACCURACY_BATCH: usize = 256;

/// The series, its split and how it was obtained.
pub(crate) struct StagedData {
    pub(crate) series: HourlySeries,
    pub(crate) split: windows::Split,
    pub(crate) source: String,
    pub(crate) sha256: String,
    /// Whether the quality metric is MAPE on the original scale (synthetic)
    /// or MSE on normalised values (the ETT literature convention).
    pub(crate) mape: bool,
    /// Season of the naive baseline, in hours.
    pub(crate) season: usize,
}

impl StagedData {
    /// Name of the quality metric for this data.
    pub(crate) fn metric_name(&self) -> &'static str {
        if self.mape {
            "mape_pct"
        } else {
            "mse_normalised"
        }
    }

    /// Scores normalised predictions against normalised targets.
    pub(crate) fn score(&self, norm: &windows::Normaliser, pred: &[f32], target: &[f32]) -> Result<f64, WorkloadError> {
        if self.mape {
            let scale = |v: &[f32]| v.iter().map(|&x| norm.denormalise(0, x)).collect::<Vec<_>>();
            Ok(metrics::mape(&scale(pred), &scale(target))?)
        } else {
            Ok(metrics::mse(pred, target)?)
        }
    }

    /// A published figure to compare with, where one exists.
    pub(crate) fn literature(&self) -> Option<String> {
        (!self.mape).then(|| {
            "ETTh1 multivariate, horizon 96, normalised: MSE about 0.38-0.40 for PatchTST and linear models \
             (a different task from this univariate-target 24 h forecast; context only)"
                .to_string()
        })
    }
}

/// The forecaster's architecture for parameters `p` on `series`.
pub(crate) fn forecaster_shape(p: &LoadForecastParams, series: &HourlySeries) -> ForecasterShape {
    ForecasterShape {
        features: windows::feature_count(series),
        hidden: p.hidden,
        layers: p.layers,
        input_len: p.input_len,
        horizon: p.horizon,
    }
}

pub(crate) fn stage_data(p: &LoadForecastParams, ctx: &PrepareContext) -> Result<StagedData, WorkloadError> {
    match p.data {
        DataChoice::Synthetic => {
            let cfg = synthetic::SyntheticLoadConfig { seed: p.seed, hours: p.hours, ..Default::default() };
            let series = synthetic::generate(&cfg)?;
            let mut channels: Vec<&[f32]> = vec![&series.target];
            channels.extend(series.covariates.iter().map(Vec::as_slice));
            let sha256 = fingerprint::sha256_f32(&channels);
            let split = windows::Split::by_fractions(series.len(), 0.7, 0.1)?;
            let source = format!("synthetic utility load, seed {}, {} h", p.seed, p.hours);
            Ok(StagedData { series, split, source, sha256, mape: true, season: 168 })
        }
        DataChoice::Ett => {
            let path = ctx.resolve_data_path(&p.ett_file);
            let series = ett::load_ett_csv(&path, &p.ett_target)?;
            let sha256 = fingerprint::sha256_file(&path).map_err(|e| WorkloadError::BadParameter {
                workload: "load-forecast".into(),
                name: "ett_file".into(),
                reason: format!("{}: {e}", path.display()),
            })?;
            let split = windows::Split::ett_standard(series.len())?;
            // Name the file as the suite names it: an absolute local path says
            // nothing to another lab, and the sha256 identifies the data.
            let source = format!("ETT file {} (target {})", p.ett_file, p.ett_target);
            Ok(StagedData { series, split, source, sha256, mape: false, season: 24 })
        }
    }
}

/// Data, windows and shape staged for a run, whatever engine runs the model.
pub(crate) struct Staged {
    pub(crate) data: StagedData,
    pub(crate) norm: windows::Normaliser,
    pub(crate) test: windows::WindowSet,
    pub(crate) performance: windows::WindowSet,
    pub(crate) baseline: Vec<f32>,
    pub(crate) shape: ForecasterShape,
}

/// Checks the parameters and stages data and windows.
pub(crate) fn stage(p: &LoadForecastParams, ctx: &PrepareContext) -> Result<Staged, WorkloadError> {
    p.check().map_err(|(name, reason)| WorkloadError::BadParameter {
        workload: "load-forecast".into(),
        name: name.into(),
        reason,
    })?;
    let data = stage_data(p, ctx)?;
    let norm = windows::Normaliser::fit(&data.series, data.split.train.clone());
    let spec = windows::WindowSpec { input_len: p.input_len, horizon: p.horizon, stride: p.stride };
    let test = windows::make_windows(&data.series, data.split.test.clone(), &spec, &norm)?;
    let baseline = crate::load_forecast::baseline::seasonal_naive(
        &data.series,
        data.split.test.clone(),
        &spec,
        &norm,
        data.season,
    )?;
    let test_len = data.split.test.len().saturating_sub(p.input_len + p.horizon);
    let perf_stride = (test_len / p.performance_samples).max(1);
    let perf_spec = windows::WindowSpec { stride: perf_stride, ..spec };
    let mut performance = windows::make_windows(&data.series, data.split.test.clone(), &perf_spec, &norm)?;
    truncate_windows(&mut performance, p.performance_samples);
    let shape = forecaster_shape(p, &data.series);
    Ok(Staged { data, norm, test, performance, baseline, shape })
}

fn truncate_windows(w: &mut windows::WindowSet, n: usize) {
    if w.n > n {
        w.n = n;
        w.inputs.truncate(n * w.input_len * w.features);
        w.targets.truncate(n * w.horizon);
    }
}

impl Staged {
    /// The model card for these weights.
    pub(crate) fn model_card(&self, weights: WeightsSource) -> ModelCard {
        let shape = &self.shape;
        ModelCard {
            parameters: shape.parameters(),
            flops_per_sample: shape.flops_per_sample(),
            bytes_per_sample: 4 * (shape.input_len * shape.features + shape.horizon) as u64,
            input_shape: vec![shape.input_len, shape.features],
            output_shape: vec![shape.horizon],
            weights,
            architecture: [
                ("hidden", shape.hidden),
                ("layers", shape.layers),
                ("input_len", shape.input_len),
                ("horizon", shape.horizon),
                ("features", shape.features),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        }
    }

    /// The data card.
    pub(crate) fn data_card(&self) -> DataCard {
        DataCard {
            source: self.data.source.clone(),
            sha256: self.data.sha256.clone(),
            performance_samples: self.performance.n,
            test_samples: self.test.n,
        }
    }

    /// Copies the inputs of `indices` (of the test or the performance set) into `batch`.
    pub(crate) fn gather(&self, from_test: bool, indices: &[usize], batch: &mut Vec<f32>) -> [usize; 3] {
        let set = if from_test { &self.test } else { &self.performance };
        batch.clear();
        for &i in indices {
            batch.extend_from_slice(set.input(i % set.n.max(1)));
        }
        [indices.len(), set.input_len, set.features]
    }

    /// Runs `forecast` over the whole test set in batches of the accuracy pass; returns the predictions.
    pub(crate) fn accuracy_pass(
        test_n: usize,
        mut forecast: impl FnMut(&[usize]) -> Result<Vec<f32>, WorkloadError>,
    ) -> Result<Vec<f32>, WorkloadError> {
        let all: Vec<usize> = (0..test_n).collect();
        let mut pred = Vec::new();
        for chunk in all.chunks(ACCURACY_BATCH) {
            pred.extend(forecast(chunk)?);
        }
        Ok(pred)
    }

    /// Scores predictions over the whole test set against the gate.
    pub(crate) fn quality(&self, pred: &[f32]) -> Result<QualityReport, WorkloadError> {
        let value = self.data.score(&self.norm, pred, &self.test.targets)?;
        let baseline = self.data.score(&self.norm, &self.baseline, &self.test.targets)?;
        Ok(QualityReport {
            metric: self.data.metric_name().into(),
            value,
            lower_is_better: true,
            threshold: Some(baseline),
            passes: Some(value <= baseline),
            gate: "must beat the seasonal-naive forecast on the same test split".into(),
            baseline: Some(baseline),
            samples: self.test.n,
            gate_data_sha256: None,
        })
    }
}
