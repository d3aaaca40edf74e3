//! Baseline against new: runs matched by configuration, the change in
//! throughput, p99 latency and J/inference with their intervals, and which
//! changes are regressions beyond the noise.

use serde::Serialize;

use super::LoadedResult;
use crate::energy::EnergyMethod;
use crate::stats::uncertainty::{intervals_overlap, spread};

/// What identifies "the same configuration" across two result sets.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ConfigKey {
    /// Workload (task) id.
    pub workload: String,
    /// The engine that executed it.
    pub engine: String,
    /// Scenario.
    pub scenario: String,
    /// Run device (`cpu`, `cuda:0`).
    pub device: String,
    /// Precision.
    pub precision: String,
    /// Batch size.
    pub batch_size: usize,
}

impl ConfigKey {
    pub(crate) fn of(r: &LoadedResult) -> Self {
        let rec = &r.record;
        Self {
            workload: rec.workload.clone(),
            engine: rec.engine.clone(),
            scenario: rec.scenario.clone(),
            device: rec.device.clone(),
            precision: rec.precision.clone(),
            batch_size: rec.batch_size,
        }
    }
}

impl std::fmt::Display for ConfigKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Burn, every task's default engine, goes unnamed.
        let engine = if self.engine == crate::suite::BURN { String::new() } else { format!(" [{}]", self.engine) };
        write!(f, "{}{engine} {} {} {} b{}", self.workload, self.scenario, self.device, self.precision, self.batch_size)
    }
}

/// The change of one metric.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Change {
    /// Metric name: `throughput_per_s`, `p99_latency_ms` or `j_per_inference`.
    pub metric: String,
    /// Baseline value.
    pub baseline: f64,
    /// New value.
    pub new: f64,
    /// Baseline 95% interval.
    pub baseline_ci95: Option<[f64; 2]>,
    /// New 95% interval.
    pub new_ci95: Option<[f64; 2]>,
    /// Relative change, signed so that positive is worse.
    pub worse_frac: f64,
    /// Whether the intervals are disjoint (or there are none to judge noise by).
    pub beyond_noise: bool,
    /// Worse than the allowed regression and beyond the noise.
    pub regression: bool,
}

/// One matched configuration.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Comparison {
    /// The configuration.
    pub key: ConfigKey,
    /// Each metric's change.
    pub changes: Vec<Change>,
    /// Metrics that could not be compared, and why.
    pub skipped: Vec<String>,
}

impl Comparison {
    /// Whether any metric regressed.
    pub fn regressed(&self) -> bool {
        self.changes.iter().any(|c| c.regression)
    }
}

/// The whole comparison.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CompareReport {
    /// Allowed worsening, as a fraction.
    pub max_regression: f64,
    /// Matched configurations.
    pub matched: Vec<Comparison>,
    /// Configurations only in the baseline.
    pub only_baseline: Vec<ConfigKey>,
    /// Configurations only in the new results.
    pub only_new: Vec<ConfigKey>,
}

impl CompareReport {
    /// Whether any matched configuration regressed.
    pub fn regressed(&self) -> bool {
        self.matched.iter().any(Comparison::regressed)
    }
}

fn change(
    metric: &str,
    base: (f64, Option<[f64; 2]>),
    new: (f64, Option<[f64; 2]>),
    higher_is_better: bool,
    max: f64,
) -> Change {
    let rel = if base.0 != 0.0 { (new.0 - base.0) / base.0.abs() } else { 0.0 };
    let worse_frac = if higher_is_better { -rel } else { rel };
    let beyond_noise = match (base.1, new.1) {
        (Some(a), Some(b)) => !intervals_overlap(a, b),
        _ => true,
    };
    Change {
        metric: metric.into(),
        baseline: base.0,
        new: new.0,
        baseline_ci95: base.1,
        new_ci95: new.1,
        worse_frac,
        beyond_noise,
        regression: worse_frac > max && beyond_noise,
    }
}

fn p99_ms(r: &LoadedResult) -> (f64, Option<[f64; 2]>) {
    let per_trial: Vec<f64> = r.record.trials.iter().map(|t| t.latency_p99_ns as f64 / 1e6).collect();
    let ci = spread(&per_trial, r.record.settings.seed).ok().and_then(|s| s.ci95);
    (r.record.latency_ns.p99 as f64 / 1e6, ci)
}

fn compare_pair(key: ConfigKey, base: &LoadedResult, new: &LoadedResult, max: f64) -> Comparison {
    let (b, n) = (&base.record, &new.record);
    let mut changes = vec![
        change(
            "throughput_per_s",
            (b.throughput_per_s, b.throughput_ci95_per_s),
            (n.throughput_per_s, n.throughput_ci95_per_s),
            true,
            max,
        ),
        change("p99_latency_ms", p99_ms(base), p99_ms(new), false, max),
    ];
    let mut skipped = Vec::new();
    match (b.energy.j_per_inference, n.energy.j_per_inference) {
        (Some(bj), Some(nj)) if b.energy.method == n.energy.method && b.energy.method != EnergyMethod::Unmeasured => {
            changes.push(change(
                "j_per_inference",
                (bj, b.energy.j_per_inference_ci95),
                (nj, n.energy.j_per_inference_ci95),
                false,
                max,
            ))
        }
        (Some(_), Some(_)) => skipped.push(format!(
            "j_per_inference: measured by {} in the baseline and {} now",
            b.energy.method, n.energy.method
        )),
        _ => skipped.push("j_per_inference: energy unmeasured in the baseline or the new run".into()),
    }
    Comparison { key, changes, skipped }
}

/// Matches `new` against `baseline` by configuration; when a configuration
/// appears several times in a set, its last file (in path order) is used.
pub fn compare(baseline: &[LoadedResult], new: &[LoadedResult], max_regression: f64) -> CompareReport {
    let index = |set: &[LoadedResult]| {
        let mut m = std::collections::BTreeMap::new();
        for r in set {
            m.insert(ConfigKey::of(r), r.clone());
        }
        m
    };
    let (base, newer) = (index(baseline), index(new));
    let matched =
        base.iter().filter_map(|(k, b)| newer.get(k).map(|n| compare_pair(k.clone(), b, n, max_regression))).collect();
    CompareReport {
        max_regression,
        matched,
        only_baseline: base.keys().filter(|k| !newer.contains_key(*k)).cloned().collect(),
        only_new: newer.keys().filter(|k| !base.contains_key(*k)).cloned().collect(),
    }
}
