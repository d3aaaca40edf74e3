//! Parameters of the transformer-temp workload.

use serde::{Deserialize, Serialize};

/// Where the seven-channel series comes from.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// The deterministic ETT-like generator ([`super::synthetic`]).
    Synthetic,
    /// An ETT-format CSV (`ett_file`, resolved against the data folder).
    Ett,
}

/// Every knob of the transformer-temp workload, with the `quick` size as default.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct TransformerTempParams {
    /// The series: `synthetic` or `ett`.
    pub data: Source,
    /// The ETT CSV, relative to the data folder, when `data = "ett"`.
    pub ett_file: String,
    /// Seed of the synthetic series and of a random initialisation.
    pub seed: u64,
    /// Hours of history the model sees.
    pub lookback: usize,
    /// Hours forecast, for all seven channels.
    pub horizon: usize,
    /// Hours per patch.
    pub patch_len: usize,
    /// Hours between patch starts.
    pub patch_stride: usize,
    /// Width of the transformer.
    pub d_model: usize,
    /// Attention heads.
    pub heads: usize,
    /// Encoder layers.
    pub layers: usize,
    /// Width of the feed-forward block.
    pub d_ff: usize,
    /// Hours between training windows.
    pub train_stride: usize,
    /// Hours between test windows (1 = the standard ETT evaluation).
    pub test_stride: usize,
    /// Optional weights: a Burn named-MessagePack file, or `reference:NAME`.
    pub weights: Option<String>,
}

impl Default for TransformerTempParams {
    fn default() -> Self {
        Self {
            data: Source::Synthetic,
            ett_file: "ett/ETTh1.csv".into(),
            seed: 17,
            lookback: 336,
            horizon: 96,
            patch_len: 16,
            patch_stride: 8,
            d_model: 32,
            heads: 4,
            layers: 2,
            d_ff: 64,
            train_stride: 2,
            test_stride: 1,
            weights: None,
        }
    }
}

impl TransformerTempParams {
    /// Patches the lookback is cut into.
    pub fn patches(&self) -> usize {
        (self.lookback - self.patch_len) / self.patch_stride + 1
    }

    /// Checks what serde cannot, naming the first bad parameter.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let positive = [
            ("lookback", self.lookback),
            ("horizon", self.horizon),
            ("patch_len", self.patch_len),
            ("patch_stride", self.patch_stride),
            ("d_model", self.d_model),
            ("heads", self.heads),
            ("layers", self.layers),
            ("d_ff", self.d_ff),
            ("train_stride", self.train_stride),
            ("test_stride", self.test_stride),
        ];
        crate::workload::require_positive(&positive)?;
        if self.patch_len > self.lookback {
            return Err(("patch_len", format!("{} is longer than the lookback {}", self.patch_len, self.lookback)));
        }
        if self.d_model % self.heads != 0 {
            return Err(("heads", format!("d_model {} is not a multiple of {} heads", self.d_model, self.heads)));
        }
        if self.lookback + self.horizon > 2880 {
            return Err(("lookback", "lookback + horizon must fit in the 4-month test split (2880 h)".into()));
        }
        Ok(())
    }
}
