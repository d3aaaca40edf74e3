//! What a workload built on the generic staging and training code supplies:
//! its parameters, its data, its Burn model and its quality metric.

use std::collections::BTreeMap;
use std::fmt::Debug;

use burn::module::Module;
use burn::tensor::backend::Backend;
use burn::tensor::{Tensor, TensorData};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::dataset::Dataset;
use crate::error::WorkloadError;
use crate::PrepareContext;

/// A Burn model that maps a batch of 2D samples to a flat output per sample.
pub trait Net<B: Backend>: Module<B> {
    /// `[batch, a, b]` in (the dataset's per-sample shape `[a, b]`), `[batch,
    /// outputs]` out: regression values, or logits laid out position-major
    /// (`[position][class]`) for classes.
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2>;

    /// The model packed for inference (see [`crate::layers`]): the same
    /// weights and arithmetic in fewer, larger operations, tested against
    /// `forward`. `None` (the default): runs use `forward` itself.
    fn packed(&self) -> Option<Box<dyn Packed<B>>> {
        None
    }
}

/// A model's inference form, built once when a run is staged.
pub trait Packed<B: Backend>: Send {
    /// What [`Net::forward`] computes, `[batch, a, b]` in (`[batch, b, a]`
    /// where [`Packed::transposed_input`]), `[batch, outputs]` out.
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2>;
    /// Whether it takes each sample transposed, `[b, a]` (channels last for
    /// a `[channels, length]` sample; the staging copy transposes it on the
    /// host, where Burn's CPU backend would copy a rank-3 permutation element
    /// by element).
    fn transposed_input(&self) -> bool {
        false
    }
}

/// A batch of `samples`, each `[rows][cols]`, as a tensor on `device`:
/// `[n, rows, cols]`, or `[n, cols, rows]` with each sample transposed on
/// the host where `transposed`. The samples are gathered in `staging`,
/// whose buffer the tensor takes.
pub fn stage_batch<'a, B: Backend>(
    samples: impl Iterator<Item = &'a [f32]>,
    [rows, cols]: [usize; 2],
    transposed: bool,
    staging: &mut Vec<f32>,
    device: &B::Device,
) -> Tensor<B, 3> {
    staging.clear();
    let mut n = 0;
    for sample in samples {
        if transposed {
            for c in 0..cols {
                staging.extend((0..rows).map(|r| sample[r * cols + c]));
            }
        } else {
            staging.extend_from_slice(sample);
        }
        n += 1;
    }
    let shape = if transposed { [n, cols, rows] } else { [n, rows, cols] };
    Tensor::from_data(TensorData::new(std::mem::take(staging), shape), device)
}

/// An engine other than Burn that runs a tensor workload's model on the
/// host, built from the Burn model's weights (a fused CPU engine, say).
pub trait HostEngine {
    /// What results name the engine.
    fn name(&self) -> &str;
    /// The outputs of `batch` samples whose inputs are `input` (the dataset's
    /// per-sample layout, concatenated), `[batch][outputs]`.
    fn forward(&mut self, input: &[f32], batch: usize) -> Result<Vec<f32>, WorkloadError>;
}

/// Which split of a workload's data to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// What the reference model is trained on.
    Train,
    /// What training keeps the best epoch by.
    Validation,
    /// The held-out split the accuracy pass scores; also the performance samples.
    Test,
}

impl Split {
    /// Samples and data seed of this split, for workloads that draw every
    /// split from a generator: `(train, seed)`, `(test, seed + 1)` for
    /// validation, `(test, seed + 2)` for the test split.
    pub fn size_and_seed(self, train: usize, test: usize, seed: u64) -> (usize, u64) {
        match self {
            Split::Train => (train, seed),
            Split::Validation => (test, seed.wrapping_add(1)),
            Split::Test => (test, seed.wrapping_add(2)),
        }
    }
}

/// How a workload's quality is measured on its test split.
#[derive(Clone, Debug, PartialEq)]
pub enum QualityMetric {
    /// Fraction of labels (samples or pixels) whose arg-max logit is right.
    Accuracy,
    /// Mean absolute error, multiplied by `scale` to report it in `unit`.
    Mae {
        /// Factor from normalised to physical units.
        scale: f64,
        /// The physical unit in snake case, e.g. `w` or `pct_ch4` (the metric is named `mae_UNIT`).
        unit: &'static str,
    },
    /// Mean squared error of the normalised values.
    Mse,
    /// Root mean squared error, multiplied by `scale` to report it in `unit`.
    Rmse {
        /// Factor from normalised to physical units.
        scale: f64,
        /// The physical unit in snake case (the metric is named `rmse_UNIT`).
        unit: &'static str,
    },
}

impl QualityMetric {
    /// The metric's name in results, e.g. `mae_w` or `accuracy`.
    pub fn name(&self) -> String {
        match self {
            QualityMetric::Accuracy => "accuracy".into(),
            QualityMetric::Mae { unit, .. } => format!("mae_{unit}"),
            QualityMetric::Mse => "mse_normalised".into(),
            QualityMetric::Rmse { unit, .. } => format!("rmse_{unit}"),
        }
    }

    /// Whether lower values are better.
    pub fn lower_is_better(&self) -> bool {
        !matches!(self, QualityMetric::Accuracy)
    }
}

/// Architecture figures counted from the model's shape.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelShape {
    /// Trainable parameters (checked against Burn's count in tests).
    pub parameters: u64,
    /// FLOPs of one sample's forward pass (a multiply-add counts as two).
    pub flops_per_sample: u64,
    /// Hyper-parameters that define the architecture, by name.
    pub architecture: BTreeMap<String, String>,
}

/// The three [`TensorSpec`] methods of a workload whose parameters have
/// `weights: Option<String>` and `seed: u64` fields.
#[macro_export]
macro_rules! weights_and_seed_from_params {
    () => {
        fn weights(p: &Self::Params) -> Option<&str> {
            p.weights.as_deref()
        }
        fn clear_weights(p: &mut Self::Params) {
            p.weights = None;
        }
        fn seed(p: &Self::Params) -> u64 {
            p.seed
        }
    };
}

impl ModelShape {
    /// A shape whose architecture is a list of named sizes.
    pub fn with_sizes(parameters: u64, flops_per_sample: u64, sizes: &[(&str, usize)]) -> Self {
        let architecture = sizes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Self { parameters, flops_per_sample, architecture }
    }
}

/// A workload whose samples are fixed-shape tensors: everything the generic
/// staging ([`super::prepare`]) and training ([`super::train`]) code needs.
pub trait TensorSpec: 'static {
    /// Identifier in suite files.
    const ID: &'static str;
    /// Sector, task and model family, for the catalogue.
    const SECTOR: &'static str;
    /// The task in a few words.
    const TASK: &'static str;
    /// The model family in a few words.
    const MODEL: &'static str;

    /// The workload's parameters (serde, `deny_unknown_fields`, `Default` = quick size).
    type Params: Serialize + DeserializeOwned + Default + Clone + Debug;
    /// The model on backend `B`.
    type Model<B: Backend>: Net<B>;

    /// Checks what serde cannot, naming the first bad parameter.
    fn check(p: &Self::Params) -> Result<(), (&'static str, String)>;
    /// The weights parameter (`reference:NAME` or a file), if any.
    fn weights(p: &Self::Params) -> Option<&str>;
    /// Removes the weights parameter (training starts from scratch).
    fn clear_weights(p: &mut Self::Params);
    /// Seed of the data and of a random initialisation.
    fn seed(p: &Self::Params) -> u64;
    /// The data of one split, with a one-line description of its source.
    fn data(p: &Self::Params, split: Split, ctx: &PrepareContext) -> Result<(Dataset, String), WorkloadError>;
    /// Lets the parameters learn sizes that only the data knows (a case
    /// file's buses, say), before the model is built; the default does nothing.
    fn adapt(_p: &mut Self::Params, _data: &Dataset) {}
    /// A randomly initialised model (the backend is seeded before this).
    fn init<B: Backend>(p: &Self::Params, device: &B::Device) -> Self::Model<B>;
    /// The model's size and cost, counted from its shape.
    fn shape(p: &Self::Params) -> ModelShape;
    /// The quality metric.
    fn metric(p: &Self::Params) -> QualityMetric;
    /// The metric of a naive predictor on `test` (knowing `train`), for context.
    fn baseline(p: &Self::Params, train: Option<&Dataset>, test: &Dataset, ctx: &PrepareContext) -> Option<f64>;
    /// The parameters of the whole test split the gate is set on, when a
    /// run with `p` scores only part of it (a test stride); `None` when it
    /// scores it all. The gate is bound to that split's sha256.
    fn gate_data_params(_p: &Self::Params) -> Option<Self::Params> {
        None
    }
    /// Whether the data carries true targets (real data may come without labels:
    /// its runs measure performance only and say so).
    fn labelled(_p: &Self::Params) -> bool {
        true
    }
    /// A published figure to compare the reference with, where one exists.
    fn literature(_p: &Self::Params) -> Option<String> {
        None
    }
    /// The engine the parameters ask for, where it is not Burn: built from
    /// the model with its weights loaded (default: always Burn).
    fn host_engine<B: Backend>(
        _p: &Self::Params,
        _model: &Self::Model<B>,
        _ctx: &PrepareContext,
    ) -> Result<Option<Box<dyn HostEngine>>, WorkloadError> {
        Ok(None)
    }
    /// The parameters that must equal the reference's for its gate to apply
    /// (default: every parameter but the weights).
    fn gate_key(p: &Self::Params) -> serde_json::Value {
        let mut v = serde_json::to_value(p).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.remove("weights");
        }
        v
    }
}
