//! What training a reference model takes and produces, shared by workloads.

use serde::{Deserialize, Serialize};

/// Knobs of a training run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TrainOptions {
    /// Passes over the training windows.
    pub epochs: usize,
    /// Windows per optimiser step.
    pub batch_size: usize,
    /// Adam learning rate.
    pub learning_rate: f64,
    /// Stride between training windows, in steps.
    pub stride: usize,
    /// Seed of the initialisation and of the batch order.
    pub seed: u64,
}

impl TrainOptions {
    /// Checks every knob: a learning rate that is finite and positive,
    /// at least one epoch, one window per step and a stride of one.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(format!("--learning-rate must be finite and > 0, got {}", self.learning_rate));
        }
        if self.epochs == 0 || self.batch_size == 0 || self.stride == 0 {
            return Err("--epochs, --batch-size and --stride must be at least 1".into());
        }
        Ok(())
    }
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self { epochs: 12, batch_size: 64, learning_rate: 3e-3, stride: 2, seed: 7 }
    }
}

/// One epoch's figures.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EpochReport {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean training loss (MSE on normalised values).
    pub train_loss: f64,
    /// Quality metric on the validation split.
    pub validation_metric: f64,
}

/// The card written beside trained weights.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TrainCard {
    /// Workload id.
    pub workload: String,
    /// The workload parameters the model was trained with.
    pub params: serde_json::Value,
    /// Training options.
    pub options: TrainOptions,
    /// Data description.
    pub data_source: String,
    /// sha256 of the data.
    pub data_sha256: String,
    /// Training windows per epoch.
    pub train_samples: usize,
    /// Every epoch.
    pub epochs: Vec<EpochReport>,
    /// The epoch whose weights were saved (best validation metric).
    #[serde(default)]
    pub best_epoch: usize,
    /// Name of the quality metric.
    pub metric: String,
    /// Metric on the held test split with the saved weights.
    pub test_metric: f64,
    /// The seasonal-naive baseline on the same split.
    pub test_baseline: f64,
    /// Published figure to compare with, where one exists.
    pub literature: Option<String>,
    /// Backend the model was trained on.
    pub backend: String,
    /// Wall time of the training, seconds.
    pub train_seconds: f64,
    /// sha256 of the saved weights file.
    pub weights_sha256: String,
}

#[cfg(test)]
mod option_tests {
    use super::TrainOptions;

    #[test]
    fn non_finite_or_non_positive_learning_rates_are_refused() {
        for lr in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -1e-3] {
            let o = TrainOptions { learning_rate: lr, ..TrainOptions::default() };
            let e = o.validate().unwrap_err();
            assert!(e.contains("--learning-rate") && !e.contains('\n'), "{e}");
        }
        assert!(TrainOptions::default().validate().is_ok());
        assert!(TrainOptions { epochs: 0, ..TrainOptions::default() }.validate().is_err());
    }
}
