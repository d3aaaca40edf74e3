//! Electricity: a multivariate forecast of a distribution transformer's six
//! loads and its oil temperature, 96 hours ahead, by a PatchTST-style
//! transformer; on the real ETTh1 data or an ETT-like generator.

pub mod data;
pub mod model;
mod packed;
pub mod params;
pub mod synthetic;

pub use params::TransformerTempParams;

use burn::tensor::backend::Backend;

use crate::dataset::Dataset;
use crate::error::WorkloadError;
use crate::tensor_workload::quality::score_values;
use crate::tensor_workload::{ModelShape, QualityMetric, Split, TensorSpec};
use crate::PrepareContext;
use model::PatchTst;

/// Identifier of this workload in suite files.
pub const ID: &str = "transformer-temp";

/// The transformer-temp workload.
pub struct TransformerTemp;

impl TensorSpec for TransformerTemp {
    const ID: &'static str = ID;
    const SECTOR: &'static str = "electricity";
    const TASK: &'static str = "transformer loads and oil temperature, 7 channels, 96 h ahead";
    const MODEL: &'static str = "PatchTST-style transformer";
    type Params = TransformerTempParams;
    type Model<B: Backend> = PatchTst<B>;

    fn check(p: &Self::Params) -> Result<(), (&'static str, String)> {
        p.check()
    }
    crate::weights_and_seed_from_params!();
    fn data(p: &Self::Params, split: Split, ctx: &PrepareContext) -> Result<(Dataset, String), WorkloadError> {
        let (channels, source) = data::channels(p, ctx)?;
        let d = data::windows(p, &channels, split);
        let words = format!("{source}, {split:?} split, {} windows, normalised by the train split", d.n);
        Ok((d, words))
    }
    fn init<B: Backend>(p: &Self::Params, device: &B::Device) -> Self::Model<B> {
        PatchTst::new(p, device)
    }
    fn shape(p: &Self::Params) -> ModelShape {
        let arch = [
            ("lookback", p.lookback),
            ("horizon", p.horizon),
            ("patch_len", p.patch_len),
            ("patch_stride", p.patch_stride),
            ("d_model", p.d_model),
            ("heads", p.heads),
            ("layers", p.layers),
            ("d_ff", p.d_ff),
        ];
        ModelShape::with_sizes(
            model::parameters(p),
            model::flops_per_sample(p, synthetic::CHANNELS.len() as u64),
            &arch,
        )
    }
    fn metric(_p: &Self::Params) -> QualityMetric {
        QualityMetric::Mse
    }
    fn baseline(p: &Self::Params, _train: Option<&Dataset>, test: &Dataset, _ctx: &PrepareContext) -> Option<f64> {
        score_values(&data::seasonal_naive(test, p.horizon), test, &QualityMetric::Mse)
    }
    fn literature(p: &Self::Params) -> Option<String> {
        (p.data == params::Source::Ett && p.horizon == 96).then(|| {
            "ETTh1, horizon 96, multivariate, normalised MSE: about 0.38-0.40 for PatchTST and linear models \
             (Nie et al. 2023; Zeng et al. 2023)"
                .into()
        })
    }
    fn gate_data_params(p: &Self::Params) -> Option<Self::Params> {
        (p.test_stride != 1).then(|| TransformerTempParams { test_stride: 1, ..p.clone() })
    }
    fn gate_key(p: &Self::Params) -> serde_json::Value {
        // The test stride changes how many windows are scored, not what the model must reach.
        let key = TransformerTempParams { weights: None, train_stride: 1, test_stride: 1, ..p.clone() };
        serde_json::to_value(key).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor_workload::Net;
    use burn::backend::Flex;
    use burn::module::Module;
    use burn::tensor::Tensor;

    #[test]
    fn shapes_and_parameter_count() {
        let p = TransformerTempParams::default();
        let device = Default::default();
        let m = PatchTst::<Flex>::new(&p, &device);
        assert_eq!(m.num_params() as u64, model::parameters(&p));
        let out = m.forward(Tensor::zeros([2, 7, p.lookback], &device));
        assert_eq!(out.dims(), [2, 7 * p.horizon]);
    }
}
