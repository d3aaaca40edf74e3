//! Combining the energy of repeated trials into one figure with its interval
//! and error budget.

use super::{EnergyMethod, EnergyReport, ErrorBudget, MeterEdges, PartReading, WindowMeasurement};
use crate::stats::uncertainty::spread;

/// One trial's energy report with its inference count and idle measurements.
pub struct TrialEnergy<'a> {
    /// The trial's report.
    pub report: &'a EnergyReport,
    /// Inferences in the trial's window.
    pub inferences: u64,
}

/// Sums the trials' energy and windows; the interval of J/inference comes
/// from the spread across trials. Unmeasured if any trial was.
pub fn aggregate(trials: &[TrialEnergy<'_>], counter_period_s: Option<f64>, seed: u64) -> EnergyReport {
    let Some(first) = trials.first() else {
        return EnergyReport::unmeasured("no trials", 0.0);
    };
    let window_s: f64 = trials.iter().map(|t| t.report.window_s).sum();
    if let Some(t) = trials.iter().find(|t| t.report.method == EnergyMethod::Unmeasured || t.report.joules.is_none()) {
        let mut r = EnergyReport::unmeasured(t.report.note.as_deref().unwrap_or("unmeasured"), window_s);
        r.scope = t.report.scope.clone();
        return r;
    }
    let gross: f64 = trials.iter().filter_map(|t| t.report.joules).sum();
    let idles: Vec<f64> = trials.iter().filter_map(|t| t.report.idle_w).collect();
    let idle_w = (idles.len() == trials.len()).then(|| idles.iter().sum::<f64>() / idles.len() as f64);
    let mut report = EnergyReport::from_window(&WindowMeasurement {
        method: first.report.method,
        scope: first.report.scope.clone(),
        window_s,
        gross_j: Some(gross),
        idle_w,
        inferences: trials.iter().map(|t| t.inferences).sum(),
        trace: None,
        edges: MeterEdges { parts: summed_parts(trials), remote_reads: Vec::new() },
    });
    let traced: Vec<f64> = trials.iter().filter_map(|t| t.report.trace_integrated_j).collect();
    if traced.len() == trials.len() && gross != 0.0 {
        let total: f64 = traced.iter().sum();
        report.trace_integrated_j = Some(total);
        report.trace_gap_frac = Some((total - gross) / gross);
    }
    report.trace_samples = trials.iter().map(|t| t.report.trace_samples).sum();

    let per: Vec<f64> = trials.iter().filter_map(|t| t.report.j_per_inference).collect();
    let net: Vec<f64> = trials.iter().filter_map(|t| t.report.net_j_per_inference).collect();
    let per_spread = spread(&per, seed).ok();
    report.j_per_inference_ci95 = per_spread.as_ref().and_then(|s| s.ci95);
    report.net_j_per_inference_ci95 = spread(&net, seed).ok().and_then(|s| s.ci95);
    let shortest = trials.iter().map(|t| t.report.window_s).fold(f64::INFINITY, f64::min);
    report.error_budget = Some(ErrorBudget {
        counter_period_s,
        quantisation_frac: counter_period_s.map(|p| 2.0 * p / shortest.max(1e-9)),
        trial_cv: per_spread.filter(|s| s.n > 1).map(|s| s.cv),
        trace_gap_frac: trials
            .iter()
            .filter_map(|t| t.report.trace_gap_frac)
            .fold(None, |worst: Option<f64>, g| Some(worst.map_or(g, |w| if g.abs() > w.abs() { g } else { w }))),
        ..remote_budget(trials)
    });
    report
}

/// Each part's joules summed over the trials, in the first trial's order;
/// empty unless every trial has the same parts.
pub fn summed_parts(trials: &[TrialEnergy<'_>]) -> Vec<PartReading> {
    let Some(first) = trials.first() else { return Vec::new() };
    let same = trials.iter().all(|t| {
        t.report.parts.len() == first.report.parts.len()
            && t.report.parts.iter().zip(&first.report.parts).all(|(a, b)| a.scope == b.scope)
    });
    if !same {
        return Vec::new();
    }
    first
        .report
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| PartReading {
            scope: p.scope.clone(),
            joules: trials.iter().map(|t| t.report.parts[i].joules).sum(),
        })
        .collect()
}

/// The remote meter's part of the error budget: RTT, clock offsets, edge uncertainty.
fn remote_budget(trials: &[TrialEnergy<'_>]) -> ErrorBudget {
    let reads: Vec<_> = trials.iter().flat_map(|t| t.report.remote_reads.iter()).collect();
    let mut budget = ErrorBudget {
        counter_period_s: None,
        quantisation_frac: None,
        trial_cv: None,
        trace_gap_frac: None,
        remote_rtt_max_s: None,
        remote_clock_offset_s: None,
        remote_edge_frac: None,
    };
    if reads.is_empty() {
        return budget;
    }
    budget.remote_rtt_max_s = reads.iter().map(|r| r.rtt_s).reduce(f64::max);
    let offsets = reads.iter().map(|r| r.clock_offset_s);
    budget.remote_clock_offset_s =
        Some([offsets.clone().fold(f64::INFINITY, f64::min), offsets.fold(f64::NEG_INFINITY, f64::max)]);
    budget.remote_edge_frac = trials
        .iter()
        .filter(|t| t.report.window_s > 0.0)
        .map(|t| t.report.remote_reads.iter().map(|r| r.rtt_s).sum::<f64>() / t.report.window_s)
        .reduce(f64::max);
    budget
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trial(joules: f64, window_s: f64, idle_w: f64, inferences: u64) -> EnergyReport {
        EnergyReport::from_window(&WindowMeasurement {
            method: EnergyMethod::Scripted,
            scope: "test".into(),
            window_s,
            gross_j: Some(joules),
            idle_w: Some(idle_w),
            inferences,
            trace: None,
            edges: MeterEdges::default(),
        })
    }

    #[test]
    fn sums_energy_and_gives_an_interval() {
        let reports = [trial(100.0, 10.0, 2.0, 1000), trial(110.0, 10.0, 2.0, 1000), trial(105.0, 10.0, 4.0, 1000)];
        let trials: Vec<_> = reports.iter().map(|r| TrialEnergy { report: r, inferences: 1000 }).collect();
        let agg = aggregate(&trials, Some(0.1), 1);
        assert_eq!(agg.joules, Some(315.0));
        assert_eq!(agg.window_s, 30.0);
        assert!((agg.j_per_inference.unwrap() - 0.105).abs() < 1e-12);
        assert!((agg.idle_w.unwrap() - 8.0 / 3.0).abs() < 1e-12);
        assert!((agg.net_joules.unwrap() - (315.0 - 80.0)).abs() < 1e-9);
        let [lo, hi] = agg.j_per_inference_ci95.unwrap();
        assert!(lo <= 0.105 && 0.105 <= hi && lo >= 0.1 && hi <= 0.11, "{lo} {hi}");
        let budget = agg.error_budget.unwrap();
        assert!((budget.quantisation_frac.unwrap() - 0.02).abs() < 1e-12);
        assert!(budget.trial_cv.unwrap() > 0.0);
    }

    #[test]
    fn parts_add_up_across_trials_and_remote_reads_fill_the_budget() {
        use crate::energy::RemoteRead;
        let with = |a: f64, b: f64, rtt: f64, offset: f64| {
            let mut r = trial(a + b, 10.0, 1.0, 100);
            r.parts = vec![
                PartReading { scope: "cuda:0".into(), joules: a },
                PartReading { scope: "cuda:1".into(), joules: b },
            ];
            r.remote_reads = vec![RemoteRead { rtt_s: rtt, clock_offset_s: offset }; 2];
            r
        };
        let reports = [with(60.0, 40.0, 0.002, -0.5), with(70.0, 30.0, 0.004, 0.25)];
        let trials: Vec<_> = reports.iter().map(|r| TrialEnergy { report: r, inferences: 100 }).collect();
        let agg = aggregate(&trials, None, 1);
        assert_eq!(agg.parts.iter().map(|p| p.joules).collect::<Vec<_>>(), vec![130.0, 70.0]);
        assert_eq!(agg.joules, Some(200.0));
        let b = agg.error_budget.unwrap();
        assert_eq!(b.remote_rtt_max_s, Some(0.004));
        assert_eq!(b.remote_clock_offset_s, Some([-0.5, 0.25]));
        assert!((b.remote_edge_frac.unwrap() - 0.008 / 10.0).abs() < 1e-15);
        // A local run's budget has no remote entries (and writes none).
        let plain = [trial(1.0, 1.0, 0.0, 1)];
        let b = aggregate(&[TrialEnergy { report: &plain[0], inferences: 1 }], None, 1).error_budget.unwrap();
        assert!(b.remote_rtt_max_s.is_none() && !serde_json::to_string(&b).unwrap().contains("remote"));
    }

    #[test]
    fn one_unmeasured_trial_makes_the_whole_unmeasured() {
        let a = trial(100.0, 10.0, 2.0, 10);
        let b = EnergyReport::unmeasured("no counter", 10.0);
        let agg = aggregate(
            &[TrialEnergy { report: &a, inferences: 10 }, TrialEnergy { report: &b, inferences: 10 }],
            None,
            1,
        );
        assert_eq!(agg.method, EnergyMethod::Unmeasured);
        assert!(agg.joules.is_none() && agg.j_per_inference_ci95.is_none());
    }
}
