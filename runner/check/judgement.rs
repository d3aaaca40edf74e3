//! The judgements: the quality gate from the reference cards built into
//! this binary and the sha256 of the data, and the verdict from its rules.

use wattbench_workloads::reference;
use wattbench_workloads::tensor_workload::quality::{ACCURACY_FRACTION, ERROR_TOLERANCE};

use super::{close, Findings};
use crate::results::RunRecord;
use crate::stats::decode_histogram;
use crate::stats::uncertainty::spread;
use crate::validity::{judge, EnergyEvidence, RunEvidence, Thresholds, TrialEvidence};

/// The workload whose gate is its own seasonal-naive baseline on the same
/// test split (no reference card).
const BASELINE_GATED: &str = "load-forecast";

/// The threshold the reference of `card_metric` sets: 1% worse for an error
/// metric, 99% of an accuracy.
fn threshold_of(metric: &str, reference_metric: f64) -> f64 {
    if metric == "accuracy" {
        reference_metric * ACCURACY_FRACTION
    } else {
        reference_metric * (1.0 + ERROR_TOLERANCE)
    }
}

/// The gate: a threshold only where a reference card was scored on the
/// data the result names, equal to the card's; `passes` from the value.
/// Returns whether the run passes its gate as recomputed (None: not gated).
fn gate(rec: &RunRecord, f: &mut Findings) -> Option<bool> {
    let q = &rec.quality;
    let Some(t) = q.threshold else {
        f.eq("quality.passes", q.passes, None);
        return None;
    };
    if let Some(a) = &rec.answers {
        // A question set's gate is the suite's minimum accuracy: the value is
        // the score recorded beside it, and the question set is the data.
        f.eq("quality.value", q.value, a.score.accuracy);
        f.eq("answers.question_set_sha256", a.question_set_sha256.as_str(), rec.data.sha256.as_str());
        f.eq("quality.lower_is_better", q.lower_is_better, false);
    } else if rec.workload == BASELINE_GATED && q.gate_data_sha256.is_none() {
        f.opt("quality.threshold", Some(t), q.baseline);
    } else {
        let Some(sha) = q.gate_data_sha256.as_deref() else {
            f.note("quality.gate_data_sha256", "none", "the sha256 of the data the gate was set on");
            return q.passes;
        };
        let cards = reference::cards_for_data(&rec.workload, sha);
        let candidates: Vec<f64> =
            cards.iter().filter(|c| c.metric == q.metric).map(|c| threshold_of(&c.metric, c.test_metric)).collect();
        if !candidates.iter().any(|&c| close(c, t)) {
            let want = if candidates.is_empty() {
                format!("not gated: no reference card of {} was scored on data sha256 {sha}", rec.workload)
            } else {
                format!("{candidates:?}")
            };
            f.note("quality.threshold", t, want);
        }
        f.eq("quality.lower_is_better", q.lower_is_better, q.metric != "accuracy");
    }
    let passes = if q.lower_is_better { q.value <= t } else { q.value >= t };
    // A merge's verdict on quality is every shard's; its value is the first's.
    if rec.merged_from.len() < 2 {
        f.eq("quality.passes", q.passes, Some(passes));
    }
    Some(passes)
}

/// The verdict from its rules, with the evidence in the file.
fn verdict(rec: &RunRecord, passes: Option<bool>, f: &mut Findings) {
    let v = &rec.verdict;
    if rec.merged_from.len() > 1 {
        f.eq("verdict.valid", v.valid, v.failed_rules.is_empty());
        // A merge keeps every shard's failed rules; it judges nothing anew.
        return;
    }
    let t = Thresholds::default();
    let es_bound =
        decode_histogram(&rec.latency_ns.hdr).ok().map(|h| crate::results::EarlyStoppingEstimate::of(&h, &t));
    let throughputs: Vec<f64> = rec.trials.iter().map(|t| t.throughput_per_s).collect();
    let cv = spread(&throughputs, rec.settings.seed).ok().filter(|s| s.n > 1).map(|s| s.cv);
    let monitor_unavailable = v.unchecked_rules.iter().find(|r| r.rule == "throttling").map(|r| r.fix.clone());
    let evidence = RunEvidence {
        latency_bound_scenario: rec.scenario != "offline",
        min_duration_s: rec.settings.min_duration_s,
        min_queries: rec.settings.min_queries,
        trials: rec
            .trials
            .iter()
            .map(|t| TrialEvidence {
                window_s: t.duration_s,
                queries: t.queries,
                energy: t.energy.joules.map(|_| EnergyEvidence {
                    method: t.energy.method,
                    counter_period_s: t.idle_before.as_ref().and_then(|i| i.counter_period_s),
                    trace_gap_frac: t.energy.trace_gap_frac,
                }),
                device_start: t.device_start.clone(),
                device_end: t.device_end.clone(),
            })
            .collect(),
        latency_queries: rec.latency_ns.count,
        latency_bound: rec.server.as_ref().map(|s| (s.latency_bound_ns, es_bound.as_ref().and_then(|e| e.latency_ns))),
        quality_passes: passes,
        quality: (rec.quality.metric.clone(), rec.quality.value, rec.quality.threshold),
        throughput_cv: cv,
        monitor_unavailable,
        request_failures: rec.endpoint.as_ref().map(|e| e.failure_evidence()),
        slo: rec.endpoint.as_ref().and_then(|e| e.slo.clone()),
    };
    let want = judge(&evidence, &t);
    let names = |r: &[crate::validity::RuleOutcome]| r.iter().map(|o| o.rule.clone()).collect::<Vec<_>>();
    f.eq("verdict.valid", v.valid, want.valid);
    f.eq("verdict.failed_rules", names(&v.failed_rules), names(&want.failed_rules));
    f.eq("verdict.passed_rules", &v.passed_rules, &want.passed_rules);
    f.eq("verdict.warnings", names(&v.warnings), names(&want.warnings));
}

/// Checks the gate and the verdict of `rec`.
pub(super) fn check(rec: &RunRecord, f: &mut Findings) {
    let passes = gate(rec, f);
    verdict(rec, passes, f);
}
