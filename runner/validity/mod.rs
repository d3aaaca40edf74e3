//! One verdict per run, VALID or INVALID, in the manner of MLPerf LoadGen:
//! every rule that failed is named with what was measured, the bound it
//! broke and the fix. Rules that could not be checked on this device are
//! listed with the reason, never silently passed.

mod endpoint_rules;
mod evidence;
mod rules;
mod verdict;

pub use evidence::{EnergyEvidence, FailureEvidence, RunEvidence, TrialEvidence};
pub use rules::{judge, Thresholds};
pub use verdict::{RuleOutcome, Verdict};

#[cfg(test)]
mod tests;
