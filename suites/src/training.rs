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
