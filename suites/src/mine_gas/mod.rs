//! Coal: methane concentration at a longwall working face over the next
//! minutes, forecast from a window of the face's sensors by a GRU; data
//! from a face simulator (cutting, desorption, ventilation, surges).

pub mod fused_cpu;
pub mod generator;
pub mod model;

use burn::tensor::backend::Backend;
use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::error::WorkloadError;
use crate::tensor_workload::quality::score_values;
use crate::tensor_workload::{HostEngine, ModelShape, QualityMetric, Split, TensorSpec};
use crate::PrepareContext;
use generator::MineGasConfig;
use model::GruForecaster;

/// Identifier of this workload in suite files.
pub const ID: &str = "mine-gas";

/// Every knob of the mine-gas workload, with the `quick` size as default.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MineGasParams {
    /// Minutes of history.
    pub past: usize,
    /// Minutes forecast.
    pub horizon: usize,
    /// Seed of the windows (validation seed + 1, test seed + 2) and of a random initialisation.
    pub seed: u64,
    /// Windows to train on.
    pub train_windows: usize,
    /// Windows held out (also the performance samples).
    pub test_windows: usize,
    /// Hidden units of each GRU.
    pub hidden: usize,
    /// Stacked GRUs.
    pub layers: usize,
    /// Optional weights: a Burn named-MessagePack file, or `reference:NAME`.
    pub weights: Option<String>,
    /// What executes the model: `burn` (default) or `fused-cpu` (CPU runs only).
    pub engine: fused_cpu::Engine,
}

impl Default for MineGasParams {
    fn default() -> Self {
        let c = MineGasConfig::default();
        Self {
            past: c.past,
            horizon: c.horizon,
            seed: 53,
            train_windows: 8000,
            test_windows: 1000,
            hidden: 32,
            layers: 2,
            weights: None,
            engine: fused_cpu::Engine::Burn,
        }
    }
}

impl MineGasParams {
    fn config(&self) -> MineGasConfig {
        MineGasConfig { past: self.past, horizon: self.horizon, ..Default::default() }
    }
}

/// The model's sizes for parameters `p`.
fn gru_config(p: &MineGasParams) -> model::GruForecasterConfig {
    model::GruForecasterConfig { inputs: generator::CHANNELS, hidden: p.hidden, layers: p.layers, horizon: p.horizon }
}

/// The mine-gas workload.
pub struct MineGas;

impl TensorSpec for MineGas {
    const ID: &'static str = ID;
    const SECTOR: &'static str = "coal";
    const TASK: &'static str = "methane at a longwall face, 10 min ahead from 8 sensors";
    const MODEL: &'static str = "GRU";
    type Params = MineGasParams;
    type Model<B: Backend> = GruForecaster<B>;

    fn check(p: &Self::Params) -> Result<(), (&'static str, String)> {
        crate::workload::require_positive(&[
            ("train_windows", p.train_windows),
            ("test_windows", p.test_windows),
            ("hidden", p.hidden),
            ("layers", p.layers),
        ])?;
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
        Ok((d, format!("synthetic longwall face sensors (8 channels, 1 min), seed {seed}, {n} windows")))
    }
    fn init<B: Backend>(p: &Self::Params, device: &B::Device) -> Self::Model<B> {
        gru_config(p).init(device)
    }
    fn shape(p: &Self::Params) -> ModelShape {
        let arch = [("past", p.past), ("horizon", p.horizon), ("hidden", p.hidden), ("layers", p.layers)];
        ModelShape::with_sizes(gru_config(p).parameters(), gru_config(p).flops_per_sample(p.past), &arch)
    }
    fn metric(_p: &Self::Params) -> QualityMetric {
        QualityMetric::Mae { scale: generator::CH4_SCALE_PCT, unit: "pct_ch4" }
    }
    fn baseline(p: &Self::Params, _train: Option<&Dataset>, test: &Dataset, _ctx: &PrepareContext) -> Option<f64> {
        score_values(&generator::baseline(&p.config(), test), test, &Self::metric(p))
    }
    fn host_engine<B: Backend>(
        p: &Self::Params,
        model: &Self::Model<B>,
        ctx: &PrepareContext,
    ) -> Result<Option<Box<dyn HostEngine>>, WorkloadError> {
        match p.engine {
            fused_cpu::Engine::Burn => Ok(None),
            fused_cpu::Engine::FusedCpu if ctx.cuda_ordinal.is_some() => Err(WorkloadError::BadParameter {
                workload: ID.into(),
                name: "engine".into(),
                reason: "the fused CPU engine runs only on the CPU (use --device cpu)".into(),
            }),
            fused_cpu::Engine::FusedCpu => {
                Ok(Some(Box::new(fused_cpu::FusedGru::new(model, generator::CHANNELS, p.past)?)))
            }
        }
    }
    /// Every parameter but the weights and the engine (engines compute the same model).
    fn gate_key(p: &Self::Params) -> serde_json::Value {
        let mut v = serde_json::to_value(p).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.remove("weights");
            map.remove("engine");
        }
        v
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
        let p = MineGasParams::default();
        let device = Default::default();
        let m = MineGas::init::<Flex>(&p, &device);
        assert_eq!(m.num_params() as u64, MineGas::shape(&p).parameters);
        assert_eq!(m.forward(Tensor::zeros([3, 8, 60], &device)).dims(), [3, 10]);
    }

    #[test]
    fn the_fused_cpu_engine_gives_burns_outputs_and_quality() {
        use crate::tensor_workload::prepare;
        use crate::workload::PreparedWorkload;
        let ctx = PrepareContext::default();
        let device = Default::default();
        let quick =
            |engine| MineGasParams { weights: Some("reference:mine-gas-quick".into()), engine, ..Default::default() };
        let mut fused = prepare::<MineGas, Flex>(&quick(fused_cpu::Engine::FusedCpu), &ctx, &device).unwrap();
        let mut burn = prepare::<MineGas, Flex>(&quick(fused_cpu::Engine::Burn), &ctx, &device).unwrap();
        for n in [1, 37] {
            let samples: Vec<usize> = (0..n).collect();
            let (a, b) = (fused.probe(&samples).unwrap().unwrap(), burn.probe(&samples).unwrap().unwrap());
            assert_eq!(a.output_shape, b.output_shape);
            let worst = a.outputs.iter().zip(&b.outputs).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
            assert!(worst < 1e-5, "batch {n}: largest difference {worst}");
        }
        let (qa, qb) = (fused.accuracy().unwrap(), burn.accuracy().unwrap());
        assert!((qa.value - qb.value).abs() <= 1e-5 * qb.value.abs(), "metric {} vs {}", qa.value, qb.value);
        assert_eq!(qa.threshold, qb.threshold, "the reference gate applies to both engines");
        assert!(qa.threshold.is_some());
        assert_eq!(fused.model_card().architecture.get("engine").map(String::as_str), Some(fused_cpu::ENGINE));
    }

    #[test]
    fn the_fused_cpu_engine_refuses_a_cuda_device() {
        let p = MineGasParams { engine: fused_cpu::Engine::FusedCpu, ..Default::default() };
        let ctx = PrepareContext { cuda_ordinal: Some(0), ..Default::default() };
        let err = crate::tensor_workload::prepare::<MineGas, Flex>(&p, &ctx, &Default::default()).err().unwrap();
        assert!(err.to_string().contains("runs only on the CPU"), "{err}");
    }
}
