//! The service-level objectives a suite sets for an endpoint run, checked
//! when the suite is read (what the run achieved against them is `slo`).

use serde::{Deserialize, Serialize};

/// The bounds a suite sets (`slo = { ttft_ms = 2000.0, tpot_ms = 100.0, percentile = 99.0 }`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// Bound on time to first token, milliseconds (from the scheduled arrival).
    #[serde(default)]
    pub ttft_ms: Option<f64>,
    /// Bound on time per output token after the first, milliseconds.
    #[serde(default)]
    pub tpot_ms: Option<f64>,
    /// The percentile both bounds hold at (90 or 99, say).
    #[serde(default = "default_percentile")]
    pub percentile: f64,
}

fn default_percentile() -> f64 {
    99.0
}

impl Slo {
    /// Checks the bounds; a message when they are wrong.
    pub fn check(&self) -> Result<(), String> {
        let ok = |v: Option<f64>| v.is_none_or(|v| v.is_finite() && v > 0.0);
        if self.ttft_ms.is_none() && self.tpot_ms.is_none() {
            return Err("set ttft_ms, tpot_ms or both".into());
        }
        if !ok(self.ttft_ms) || !ok(self.tpot_ms) {
            return Err("ttft_ms and tpot_ms must be positive numbers of milliseconds".into());
        }
        if !(self.percentile.is_finite() && self.percentile >= 50.0 && self.percentile < 100.0) {
            return Err("percentile must be from 50 to below 100 (for example 90 or 99)".into());
        }
        Ok(())
    }
}
