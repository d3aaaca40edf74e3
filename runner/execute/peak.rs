//! `--find-peak`: a bounded search for the highest server rate that stays
//! VALID (its early-stopping p99 under the latency bound; for an endpoint
//! with service-level objectives, the objectives met and the failed
//! requests within their bound, so that the search is on goodput),
//! recording every probe. Rates double from the suite's `target_qps` until a probe fails,
//! then bisect between the last VALID and the first INVALID rate.

use super::environment::Environment;
use super::failure::RunFailure;
use super::trial::{run_trial, TrialOutcome};
use crate::device::DeviceFacts;
use crate::endpoint::slo::evaluate;
use crate::endpoint::EndpointSettings;
use crate::engine::Engine;
use crate::results::{EarlyStoppingEstimate, PeakProbe};
use crate::suite::PlannedRun;
use crate::validity::Thresholds;

/// Doubling probes at most.
const MAX_DOUBLINGS: usize = 10;
/// Bisection probes after the first failure.
const BISECTIONS: usize = 4;

fn probe(
    env: &Environment<'_>,
    run: &PlannedRun,
    rate: f64,
    target: &DeviceFacts,
    workload: &mut dyn Engine,
    probes: &mut Vec<PeakProbe>,
) -> Result<(bool, TrialOutcome), RunFailure> {
    let mut settings = run.settings.clone();
    settings.target_qps = Some(rate);
    let trial = run_trial(env, run, &settings, probes.len(), target, workload)?;
    let es = EarlyStoppingEstimate::of(&trial.outcome.latency_ns, &Thresholds::default());
    let bound = run.latency_bound.map(|b| b.as_nanos() as u64).unwrap_or(u64::MAX);
    let window_s = trial.outcome.window.as_secs_f64();
    let slo = match (workload.endpoint_settings(), trial.endpoint.as_ref()) {
        (Some(EndpointSettings { slo: Some(slo), max_failed_frac, .. }), Some(tally)) => {
            let failed_ok = tally.sent > 0 && tally.failed() as f64 <= max_failed_frac * tally.sent as f64;
            Some((evaluate(&slo, tally, window_s), failed_ok))
        }
        _ => None,
    };
    let valid = match &slo {
        Some((s, failed_ok)) => s.met && *failed_ok,
        None => es.latency_ns.is_some_and(|p99| p99 <= bound),
    };
    let achieved = trial.outcome.samples as f64 / window_s.max(1e-9);
    let goodput_per_s = slo.map(|(s, _)| s.goodput_per_s);
    probes.push(PeakProbe { target_qps: rate, achieved_qps: achieved, p99_ns: es.latency_ns, valid, goodput_per_s });
    Ok((valid, trial))
}

/// Searches the peak rate; returns the rate and trial of the best VALID probe
/// (or of the first, failing one, when none was VALID) and every probe.
pub fn find_peak(
    env: &Environment<'_>,
    run: &PlannedRun,
    target: &DeviceFacts,
    workload: &mut dyn Engine,
) -> Result<(f64, TrialOutcome, Vec<PeakProbe>), RunFailure> {
    let mut probes = Vec::new();
    let mut rate = run.settings.target_qps.unwrap_or(10.0);
    let mut best: Option<(f64, TrialOutcome)> = None;
    let mut failed_at: Option<(f64, TrialOutcome)> = None;
    for _ in 0..MAX_DOUBLINGS {
        let (valid, trial) = probe(env, run, rate, target, workload, &mut probes)?;
        if valid {
            best = Some((rate, trial));
            rate *= 2.0;
        } else {
            failed_at = Some((rate, trial));
            break;
        }
    }
    if let (Some(lo), Some(hi)) = (best.as_ref().map(|b| b.0), failed_at.as_ref().map(|f| f.0)) {
        let (mut lo, mut hi) = (lo, hi);
        for _ in 0..BISECTIONS {
            let mid = (lo + hi) / 2.0;
            let (valid, trial) = probe(env, run, mid, target, workload, &mut probes)?;
            if valid {
                lo = mid;
                best = Some((mid, trial));
            } else {
                hi = mid;
            }
        }
    }
    let (rate, trial) = best.or(failed_at).ok_or_else(|| RunFailure::Failed("the peak search ran no probe".into()))?;
    Ok((rate, trial, probes))
}
