//! Parameters of the dispatch-proxy workload.

use serde::{Deserialize, Serialize};

/// Every knob of the dispatch-proxy workload, with the `quick` size as default.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DispatchProxyParams {
    /// The power system: `ieee118` or `ieee14` (built in, from PGLib-OPF), or a
    /// MATPOWER case file resolved against the data folder.
    pub case: String,
    /// Seed of the load draws (validation seed + 1, test seed + 2) and of a random initialisation.
    pub seed: u64,
    /// Half-width of the system-wide load factor around nominal.
    pub spread: f64,
    /// Labelled samples to train on.
    pub train_samples: usize,
    /// Labelled samples held out (also the performance samples).
    pub test_samples: usize,
    /// Width of each hidden layer.
    pub width: usize,
    /// Hidden layers.
    pub depth: usize,
    /// Optional weights: a Burn named-MessagePack file, or `reference:NAME`.
    pub weights: Option<String>,
    /// Buses and target generators of the case, once its data has been
    /// made (not a suite parameter).
    #[serde(skip)]
    pub sizes: Option<(usize, usize)>,
}

impl Default for DispatchProxyParams {
    fn default() -> Self {
        Self {
            case: "ieee118".into(),
            seed: 23,
            spread: super::scenarios::DEFAULT_SPREAD,
            train_samples: 6000,
            test_samples: 500,
            width: 256,
            depth: 3,
            weights: None,
            sizes: None,
        }
    }
}

impl DispatchProxyParams {
    /// Checks what serde cannot, naming the first bad parameter.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        crate::workload::require_positive(&[
            ("train_samples", self.train_samples),
            ("test_samples", self.test_samples),
            ("width", self.width),
            ("depth", self.depth),
        ])?;
        if !(0.0..1.0).contains(&self.spread) {
            return Err(("spread", format!("must be in [0, 1), got {}", self.spread)));
        }
        if self.case.trim().is_empty() {
            return Err(("case", "must name a case: ieee118, ieee14 or a MATPOWER file".into()));
        }
        Ok(())
    }
}
