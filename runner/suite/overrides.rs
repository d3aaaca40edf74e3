//! Command-line values that replace a suite's settings for every run. They
//! are raw here; `plan` checks each with the same rule as the suite's own
//! value, once, and names the flag when one is out of range.

use crate::backend::Precision;
use crate::device::DeviceSpec;

/// What `wattbench run`'s flags replace in every run of the plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlanOverrides {
    /// `--device`: replaces the suite's device list.
    pub device: Option<DeviceSpec>,
    /// `--precision`: replaces the suite's precision list.
    pub precision: Option<Precision>,
    /// `--min-duration-s`.
    pub min_duration_s: Option<f64>,
    /// `--warmup-s`.
    pub warmup_s: Option<f64>,
    /// `--min-queries`.
    pub min_queries: Option<u64>,
    /// `--idle-s`.
    pub idle_s: Option<f64>,
    /// `--trials`.
    pub trials: Option<u64>,
    /// `--cooldown-s`.
    pub cooldown_s: Option<f64>,
}
