//! The leaderboard: per workload and scenario, VALID runs that pass their
//! quality gate, ordered by inferences per joule (or throughput, or p99
//! latency). Runs whose 95% intervals overlap the group leader's share its
//! rank: a tie is shown as a tie, not as a made-up order.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::LoadedResult;
use crate::energy::EnergyMethod;
use crate::stats::uncertainty::intervals_overlap;

/// What runs are ordered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RankBy {
    /// Inferences per joule (gross), higher first. The default.
    Energy,
    /// Inferences per second, higher first.
    Throughput,
    /// Early-stopping p99 latency, lower first.
    P99,
}

impl FromStr for RankBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "energy" => Ok(RankBy::Energy),
            "throughput" => Ok(RankBy::Throughput),
            "p99" => Ok(RankBy::P99),
            _ => Err(format!("unknown ranking `{s}` (expected energy, throughput or p99)")),
        }
    }
}

impl fmt::Display for RankBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RankBy::Energy => "inferences/J",
            RankBy::Throughput => "inferences/s",
            RankBy::P99 => "p99 ms",
        })
    }
}

/// A ranked run.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RankedRun {
    /// Competition rank (1 is best); tied runs share it.
    pub rank: usize,
    /// Whether the run ties with the one ranked before it.
    pub tied: bool,
    /// The ranked value (in the unit of `RankBy`).
    pub value: f64,
    /// Its 95% interval, when the run had several trials.
    pub interval: Option<[f64; 2]>,
    /// Device name (GPU model or CPU model) and run device.
    pub device: String,
    /// Backend and precision.
    pub backend: String,
    /// Samples per query.
    pub batch_size: usize,
    /// Result file.
    pub file: String,
}

/// A run left out of the ranking, and why.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExcludedRun {
    /// Device name and run device.
    pub device: String,
    /// Why it is not ranked.
    pub reason: String,
    /// Result file.
    pub file: String,
}

/// The leaderboard of one workload and scenario.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Ranking {
    /// Workload id.
    pub workload: String,
    /// Scenario.
    pub scenario: String,
    /// What the runs are ordered by.
    pub by: RankBy,
    /// Ranked runs, best first.
    pub ranked: Vec<RankedRun>,
    /// Runs left out, with reasons.
    pub excluded: Vec<ExcludedRun>,
}

fn device_label(r: &LoadedResult) -> String {
    format!("{} ({})", r.record.provenance.device.name, r.record.device)
}

/// Why a run may not be ranked by `by`, if it may not.
fn exclusion(r: &LoadedResult, by: RankBy) -> Option<String> {
    let rec = &r.record;
    if rec.quality.passes == Some(false) {
        return Some(format!("fails its quality gate ({} {:.4})", rec.quality.metric, rec.quality.value));
    }
    if rec.quality.passes.is_none() {
        let why =
            rec.quality.gate.strip_prefix("not gated").unwrap_or(&rec.quality.gate).trim_start_matches([':', ' ']);
        return Some(format!("not gated ({why}): only runs that pass their gate are ranked"));
    }
    if !rec.verdict.valid {
        let rules: Vec<&str> = rec.verdict.failed_rules.iter().map(|f| f.rule.as_str()).collect();
        return Some(format!("INVALID ({})", rules.join(", ")));
    }
    if by == RankBy::Energy {
        match (rec.energy.method, rec.energy.j_per_inference) {
            (EnergyMethod::Unmeasured, _) | (_, None) => return Some("energy unmeasured: not ranked on energy".into()),
            (EnergyMethod::Scripted, _) => return Some("scripted energy (test mode): not ranked on energy".into()),
            _ => {}
        }
    }
    if by == RankBy::P99 && rec.latency_early_stopping.latency_ns.is_none() {
        return Some("too few queries to bound the p99".into());
    }
    None
}

/// The value and interval of a rankable run.
fn value(r: &LoadedResult, by: RankBy) -> (f64, Option<[f64; 2]>) {
    let rec = &r.record;
    match by {
        RankBy::Energy => {
            let j = rec.energy.j_per_inference.unwrap_or(f64::INFINITY);
            let interval = rec.energy.j_per_inference_ci95.map(|[lo, hi]| [1.0 / hi, 1.0 / lo]);
            (1.0 / j, interval)
        }
        RankBy::Throughput => (rec.throughput_per_s, rec.throughput_ci95_per_s),
        RankBy::P99 => (rec.latency_early_stopping.latency_ns.unwrap_or(u64::MAX) as f64 / 1e6, None),
    }
}

/// Orders already-valued runs best first and assigns competition ranks with ties.
pub fn assign_ranks(mut runs: Vec<RankedRun>, higher_is_better: bool) -> Vec<RankedRun> {
    runs.sort_by(|a, b| if higher_is_better { b.value.total_cmp(&a.value) } else { a.value.total_cmp(&b.value) });
    let mut leader: Option<(usize, [f64; 2])> = None;
    for (i, run) in runs.iter_mut().enumerate() {
        let interval = run.interval.unwrap_or([run.value, run.value]);
        match leader {
            Some((rank, lead)) if intervals_overlap(lead, interval) => {
                run.rank = rank;
                run.tied = true;
            }
            _ => {
                run.rank = i + 1;
                run.tied = false;
                leader = Some((i + 1, interval));
            }
        }
    }
    runs
}

/// Ranks `results` by `by`, per workload and scenario.
pub fn rank(results: &[LoadedResult], by: RankBy) -> Vec<Ranking> {
    let mut keys: Vec<(String, String)> =
        results.iter().map(|r| (r.record.workload.clone(), r.record.scenario.clone())).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|(workload, scenario)| {
            let group = results.iter().filter(|r| r.record.workload == workload && r.record.scenario == scenario);
            let (mut ranked, mut excluded) = (Vec::new(), Vec::new());
            for r in group {
                let file = r.path.display().to_string();
                match exclusion(r, by) {
                    Some(reason) => excluded.push(ExcludedRun { device: device_label(r), reason, file }),
                    None => {
                        let (value, interval) = value(r, by);
                        ranked.push(RankedRun {
                            rank: 0,
                            tied: false,
                            value,
                            interval,
                            device: device_label(r),
                            backend: format!("{} {}", r.record.backend, r.record.precision),
                            batch_size: r.record.batch_size,
                            file,
                        });
                    }
                }
            }
            let ranked = assign_ranks(ranked, by != RankBy::P99);
            Ranking { workload, scenario, by, ranked, excluded }
        })
        .collect()
}
