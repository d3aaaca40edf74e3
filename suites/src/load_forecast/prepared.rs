//! The load-forecast workload staged for a run: windows on the host, the
//! model on the device, and the accuracy pass over the held test split.

use burn::module::Module;
use burn::record::{FullPrecisionSettings, NamedMpkBytesRecorder, NamedMpkFileRecorder, Recorder};
use burn::tensor::backend::Backend;
use burn::tensor::{Tensor, TensorData};

use super::model::{ForecasterShape, LoadForecaster};
use super::params::{DataChoice, LoadForecastParams};
use super::{ett, synthetic, windows, HourlySeries};
use crate::error::WorkloadError;
use crate::fingerprint;
use crate::metrics;
use crate::reference;
use crate::workload::{DataCard, ModelCard, PreparedWorkload, QualityReport, WeightsSource};
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

/// Loads weights into `model`: a file (Burn named MessagePack) or, for
/// `reference:NAME`, the reference weights compiled into the binary.
fn load_weights<B: Backend>(
    model: LoadForecaster<B>,
    spec: &str,
    ctx: &PrepareContext,
    device: &B::Device,
) -> Result<(LoadForecaster<B>, WeightsSource), WorkloadError> {
    let expected = model.num_params();
    let (model, source, shown) = match spec.strip_prefix(reference::PREFIX) {
        Some(name) => {
            let bad = |reason: String| WorkloadError::Weights { path: spec.into(), reason };
            let known = || reference::REFERENCE.iter().map(|r| r.name).collect::<Vec<_>>().join(", ");
            let r = reference::reference(name)
                .ok_or_else(|| bad(format!("no such reference weights (built in: {})", known())))?;
            let record = NamedMpkBytesRecorder::<FullPrecisionSettings>::new()
                .load(r.mpk.to_vec(), device)
                .map_err(|e| bad(e.to_string()))?;
            let source = WeightsSource::Reference { name: name.into(), sha256: fingerprint::sha256_hex(r.mpk) };
            (model.load_record(record), source, spec.to_string())
        }
        None => {
            let path = ctx.resolve_weights_path(spec);
            let bad = |reason: String| WorkloadError::Weights { path: path.display().to_string(), reason };
            let sha256 = fingerprint::sha256_file(&path).map_err(|e| bad(e.to_string()))?;
            let recorder = NamedMpkFileRecorder::<FullPrecisionSettings>::new();
            let model = model.load_file(path.clone(), &recorder, device).map_err(|e| bad(e.to_string()))?;
            (model, WeightsSource::File { path: path.display().to_string(), sha256 }, path.display().to_string())
        }
    };
    if model.num_params() != expected {
        return Err(WorkloadError::Weights {
            path: shown,
            reason: format!(
                "they hold {} parameters but this model's architecture needs {expected}: \
                 were they trained with other parameters (hidden, layers, input_len, horizon, data)?",
                model.num_params()
            ),
        });
    }
    Ok((model, source))
}

/// The load forecaster ready to run on backend `B`.
pub struct PreparedLoadForecast<B: Backend> {
    model: LoadForecaster<B>,
    device: B::Device,
    performance: windows::WindowSet,
    test: windows::WindowSet,
    norm: windows::Normaliser,
    baseline: Vec<f32>,
    data: StagedData,
    model_card: ModelCard,
    data_card: DataCard,
    batch: Vec<f32>,
}

/// Stages data and model for a run of the load-forecast workload.
pub fn prepare<B: Backend>(
    p: &LoadForecastParams,
    ctx: &PrepareContext,
    device: &B::Device,
) -> Result<PreparedLoadForecast<B>, WorkloadError> {
    p.check().map_err(|(name, reason)| WorkloadError::BadParameter {
        workload: "load-forecast".into(),
        name: name.into(),
        reason,
    })?;
    let data = stage_data(p, ctx)?;
    let norm = windows::Normaliser::fit(&data.series, data.split.train.clone());
    let spec = windows::WindowSpec { input_len: p.input_len, horizon: p.horizon, stride: p.stride };
    let test = windows::make_windows(&data.series, data.split.test.clone(), &spec, &norm)?;
    let baseline = windows::seasonal_naive(&data.series, data.split.test.clone(), &spec, &norm, data.season)?;
    let test_len = data.split.test.len().saturating_sub(p.input_len + p.horizon);
    let perf_stride = (test_len / p.performance_samples).max(1);
    let perf_spec = windows::WindowSpec { stride: perf_stride, ..spec };
    let mut performance = windows::make_windows(&data.series, data.split.test.clone(), &perf_spec, &norm)?;
    truncate_windows(&mut performance, p.performance_samples);

    let shape = forecaster_shape(p, &data.series);
    B::seed(device, p.seed);
    let model = LoadForecaster::<B>::new(&shape, device);
    let (model, weights) = match &p.weights {
        Some(spec) => load_weights(model, spec, ctx, device)?,
        None => (model, WeightsSource::RandomInit { seed: p.seed }),
    };
    let model_card = ModelCard {
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
    };
    let data_card = DataCard {
        source: data.source.clone(),
        sha256: data.sha256.clone(),
        performance_samples: performance.n,
        test_samples: test.n,
    };
    Ok(PreparedLoadForecast {
        model,
        device: device.clone(),
        performance,
        test,
        norm,
        baseline,
        data,
        model_card,
        data_card,
        batch: Vec::new(),
    })
}

fn truncate_windows(w: &mut windows::WindowSet, n: usize) {
    if w.n > n {
        w.n = n;
        w.inputs.truncate(n * w.input_len * w.features);
        w.targets.truncate(n * w.horizon);
    }
}

impl<B: Backend> PreparedLoadForecast<B> {
    /// Forward pass over `indices` of `set`, outputs copied back to the host.
    fn forecast(&mut self, from_test: bool, indices: &[usize]) -> Result<Vec<f32>, WorkloadError> {
        let set = if from_test { &self.test } else { &self.performance };
        self.batch.clear();
        for &i in indices {
            let i = i % set.n.max(1);
            self.batch.extend_from_slice(set.input(i));
        }
        let shape = [indices.len(), set.input_len, set.features];
        let data = TensorData::new(std::mem::take(&mut self.batch), shape);
        let input = Tensor::<B, 3>::from_data(data, &self.device);
        let output = self.model.forward(input);
        let host = output.try_into_data().map_err(|e| WorkloadError::Execution(format!("{e:?}")))?;
        host.convert::<f32>().into_vec::<f32>().map_err(|e| WorkloadError::Execution(format!("{e:?}")))
    }
}

impl<B: Backend> PreparedWorkload for PreparedLoadForecast<B> {
    fn sample_count(&self) -> usize {
        self.performance.n
    }

    fn run(&mut self, samples: &[usize]) -> Result<(), WorkloadError> {
        self.forecast(false, samples).map(|_| ())
    }

    fn sync(&mut self) -> Result<(), WorkloadError> {
        B::sync(&self.device).map_err(|e| WorkloadError::Execution(format!("{e:?}")))
    }

    fn accuracy(&mut self) -> Result<QualityReport, WorkloadError> {
        let mut pred = Vec::with_capacity(self.test.targets.len());
        let all: Vec<usize> = (0..self.test.n).collect();
        for chunk in all.chunks(ACCURACY_BATCH) {
            pred.extend(self.forecast(true, chunk)?);
        }
        let value = self.data.score(&self.norm, &pred, &self.test.targets)?;
        let baseline = self.data.score(&self.norm, &self.baseline, &self.test.targets)?;
        let passes = value <= baseline;
        Ok(QualityReport {
            metric: self.data.metric_name().into(),
            value,
            lower_is_better: true,
            threshold: Some(baseline),
            passes: Some(passes),
            gate: "must beat the seasonal-naive forecast on the same test split".into(),
            baseline: Some(baseline),
            samples: self.test.n,
        })
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
        assert!(err.to_string().contains("this model's architecture needs"), "{err}");
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
