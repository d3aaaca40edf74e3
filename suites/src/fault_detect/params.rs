//! Parameters of the fault-detect workload.

use serde::{Deserialize, Serialize};

/// Every knob of the fault-detect workload, with the `quick` size as default.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FaultDetectParams {
    /// Samples per channel in a window (2 kHz sampling: 256 samples = 128 ms, 6.4 cycles at 50 Hz).
    pub samples: usize,
    /// Seed of the data (the test split uses seed + 1) and of a random initialisation.
    pub seed: u64,
    /// Training windows per class.
    pub train_per_class: usize,
    /// Test windows per class (also the performance samples).
    pub test_per_class: usize,
    /// Output channels of the three convolutions.
    pub widths: [usize; 3],
    /// Optional weights: a Burn named-MessagePack file, or `reference:NAME`.
    pub weights: Option<String>,
}

impl Default for FaultDetectParams {
    fn default() -> Self {
        Self { samples: 256, seed: 11, train_per_class: 300, test_per_class: 60, widths: [16, 32, 64], weights: None }
    }
}

impl FaultDetectParams {
    /// Checks what serde cannot, naming the first bad parameter.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.samples < 32 {
            return Err(("samples", "must be at least 32".into()));
        }
        crate::workload::require_positive(&[
            ("train_per_class", self.train_per_class),
            ("test_per_class", self.test_per_class),
        ])?;
        if self.widths.contains(&0) {
            return Err(("widths", "every width must be at least 1".into()));
        }
        Ok(())
    }
}
