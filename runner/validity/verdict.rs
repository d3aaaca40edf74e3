//! A run's verdict and each rule's outcome, as results record them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One rule's outcome: what was measured, the bound, and how to fix it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RuleOutcome {
    /// Rule name.
    pub rule: String,
    /// The measured value.
    pub measured: Value,
    /// The bound it is held to.
    pub bound: Value,
    /// What to do about it (or, for an unchecked rule, why it was not checked).
    pub fix: String,
}

/// The verdict of one run.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Verdict {
    /// True when no rule failed.
    pub valid: bool,
    /// Rules that failed.
    pub failed_rules: Vec<RuleOutcome>,
    /// Rules that passed but deserve attention.
    pub warnings: Vec<RuleOutcome>,
    /// Names of the rules that were checked and passed.
    pub passed_rules: Vec<String>,
    /// Rules that could not be checked here, with the reason in `fix`.
    pub unchecked_rules: Vec<RuleOutcome>,
}
