//! Demand side: non-intrusive load monitoring. One appliance's power at the
//! middle of a 599-sample window of a household's aggregate power, by the
//! seq2point CNN; data from a household simulator or a REDD house folder.

pub mod generator;
pub mod model;
pub mod redd;

use burn::tensor::backend::Backend;
use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::error::WorkloadError;
use crate::tensor_workload::quality::score_values;
use crate::tensor_workload::{ModelShape, QualityMetric, Split, TensorSpec};
use crate::PrepareContext;
use generator::{Appliance, NilmConfig};
use model::Seq2Point;

/// Identifier of this workload in suite files.
pub const ID: &str = "nilm";

/// Every knob of the nilm workload, with the `quick` size as default.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct NilmParams {
    /// Target appliance: fridge, kettle, washing-machine, dishwasher or microwave.
    pub appliance: String,
    /// Samples per window (odd; 599 in the seq2point paper).
    pub window: usize,
    /// Seed of the households (validation seed + 1, test seed + 2) and of a random initialisation.
    pub seed: u64,
    /// Windows to train on.
    pub train_windows: usize,
    /// Windows held out (also the performance samples).
    pub test_windows: usize,
    /// Filters of the five convolutions (the paper: 30, 30, 40, 50, 50).
    pub filters: [usize; 5],
    /// Units of the dense layer (the paper: 1024).
    pub dense: usize,
    /// A REDD house folder (resolved against the data folder) to test on instead of the simulator.
    pub redd_house: Option<String>,
    /// Optional weights: a Burn named-MessagePack file, or `reference:NAME`.
    pub weights: Option<String>,
}

impl Default for NilmParams {
    fn default() -> Self {
        Self {
            appliance: "washing-machine".into(),
            window: generator::WINDOW,
            seed: 61,
            train_windows: 4000,
            test_windows: 600,
            filters: [16, 16, 20, 24, 24],
            dense: 64,
            redd_house: None,
            weights: None,
        }
    }
}

impl NilmParams {
    fn appliance(&self) -> Result<Appliance, (&'static str, String)> {
        Appliance::from_name(&self.appliance).ok_or_else(|| {
            let known: Vec<&str> = Appliance::ALL.iter().map(|a| a.name()).collect();
            ("appliance", format!("unknown appliance `{}` (known: {})", self.appliance, known.join(", ")))
        })
    }

    fn config(&self) -> Result<NilmConfig, (&'static str, String)> {
        Ok(NilmConfig { target: self.appliance()?, window: self.window, ..Default::default() })
    }
}

fn bad((name, reason): (&str, String)) -> WorkloadError {
    WorkloadError::BadParameter { workload: ID.into(), name: name.into(), reason }
}

/// The model's sizes for parameters `p`.
fn seq2point_config(p: &NilmParams) -> model::Seq2PointConfig {
    model::Seq2PointConfig { window: p.window, filters: p.filters, dense: p.dense }
}

/// The nilm workload.
pub struct Nilm;

impl TensorSpec for Nilm {
    const ID: &'static str = ID;
    const SECTOR: &'static str = "demand side";
    const TASK: &'static str = "appliance power from household aggregate (599-sample windows)";
    const MODEL: &'static str = "seq2point CNN";
    type Params = NilmParams;
    type Model<B: Backend> = Seq2Point<B>;

    fn check(p: &Self::Params) -> Result<(), (&'static str, String)> {
        crate::workload::require_positive(&[
            ("train_windows", p.train_windows),
            ("test_windows", p.test_windows),
            ("dense", p.dense),
        ])?;
        if p.filters.contains(&0) {
            return Err(("filters", "every filter count must be at least 1".into()));
        }
        p.config()?.validate().map_err(|e| ("window", e))
    }
    crate::weights_and_seed_from_params!();
    fn data(p: &Self::Params, split: Split, ctx: &PrepareContext) -> Result<(Dataset, String), WorkloadError> {
        let cfg = p.config().map_err(bad)?;
        if let (Some(house), Split::Test) = (&p.redd_house, split) {
            let dir = ctx.resolve_data_path(house);
            let mut opts = redd::ReddOptions::for_appliance(cfg.target)
                .ok_or_else(|| bad(("appliance", format!("REDD has no {}", cfg.target.name()))))?;
            opts.window = p.window;
            let d = redd::load_house(&dir, &opts).map_err(|e| bad(("redd_house", e.to_string())))?;
            let words =
                format!("REDD house {} ({} windows, target {})", crate::portable_path(house), d.n, opts.appliance);
            return Ok((d, words));
        }
        let (n, seed) = split.size_and_seed(p.train_windows, p.test_windows, p.seed);
        let d = generator::dataset(&cfg, n, seed).map_err(|e| bad(("window", e)))?;
        let words = format!(
            "synthetic households ({} x {} days at {} s), target {}, seed {seed}, {n} windows",
            cfg.houses,
            cfg.days,
            cfg.interval_s,
            cfg.target.name()
        );
        Ok((d, words))
    }
    fn init<B: Backend>(p: &Self::Params, device: &B::Device) -> Self::Model<B> {
        seq2point_config(p).init(device)
    }
    fn shape(p: &Self::Params) -> ModelShape {
        let mut arch: std::collections::BTreeMap<String, String> = [("window", p.window), ("dense", p.dense)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        arch.insert("filters".into(), format!("{:?}", p.filters));
        ModelShape {
            parameters: seq2point_config(p).parameters(),
            flops_per_sample: seq2point_config(p).flops_per_sample(),
            architecture: arch,
        }
    }
    fn metric(p: &Self::Params) -> QualityMetric {
        let scale = p.appliance().map(|a| a.target_scale_w()).unwrap_or(1.0);
        QualityMetric::Mae { scale, unit: "w" }
    }
    fn baseline(p: &Self::Params, _train: Option<&Dataset>, test: &Dataset, _ctx: &PrepareContext) -> Option<f64> {
        let cfg = p.config().ok()?;
        score_values(&generator::baseline(&cfg, test), test, &Self::metric(p))
    }
    fn gate_key(p: &Self::Params) -> serde_json::Value {
        let key = NilmParams { weights: None, redd_house: None, ..p.clone() };
        serde_json::to_value(key).unwrap_or_default()
    }
    fn labelled(_p: &Self::Params) -> bool {
        true
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
    fn shapes_parameters_and_a_bad_appliance() {
        let p = NilmParams::default();
        let device = Default::default();
        let m = Nilm::init::<Flex>(&p, &device);
        assert_eq!(m.num_params() as u64, Nilm::shape(&p).parameters);
        assert_eq!(m.forward(Tensor::zeros([2, 1, 599], &device)).dims(), [2, 1]);
        let err = Nilm::check(&NilmParams { appliance: "toaster".into(), ..p }).unwrap_err();
        assert!(err.1.contains("toaster") && err.1.contains("washing-machine"), "{err:?}");
    }
}
