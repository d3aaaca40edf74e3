//! Combining the energy of repeated trials into one figure with its interval
//! and error budget.

use super::{EnergyMethod, EnergyReport, ErrorBudget, WindowMeasurement};
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
    });
    report
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
