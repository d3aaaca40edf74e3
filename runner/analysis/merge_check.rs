//! Whether results of one configuration belong together before they are
//! merged: the same suite, data, weights, wattbench build and settings.
//! Shards of one plan always agree; results from different plans that
//! happen to share a configuration do not, and merging them would add up
//! figures that measure different things.

use super::{ConfigKey, LoadedResult};
use crate::results::RunRecord;

/// The longest value shown in a message (result files may hold anything).
const MAX_SHOWN: usize = 80;

/// One field that differs between two results of the same configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    /// The configuration.
    pub key: ConfigKey,
    /// The field, as named in the result file (`provenance.data_sha256`).
    pub field: &'static str,
    /// The first file and its value.
    pub first: (String, String),
    /// A file that differs from it, and its value.
    pub other: (String, String),
}

/// A value fit for one line of a message: control characters escaped, length bounded.
fn shown(s: &str) -> String {
    let escaped: String = s.chars().flat_map(char::escape_debug).collect();
    if escaped.chars().count() > MAX_SHOWN {
        format!("{}...", escaped.chars().take(MAX_SHOWN).collect::<String>())
    } else {
        escaped
    }
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} differs: \"{}\" in {} but \"{}\" in {}; merge only shards of one plan",
            shown(&self.key.to_string()),
            self.field,
            shown(&self.first.1),
            shown(&self.first.0),
            shown(&self.other.1),
            shown(&self.other.0),
        )
    }
}

/// The fields that must agree, with their values as text.
fn checked_fields(r: &RunRecord) -> Vec<(&'static str, String)> {
    let p = &r.provenance;
    let s = &r.settings;
    let mut fields = vec![
        ("suite", r.suite.clone()),
        ("provenance.suite_sha256", p.suite_sha256.clone()),
        ("provenance.data_sha256", p.data_sha256.clone()),
        ("provenance.weights", p.weights.clone()),
        ("provenance.wattbench_version", p.wattbench_version.clone()),
        ("provenance.git_hash", p.git_hash.clone()),
        ("backend", r.backend.clone()),
        ("engine", r.engine.clone()),
        ("settings.min_duration_s", s.min_duration_s.to_string()),
        ("settings.min_queries", s.min_queries.to_string()),
        ("settings.warmup_s", s.warmup_s.to_string()),
        ("settings.idle_s", s.idle_s.to_string()),
        ("settings.seed", s.seed.to_string()),
        ("settings.trials", s.trials.to_string()),
        ("settings.cooldown_s", s.cooldown_s.to_string()),
    ];
    if let Some(server) = &r.server {
        fields.push(("server.latency_bound_ns", server.latency_bound_ns.to_string()));
        // A peak search's rate is its finding, not a setting.
        if server.peak_search.is_empty() {
            fields.push(("server.target_qps", server.target_qps.to_string()));
        }
    }
    fields
}

/// Every field in which a result of `group` (one configuration) differs
/// from the group's first result: one mismatch per field, naming the first
/// file that differs.
pub fn check_group(key: &ConfigKey, group: &[&LoadedResult]) -> Vec<Mismatch> {
    let Some(first) = group.first() else { return Vec::new() };
    let reference = checked_fields(&first.record);
    let mut out: Vec<Mismatch> = Vec::new();
    for r in &group[1..] {
        for ((field, want), (_, got)) in reference.iter().zip(checked_fields(&r.record)) {
            if *want != got && !out.iter().any(|m| m.field == *field) {
                out.push(Mismatch {
                    key: key.clone(),
                    field,
                    first: (first.path.display().to_string(), want.clone()),
                    other: (r.path.display().to_string(), got),
                });
            }
        }
    }
    out
}
