//! Merging results of the same configuration from several machines or
//! shards: latency histograms merge exactly, samples and energy add. The
//! shards are taken to have run side by side, so their throughputs add too.

use std::collections::BTreeMap;

use thiserror::Error;

use super::compare::ConfigKey;
use super::merge_check::{check_group, Mismatch};
use super::LoadedResult;
use crate::energy::EnergyMethod;
use crate::results::{EarlyStoppingEstimate, RunRecord, ShardSource};
use crate::stats::{decode_histogram, LatencySummary};
use crate::validity::{RuleOutcome, Thresholds};

/// Why results cannot be merged.
#[derive(Debug, Error)]
pub enum MergeError {
    /// A latency histogram did not decode or merge.
    #[error("{file}: {reason}")]
    Histogram {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
    /// Results of the same configuration that do not belong together.
    #[error("{} field(s) differ between results of the same configuration; nothing merged", .0.len())]
    Mismatched(Vec<Mismatch>),
    /// Endpoint shards that metered the same serving GPUs: adding their energy would count it twice.
    #[error("{file}: metered the same serving GPUs as another shard ({scope}); their energy cannot be added, nothing merged")]
    SharedMeter {
        /// The later shard's file.
        file: String,
        /// The meter both read.
        scope: String,
    },
}

fn add_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? + b?)
}

fn merge_group(group: &[&LoadedResult]) -> Result<RunRecord, MergeError> {
    let first = group[0];
    let mut out = first.record.clone();
    // Written by this version: inputs of an older schema were read into this one.
    out.schema_version = crate::results::SCHEMA_VERSION;
    if let [only] = group {
        // A configuration seen once (a shard of a plan) is returned as it is,
        // intervals and all: only where it came from is added.
        let file = wattbench_workloads::portable_path(&only.path.display().to_string());
        out.shards = ShardSource::of(&file, &only.record);
        if out.merged_from.is_empty() {
            out.merged_from = vec![file];
        }
        return Ok(out);
    }
    let mut hist = decode_histogram(&first.record.latency_ns.hdr)
        .map_err(|reason| MergeError::Histogram { file: first.path.display().to_string(), reason })?;
    out.merged_from = vec![wattbench_workloads::portable_path(&first.path.display().to_string())];
    out.shards = ShardSource::of(&out.merged_from[0], &first.record);
    let same_method = group.iter().all(|r| r.record.energy.method == first.record.energy.method);
    for r in &group[1..] {
        let file = r.path.display().to_string();
        let rec = &r.record;
        let h = decode_histogram(&rec.latency_ns.hdr)
            .map_err(|reason| MergeError::Histogram { file: file.clone(), reason })?;
        hist.add(&h).map_err(|e| MergeError::Histogram { file: file.clone(), reason: format!("{e:?}") })?;
        out.samples += rec.samples;
        out.queries += rec.queries;
        out.duration_s = out.duration_s.max(rec.duration_s);
        out.throughput_per_s += rec.throughput_per_s;
        out.throughput_ci95_per_s = match (out.throughput_ci95_per_s, rec.throughput_ci95_per_s) {
            (Some([a, b]), Some([c, d])) => Some([a + c, b + d]),
            _ => None,
        };
        out.energy.joules = add_opt(out.energy.joules, rec.energy.joules);
        out.energy.net_joules = add_opt(out.energy.net_joules, rec.energy.net_joules);
        out.energy.idle_w = add_opt(out.energy.idle_w, rec.energy.idle_w);
        out.energy.avg_power_w = add_opt(out.energy.avg_power_w, rec.energy.avg_power_w);
        // Each metered part adds like the joules when every shard has the same parts; otherwise none is kept.
        let same_parts = out.energy.parts.len() == rec.energy.parts.len()
            && out.energy.parts.iter().zip(&rec.energy.parts).all(|(a, b)| a.scope == b.scope);
        let serving = rec.endpoint.is_some() && !rec.energy.parts.is_empty();
        if serving && same_parts {
            return Err(MergeError::SharedMeter { file, scope: rec.energy.scope.clone() });
        }
        if same_parts {
            out.energy.parts.iter_mut().zip(&rec.energy.parts).for_each(|(a, b)| a.joules += b.joules);
        } else {
            out.energy.parts.clear();
        }
        out.trials.extend(rec.trials.iter().cloned());
        if !rec.verdict.valid {
            out.verdict.valid = false;
            out.verdict.failed_rules.extend(rec.verdict.failed_rules.iter().map(|f| RuleOutcome {
                rule: f.rule.clone(),
                measured: f.measured.clone(),
                bound: f.bound.clone(),
                fix: format!("{}: {}", wattbench_workloads::portable_path(&file), f.fix),
            }));
        }
        out.generation = match (out.generation.take(), &rec.generation) {
            (Some(mut g), Some(h)) => {
                g.merge_shard(h).map_err(|reason| MergeError::Histogram { file: file.clone(), reason })?;
                Some(g)
            }
            _ => None,
        };
        out.quality.passes = match (out.quality.passes, rec.quality.passes) {
            (Some(a), Some(b)) => Some(a && b),
            (a, b) => a.or(b),
        };
        let file = wattbench_workloads::portable_path(&file);
        out.shards.extend(ShardSource::of(&file, rec));
        out.merged_from.push(file);
    }
    let samples = out.samples as f64;
    let measured = same_method && out.energy.method != EnergyMethod::Unmeasured;
    out.energy.j_per_inference = out.energy.joules.filter(|_| measured && samples > 0.0).map(|j| j / samples);
    out.energy.net_j_per_inference = out.energy.net_joules.filter(|_| measured && samples > 0.0).map(|j| j / samples);
    out.energy.j_per_inference_ci95 = None;
    out.energy.net_j_per_inference_ci95 = None;
    out.energy.power_trace_w.clear();
    let note =
        format!("merged from {} results: energy and samples add; intervals are not derivable from shards", group.len());
    out.energy.note = Some(match out.energy.note.take() {
        Some(n) => format!("{n}; {note}"),
        None => note,
    });
    if !same_method {
        out.energy.method = EnergyMethod::Unmeasured;
        out.energy.joules = None;
        out.energy.net_joules = None;
        out.energy.parts.clear();
    }
    if let Some(g) = out.generation.as_mut() {
        g.set_energy(out.energy.joules, out.energy.net_joules, out.energy.j_per_inference);
    }
    // J per correct answer follows the merged energy (the score is the first shard's: one question set).
    if let Some(a) = out.answers.take() {
        out.answers = Some(crate::results::AnswersRecord::new(a.score, &a.question_set_sha256, &out.energy));
    }
    out.latency_ns = LatencySummary::from_histogram(&hist)
        .map_err(|reason| MergeError::Histogram { file: "merged".into(), reason })?;
    out.latency_early_stopping = EarlyStoppingEstimate::of(&hist, &Thresholds::default());
    Ok(out)
}

/// Merges every configuration that appears in `results`, returning one
/// record per configuration (a configuration seen once is returned as is,
/// with `merged_from` naming its file). Refuses, naming every differing
/// field, when results of one configuration come from different suites,
/// data, weights, wattbench builds or settings.
pub fn merge(results: &[LoadedResult]) -> Result<Vec<RunRecord>, MergeError> {
    let mut groups: BTreeMap<ConfigKey, Vec<&LoadedResult>> = BTreeMap::new();
    for r in results {
        groups.entry(ConfigKey::of(r)).or_default().push(r);
    }
    let mismatches: Vec<Mismatch> = groups.iter().flat_map(|(key, g)| check_group(key, g)).collect();
    if !mismatches.is_empty() {
        return Err(MergeError::Mismatched(mismatches));
    }
    groups.values().map(|g| merge_group(g)).collect()
}
