//! The rules, each a small function of the evidence.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::verdict::{RuleOutcome, Verdict};
use super::{RunEvidence, TrialEvidence};
use crate::stats::uncertainty::EarlyStopping;

/// The bounds the rules hold a run to.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Thresholds {
    /// Largest allowed energy quantisation error of a window, 2 × counter period / window.
    pub quantisation_frac: f64,
    /// Largest allowed |trace − counter| / counter.
    pub trace_tolerance_frac: f64,
    /// Largest allowed SM clock drop across a window.
    pub clock_drop_frac: f64,
    /// Largest allowed temperature change across a window, °C.
    pub temperature_drift_c: f64,
    /// Throughput coefficient of variation across trials above which a warning is raised.
    pub cv_warning: f64,
    /// Latency percentile bounded by early stopping.
    pub latency_percentile: f64,
    /// Confidence of the early-stopping bound.
    pub latency_confidence: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            quantisation_frac: 0.02,
            trace_tolerance_frac: 0.10,
            clock_drop_frac: 0.10,
            temperature_drift_c: 15.0,
            cv_warning: 0.05,
            latency_percentile: 0.99,
            latency_confidence: 0.99,
        }
    }
}

fn outcome(rule: &str, measured: Value, bound: Value, fix: impl Into<String>) -> RuleOutcome {
    RuleOutcome { rule: rule.into(), measured, bound, fix: fix.into() }
}

impl Verdict {
    fn check(&mut self, rule: &str, failure: Option<RuleOutcome>) {
        match failure {
            Some(f) => self.failed_rules.push(f),
            None => self.passed_rules.push(rule.into()),
        }
    }
    fn unchecked(&mut self, rule: &str, why: impl Into<String>) {
        self.unchecked_rules.push(outcome(rule, Value::Null, Value::Null, why));
    }
}

fn durations(e: &RunEvidence) -> Option<RuleOutcome> {
    let shortest = e.trials.iter().map(|t| t.window_s).fold(f64::INFINITY, f64::min);
    (shortest < e.min_duration_s).then(|| {
        outcome(
            "min_duration",
            json!(shortest),
            json!(e.min_duration_s),
            "the window was cut short; run again without interrupting it",
        )
    })
}

fn queries(e: &RunEvidence) -> Option<RuleOutcome> {
    let fewest = e.trials.iter().map(|t| t.queries).min().unwrap_or(0);
    (fewest < e.min_queries)
        .then(|| outcome("min_queries", json!(fewest), json!(e.min_queries), "the window was cut short; run again"))
}

fn early_stopping(e: &RunEvidence, t: &Thresholds) -> Option<RuleOutcome> {
    let es = EarlyStopping { percentile: t.latency_percentile, confidence: t.latency_confidence };
    let needed = es.min_queries();
    (e.latency_queries < needed).then(|| {
        outcome(
            "latency_early_stopping",
            json!(e.latency_queries),
            json!(needed),
            format!(
                "raise min_queries (or min_duration_s) so that at least {needed} queries are timed: fewer cannot bound the p{} at {}% confidence",
                t.latency_percentile * 100.0,
                t.latency_confidence * 100.0
            ),
        )
    })
}

fn energy_window(trials: &[TrialEvidence], t: &Thresholds) -> Option<RuleOutcome> {
    for trial in trials {
        let Some(energy) = &trial.energy else { continue };
        let Some(period) = energy.counter_period_s else {
            return Some(outcome(
                "energy_window",
                Value::Null,
                json!(t.quantisation_frac),
                "the counter's update period was not measured (too few updates while idle): raise idle_s",
            ));
        };
        let error = 2.0 * period / trial.window_s.max(1e-9);
        if error > t.quantisation_frac {
            let needed = 2.0 * period / t.quantisation_frac;
            return Some(outcome(
                "energy_window",
                json!(error),
                json!(t.quantisation_frac),
                format!(
                    "raise min_duration_s to at least {needed:.1} s: the counter updates every {:.0} ms",
                    period * 1e3
                ),
            ));
        }
    }
    None
}

fn trace_agreement(trials: &[TrialEvidence], t: &Thresholds) -> Option<RuleOutcome> {
    let worst = trials.iter().filter_map(|tr| tr.energy.as_ref()?.trace_gap_frac).fold(0.0f64, |a, g| {
        if g.abs() > a.abs() {
            g
        } else {
            a
        }
    });
    (worst.abs() > t.trace_tolerance_frac).then(|| {
        outcome(
            "energy_trace_agreement",
            json!(worst),
            json!(t.trace_tolerance_frac),
            format!(
                "the integrated power trace differs from the energy counter by {:.1}%: make sure nothing else runs on the device, and lengthen the window",
                worst * 100.0
            ),
        )
    })
}

fn throttling(trials: &[TrialEvidence], t: &Thresholds) -> Option<RuleOutcome> {
    for trial in trials {
        let (Some(a), Some(b)) = (&trial.device_start, &trial.device_end) else { continue };
        let reasons: Vec<&String> = a.throttle_reasons.iter().chain(&b.throttle_reasons).collect();
        if !reasons.is_empty() {
            return Some(outcome("throttling", json!(reasons), json!([]), "the device throttled: improve cooling, check the power limit, or lengthen the cool-down between trials"));
        }
        if let (Some(c0), Some(c1)) = (a.sm_clock_mhz, b.sm_clock_mhz) {
            let drop = (f64::from(c0) - f64::from(c1)) / f64::from(c0.max(1));
            if drop > t.clock_drop_frac {
                return Some(outcome(
                    "clock_drop",
                    json!(drop),
                    json!(t.clock_drop_frac),
                    format!(
                        "the SM clock fell from {c0} to {c1} MHz during the window: lock clocks or cool the device"
                    ),
                ));
            }
        }
        if let (Some(t0), Some(t1)) = (a.temperature_c, b.temperature_c) {
            let drift = (f64::from(t1) - f64::from(t0)).abs();
            if drift > t.temperature_drift_c {
                return Some(outcome("temperature_drift", json!(drift), json!(t.temperature_drift_c), format!("the temperature moved from {t0} to {t1} °C during the window: warm up longer so it settles first")));
            }
        }
    }
    None
}

/// Applies every rule to `e`.
pub fn judge(e: &RunEvidence, t: &Thresholds) -> Verdict {
    let mut v = Verdict::default();
    v.check("min_duration", durations(e));
    v.check("min_queries", queries(e));
    if e.latency_bound_scenario {
        v.check("latency_early_stopping", early_stopping(e, t));
    }
    if let Some((bound, estimate)) = e.latency_bound {
        let miss = match estimate {
            Some(est) if est <= bound => None,
            est => Some(outcome(
                "latency_bound",
                json!(est),
                json!(bound),
                "reduce the target rate (target_qps): the p99 latency exceeds the scenario's bound",
            )),
        };
        v.check("latency_bound", miss);
    }
    if let Some(f) = &e.request_failures {
        v.check("request_failures", super::endpoint_rules::check(f));
    }
    if let Some(slo) = &e.slo {
        v.check("slo", super::endpoint_rules::check_slo(slo));
    }
    let measured = e.trials.iter().any(|tr| tr.energy.is_some());
    if measured {
        v.check("energy_window", energy_window(&e.trials, t));
        if e.trials.iter().any(|tr| tr.energy.as_ref().is_some_and(|en| en.trace_gap_frac.is_some())) {
            v.check("energy_trace_agreement", trace_agreement(&e.trials, t));
        } else {
            v.unchecked("energy_trace_agreement", "no power trace on this device");
        }
    } else {
        v.unchecked("energy_window", "energy unmeasured on this device");
        v.unchecked("energy_trace_agreement", "energy unmeasured on this device");
    }
    match &e.monitor_unavailable {
        None => v.check("throttling", throttling(&e.trials, t)),
        Some(why) => v.unchecked("throttling", why.clone()),
    }
    match e.quality_passes {
        Some(passes) => {
            let (metric, value, threshold) = &e.quality;
            let miss = (!passes).then(|| {
                outcome(
                    "quality_gate",
                    json!(value),
                    json!(threshold),
                    format!("{metric} misses the workload's gate: use the reference weights or retrain"),
                )
            });
            v.check("quality_gate", miss);
        }
        None => v.unchecked("quality_gate", "this workload's quality is not gated"),
    }
    if let Some(cv) = e.throughput_cv.filter(|cv| *cv > t.cv_warning) {
        v.warnings.push(outcome(
            "throughput_variation",
            json!(cv),
            json!(t.cv_warning),
            format!(
                "throughput varies {:.1}% across trials: stop other work on the machine, or add trials",
                cv * 100.0
            ),
        ));
    }
    v.valid = v.failed_rules.is_empty();
    v
}
