//! The measured figures: throughput from the trials' samples and windows,
//! percentiles from the HDR histograms, energy and J/inference from the
//! trials' joules, intervals from the trials (seeded bootstrap), the
//! compute rates and the token figures.

use hdrhistogram::Histogram;

use super::Findings;
use crate::energy::{aggregate, EnergyMethod, EnergyReport, TrialEnergy};
use crate::results::{EarlyStoppingEstimate, RunRecord, TrialRecord};
use crate::stats::uncertainty::{spread, Spread};
use crate::stats::{decode_histogram, LatencySummary};
use crate::validity::Thresholds;

/// Samples per second of a window, as the harness computes it.
fn rate(samples: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        samples as f64 / seconds
    } else {
        0.0
    }
}

/// Checks a summary against its own histogram; returns the histogram.
fn latency(f: &mut Findings, field: &str, s: &LatencySummary) -> Option<Histogram<u64>> {
    let h = match decode_histogram(&s.hdr) {
        Ok(h) => h,
        Err(e) => {
            f.note(&format!("{field}.hdr"), "an HDR histogram", e);
            return None;
        }
    };
    match LatencySummary::from_histogram(&h) {
        Ok(r) => {
            for (name, got, want) in [
                ("p50", s.p50, r.p50),
                ("p90", s.p90, r.p90),
                ("p99", s.p99, r.p99),
                ("p999", s.p999, r.p999),
                ("max", s.max, r.max),
                ("min", s.min, r.min),
                ("count", s.count, r.count),
            ] {
                f.eq(&format!("{field}.{name}"), got, want);
            }
            f.f64(&format!("{field}.mean"), s.mean, r.mean);
        }
        Err(e) => f.note(&format!("{field}.hdr"), "an HDR histogram", e),
    }
    Some(h)
}

fn spread_fields(f: &mut Findings, field: &str, got: &Spread, want: &Spread) {
    f.eq(&format!("{field}.n"), got.n, want.n);
    for (name, a, b) in [
        ("mean", got.mean, want.mean),
        ("std_dev", got.std_dev, want.std_dev),
        ("cv", got.cv, want.cv),
        ("min", got.min, want.min),
        ("max", got.max, want.max),
    ] {
        f.f64(&format!("{field}.{name}"), a, b);
    }
    f.pair(&format!("{field}.ci95"), got.ci95, want.ci95);
}

/// A trial's own figures from its samples, window and joules.
fn trial(f: &mut Findings, i: usize, t: &TrialRecord) {
    let p = format!("trials[{i}]");
    f.f64(&format!("{p}.throughput_per_s"), t.throughput_per_s, rate(t.samples, t.duration_s));
    let e = &t.energy;
    let Some(j) = e.joules.filter(|_| e.method != EnergyMethod::Unmeasured) else {
        f.opt(&format!("{p}.energy.j_per_inference"), e.j_per_inference, None);
        return;
    };
    parts(f, &format!("{p}.energy"), e);
    let per = |x: f64| (t.samples > 0).then(|| x / t.samples as f64);
    f.opt(&format!("{p}.energy.j_per_inference"), e.j_per_inference, per(j));
    f.opt(&format!("{p}.energy.avg_power_w"), e.avg_power_w, (e.window_s > 0.0).then(|| j / e.window_s));
    let net = e.idle_w.map(|w| j - w * e.window_s);
    f.opt(&format!("{p}.energy.net_joules"), e.net_joules, net);
    f.opt(&format!("{p}.energy.net_j_per_inference"), e.net_j_per_inference, net.and_then(per));
}

/// A meter of several counters: the recorded joules are the sum of its parts.
fn parts(f: &mut Findings, field: &str, e: &EnergyReport) {
    if let (false, Some(j)) = (e.parts.is_empty(), e.joules) {
        f.f64(&format!("{field}.joules (sum of parts)"), j, e.parts.iter().map(|p| p.joules).sum());
    }
}

/// The run's energy against the aggregate of `trials`' energy.
fn energy(f: &mut Findings, got: &EnergyReport, want: &EnergyReport, intervals: bool) {
    f.eq("energy.method", got.method, want.method);
    f.opt("energy.joules", got.joules, want.joules);
    f.opt("energy.j_per_inference", got.j_per_inference, want.j_per_inference);
    f.opt("energy.avg_power_w", got.avg_power_w, want.avg_power_w);
    f.opt("energy.idle_w", got.idle_w, want.idle_w);
    f.opt("energy.net_joules", got.net_joules, want.net_joules);
    f.opt("energy.net_j_per_inference", got.net_j_per_inference, want.net_j_per_inference);
    parts(f, "energy", got);
    if intervals {
        // A run's own trials: each part is the sum of that part over the trials.
        if got.parts.len() == want.parts.len() {
            for (i, (a, b)) in got.parts.iter().zip(&want.parts).enumerate() {
                f.f64(&format!("energy.parts[{i}].joules"), a.joules, b.joules);
            }
        } else {
            f.note("energy.parts (count)", got.parts.len(), want.parts.len());
        }
        f.pair("energy.j_per_inference_ci95", got.j_per_inference_ci95, want.j_per_inference_ci95);
        f.pair("energy.net_j_per_inference_ci95", got.net_j_per_inference_ci95, want.net_j_per_inference_ci95);
    }
}

fn aggregate_of(trials: &[TrialRecord], seed: u64) -> EnergyReport {
    let energies: Vec<TrialEnergy<'_>> =
        trials.iter().map(|t| TrialEnergy { report: &t.energy, inferences: t.samples }).collect();
    let period = trials
        .iter()
        .filter_map(|t| t.idle_before.as_ref()?.counter_period_s)
        .fold(None, |m: Option<f64>, p| Some(m.map_or(p, |m| m.max(p))));
    aggregate(&energies, period, seed)
}

/// A spread of a per-trial figure against the one recorded.
fn per_trial_spread(
    f: &mut Findings,
    field: &str,
    got: Option<&Spread>,
    rec: &RunRecord,
    value: impl Fn(&TrialRecord) -> Option<f64>,
) {
    let v: Vec<f64> = rec.trials.iter().filter_map(value).collect();
    match (got, spread(&v, rec.settings.seed).ok()) {
        (Some(g), Some(w)) => spread_fields(f, field, g, &w),
        (None, None) => {}
        (g, w) => f.note(field, g.map(|s| s.mean), w.map(|s| s.mean)),
    }
}

/// The figures of a run's own trials (not a merge).
fn single(rec: &RunRecord, f: &mut Findings) {
    let seed = rec.settings.seed;
    f.f64("duration_s", rec.duration_s, rec.trials.iter().map(|t| t.duration_s).sum());
    let throughputs: Vec<f64> = rec.trials.iter().map(|t| t.throughput_per_s).collect();
    match spread(&throughputs, seed) {
        Ok(s) => {
            f.f64("throughput_per_s", rec.throughput_per_s, s.mean);
            f.pair("throughput_ci95_per_s", rec.throughput_ci95_per_s, s.ci95);
            spread_fields(f, "trial_stats.throughput_per_s", &rec.trial_stats.throughput_per_s, &s);
        }
        Err(e) => f.note("trials", "finite throughputs", e.to_string()),
    }
    let gross = |t: &TrialRecord| t.energy.j_per_inference;
    let net = |t: &TrialRecord| t.energy.net_j_per_inference;
    per_trial_spread(f, "trial_stats.j_per_inference", rec.trial_stats.j_per_inference.as_ref(), rec, gross);
    per_trial_spread(f, "trial_stats.net_j_per_inference", rec.trial_stats.net_j_per_inference.as_ref(), rec, net);
    energy(f, &rec.energy, &aggregate_of(&rec.trials, seed), true);
    let p = &rec.performance;
    f.eq("performance.flops_per_sample", p.flops_per_sample, rec.model.flops_per_sample);
    f.f64("performance.achieved_flops_per_s", p.achieved_flops_per_s, p.flops_per_sample as f64 * rec.throughput_per_s);
    if let Some(s) = &rec.server {
        f.f64("server.achieved_qps", s.achieved_qps, rate(rec.samples, rec.duration_s));
    }
}

/// The figures of a merge of `k` shards: the trials are the shards' trials in
/// order, `settings.trials` each; throughputs, energy, idle and power add.
fn merged(rec: &RunRecord, k: usize, f: &mut Findings) {
    let per = rec.settings.trials.max(1);
    // `settings.trials` comes from the file: no overflow on a hostile value.
    if k.checked_mul(per) != Some(rec.trials.len()) {
        f.note("trials", format!("{} trials", rec.trials.len()), format!("{k} shards of {per} trials"));
        return;
    }
    let seed = rec.settings.seed;
    let shards: Vec<&[TrialRecord]> = rec.trials.chunks(per).collect();
    let duration = shards.iter().map(|s| s.iter().map(|t| t.duration_s).sum::<f64>()).fold(0.0, f64::max);
    f.f64("duration_s", rec.duration_s, duration);
    let spreads: Vec<Spread> = match shards
        .iter()
        .map(|s| spread(&s.iter().map(|t| t.throughput_per_s).collect::<Vec<_>>(), seed))
        .collect()
    {
        Ok(v) => v,
        Err(e) => return f.note("trials", "finite throughputs", e.to_string()),
    };
    f.f64("throughput_per_s", rec.throughput_per_s, spreads.iter().map(|s| s.mean).sum());
    let ci = spreads.iter().try_fold([0.0, 0.0], |acc, s| s.ci95.map(|[a, b]| [acc[0] + a, acc[1] + b]));
    f.pair("throughput_ci95_per_s", rec.throughput_ci95_per_s, ci);
    let parts: Vec<EnergyReport> = shards.iter().map(|s| aggregate_of(s, seed)).collect();
    let same = parts.iter().all(|p| p.method == parts[0].method);
    let sum = |get: fn(&EnergyReport) -> Option<f64>| parts.iter().try_fold(0.0, |acc, p| get(p).map(|x| acc + x));
    let mut want = parts[0].clone();
    want.joules = sum(|p| p.joules).filter(|_| same);
    want.net_joules = sum(|p| p.net_joules).filter(|_| same);
    want.idle_w = sum(|p| p.idle_w);
    want.avg_power_w = sum(|p| p.avg_power_w);
    let measured = same && want.method != EnergyMethod::Unmeasured && rec.samples > 0;
    want.j_per_inference = want.joules.filter(|_| measured).map(|j| j / rec.samples as f64);
    want.net_j_per_inference = want.net_joules.filter(|_| measured).map(|j| j / rec.samples as f64);
    if !same {
        want.method = EnergyMethod::Unmeasured;
    }
    energy(f, &rec.energy, &want, false);
}

/// Checks every measured figure of `rec`.
pub(super) fn check(rec: &RunRecord, f: &mut Findings) {
    if rec.trials.is_empty() {
        return f.note("trials", "no trial", "at least one trial");
    }
    for (i, t) in rec.trials.iter().enumerate() {
        trial(f, i, t);
    }
    f.eq("samples", rec.samples, rec.trials.iter().map(|t| t.samples).sum());
    f.eq("queries", rec.queries, rec.trials.iter().map(|t| t.queries).sum());
    match rec.merged_from.len() {
        0 | 1 => single(rec, f),
        k => merged(rec, k, f),
    }
    if let Some(h) = latency(f, "latency_ns", &rec.latency_ns) {
        f.eq("latency_ns.count", rec.latency_ns.count, rec.queries);
        let es = EarlyStoppingEstimate::of(&h, &Thresholds::default());
        f.eq("latency_early_stopping", &rec.latency_early_stopping, &es);
    }
    if let Some(s) = &rec.server {
        latency(f, "server.scheduler_lateness_ns", &s.scheduler_lateness_ns);
    }
    if let Some(g) = &rec.generation {
        latency(f, "generation.ttft_ns", &g.ttft_ns);
        latency(f, "generation.itl_ns", &g.itl_ns);
        let tokens = g.output_tokens as f64;
        let per_token = |j: Option<f64>| j.filter(|_| tokens > 0.0).map(|j| j / tokens);
        f.opt("generation.j_per_output_token", g.j_per_output_token, per_token(rec.energy.joules));
        f.opt("generation.net_j_per_output_token", g.net_j_per_output_token, per_token(rec.energy.net_joules));
        f.opt("generation.j_per_request", g.j_per_request, rec.energy.j_per_inference);
        if g.j_per_total_token.is_some() {
            // Written since results record it (older files lack it).
            let all = (g.prompt_tokens + g.output_tokens) as f64;
            let want = rec.energy.joules.filter(|_| all > 0.0).map(|j| j / all);
            f.opt("generation.j_per_total_token", g.j_per_total_token, want);
        }
        if rec.merged_from.len() < 2 {
            f.f64("generation.output_tokens_per_s", g.output_tokens_per_s, tokens / rec.duration_s.max(1e-9));
        }
    }
}
