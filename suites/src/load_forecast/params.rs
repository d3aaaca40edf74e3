//! Parameters of the load-forecast workload, as written in a suite file's
//! `params` table.

use serde::{Deserialize, Serialize};

/// Where the load series comes from.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum DataChoice {
    /// The deterministic synthetic utility load generator.
    Synthetic,
    /// An ETT-format CSV file (for example ETTh1 from the ETDataset).
    Ett,
}

/// What executes the model.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    /// Burn, on the run's backend (the default).
    #[default]
    Burn,
    /// The fused CUDA reference kernel (one layer; CUDA devices only).
    FusedCuda,
    /// The fused CPU engine (`kernels/src/rnn_cpu.rs`): whole-sequence input
    /// projections, one product per step, fused gate arithmetic.
    FusedCpu,
}

/// Every knob of the load-forecast workload, with defaults for the `quick` size.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LoadForecastParams {
    /// Data source.
    pub data: DataChoice,
    /// ETT file, relative to the data directory unless absolute.
    pub ett_file: String,
    /// Target column of the ETT file.
    pub ett_target: String,
    /// Hours of synthetic load to generate.
    pub hours: usize,
    /// Seed of the synthetic data and of a random weight initialisation.
    pub seed: u64,
    /// Hours of history in each input window.
    pub input_len: usize,
    /// Hours forecast.
    pub horizon: usize,
    /// LSTM hidden size.
    pub hidden: usize,
    /// Stacked LSTM layers.
    pub layers: usize,
    /// Stride between consecutive test windows, in hours.
    pub stride: usize,
    /// Distinct samples staged for the performance run.
    pub performance_samples: usize,
    /// Optional weights: a Burn named-MessagePack file, or `reference:NAME`.
    pub weights: Option<String>,
    /// What executes the model.
    pub engine: Engine,
}

impl Default for LoadForecastParams {
    fn default() -> Self {
        Self {
            data: DataChoice::Synthetic,
            ett_file: "ett/ETTh1.csv".into(),
            ett_target: "HUFL".into(),
            hours: 17_520,
            seed: 42,
            input_len: 168,
            horizon: 24,
            hidden: 64,
            layers: 1,
            stride: 24,
            performance_samples: 1024,
            weights: None,
            engine: Engine::Burn,
        }
    }
}

impl LoadForecastParams {
    /// Checks the values that serde cannot, naming the first bad parameter.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let positive = [
            ("input_len", self.input_len),
            ("horizon", self.horizon),
            ("hidden", self.hidden),
            ("layers", self.layers),
            ("stride", self.stride),
            ("performance_samples", self.performance_samples),
        ];
        crate::workload::require_positive(&positive)?;
        if self.engine == Engine::FusedCuda && self.layers != 1 {
            return Err(("engine", "the fused kernel runs one LSTM layer; set layers = 1".into()));
        }
        let min_hours = 4 * (self.input_len + self.horizon);
        if self.data == DataChoice::Synthetic && self.hours < min_hours {
            return Err(("hours", format!("must be at least {min_hours} (four windows of history + horizon)")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(LoadForecastParams::default().check(), Ok(()));
    }

    #[test]
    fn zero_hidden_is_named() {
        let p = LoadForecastParams { hidden: 0, ..Default::default() };
        assert_eq!(p.check().map_err(|e| e.0), Err("hidden"));
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let v = serde_json::json!({ "hiden": 3 });
        let err = serde_json::from_value::<LoadForecastParams>(v).unwrap_err().to_string();
        assert!(err.contains("unknown field `hiden`"), "{err}");
    }
}
