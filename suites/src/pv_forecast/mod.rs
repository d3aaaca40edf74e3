//! Renewables: a PV plant's output over the next hours from its recent
//! output and the clear-sky output ahead, by a temporal convolutional
//! network; data from a clear-sky model with a stochastic cloud regime.

pub mod generator;
pub mod model;
mod packed;

use burn::tensor::backend::Backend;
use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::error::WorkloadError;
use crate::tensor_workload::quality::score_values;
use crate::tensor_workload::{ModelShape, QualityMetric, Split, TensorSpec};
use crate::PrepareContext;
use generator::PvConfig;
use model::{Tcn, TcnConfig};

/// Identifier of this workload in suite files.
pub const ID: &str = "pv-forecast";

/// Every knob of the pv-forecast workload, with the `quick` size as default.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PvForecastParams {
    /// Plant latitude, degrees north.
    pub latitude_deg: f64,
    /// 15-minute steps of history.
    pub past: usize,
    /// 15-minute steps forecast.
    pub horizon: usize,
    /// Seed of the windows (validation seed + 1, test seed + 2) and of a random initialisation.
    pub seed: u64,
    /// Windows to train on.
    pub train_windows: usize,
    /// Windows held out (also the performance samples).
    pub test_windows: usize,
    /// Channels of every TCN block.
    pub channels: usize,
    /// TCN blocks (dilations 1, 2, 4, ...).
    pub levels: usize,
    /// Optional weights: a Burn named-MessagePack file, or `reference:NAME`.
    pub weights: Option<String>,
}

impl Default for PvForecastParams {
    fn default() -> Self {
        let c = PvConfig::default();
        Self {
            latitude_deg: c.latitude_deg,
            past: c.past,
            horizon: c.horizon,
            seed: 41,
            train_windows: 8000,
            test_windows: 1000,
            channels: 32,
            levels: 6,
            weights: None,
        }
    }
}

impl PvForecastParams {
    fn model(&self) -> TcnConfig {
        TcnConfig { inputs: generator::CHANNELS, channels: self.channels, levels: self.levels, horizon: self.horizon }
    }

    fn config(&self) -> PvConfig {
        PvConfig { latitude_deg: self.latitude_deg, past: self.past, horizon: self.horizon, ..Default::default() }
    }
}

/// The pv-forecast workload.
pub struct PvForecast;

impl TensorSpec for PvForecast {
    const ID: &'static str = ID;
    const SECTOR: &'static str = "renewables";
    const TASK: &'static str = "PV plant output 4 h ahead (clear-sky model with cloud regimes)";
    const MODEL: &'static str = "temporal conv net";
    type Params = PvForecastParams;
    type Model<B: Backend> = Tcn<B>;

    fn check(p: &Self::Params) -> Result<(), (&'static str, String)> {
        crate::workload::require_positive(&[
            ("train_windows", p.train_windows),
            ("test_windows", p.test_windows),
            ("channels", p.channels),
            ("levels", p.levels),
        ])?;
        if p.levels > 12 {
            return Err(("levels", "at most 12".into()));
        }
        p.config().validate().map_err(|e| ("past", e))
    }
    crate::weights_and_seed_from_params!();
    fn data(p: &Self::Params, split: Split, _ctx: &PrepareContext) -> Result<(Dataset, String), WorkloadError> {
        let (n, seed) = split.size_and_seed(p.train_windows, p.test_windows, p.seed);
        let d = generator::dataset(&p.config(), n, seed).map_err(|e| WorkloadError::BadParameter {
            workload: ID.into(),
            name: "past".into(),
            reason: e,
        })?;
        let words = format!(
            "synthetic {} kW PV plant at {} deg N (Haurwitz clear sky, Markov cloud regimes), seed {seed}, {n} windows",
            generator::CAPACITY_KW,
            p.latitude_deg
        );
        Ok((d, words))
    }
    fn init<B: Backend>(p: &Self::Params, device: &B::Device) -> Self::Model<B> {
        p.model().init(device)
    }
    fn shape(p: &Self::Params) -> ModelShape {
        let arch = [("past", p.past), ("horizon", p.horizon), ("channels", p.channels), ("levels", p.levels)];
        ModelShape::with_sizes(p.model().parameters(), p.model().flops_per_sample(p.past + p.horizon), &arch)
    }
    fn metric(_p: &Self::Params) -> QualityMetric {
        QualityMetric::Rmse { scale: generator::CAPACITY_KW, unit: "kw" }
    }
    fn baseline(p: &Self::Params, _train: Option<&Dataset>, test: &Dataset, _ctx: &PrepareContext) -> Option<f64> {
        score_values(&generator::baseline(&p.config(), test), test, &Self::metric(p))
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
    fn shapes_parameters_and_night() {
        let p = PvForecastParams::default();
        let device = Default::default();
        let m = PvForecast::init::<Flex>(&p, &device);
        assert_eq!(m.num_params() as u64, PvForecast::shape(&p).parameters);
        assert!(model::receptive_field(p.levels) >= p.past + p.horizon);
        // All-zero clear sky ahead: the forecast is exactly zero.
        let out = m.forward(Tensor::ones([2, 3, 112], &device) - Tensor::ones([2, 3, 112], &device));
        assert_eq!(out.dims(), [2, 16]);
        assert!(out.into_data().to_vec::<f32>().unwrap().iter().all(|&v| v == 0.0));
    }
}
