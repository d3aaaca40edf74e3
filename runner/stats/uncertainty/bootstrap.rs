//! Percentile bootstrap confidence intervals for the mean, driven by a
//! seeded splitmix64 generator so results are reproducible.

use wattbench_workloads::rng::SplitMix64;

use crate::stats::uncertainty::{check_finite, in_unit_open, mean, StatsError};

/// Confidence level used by default callers (e.g. [`crate::stats::uncertainty::spread`]).
pub const DEFAULT_CONFIDENCE: f64 = 0.95;
/// Number of bootstrap resamples used by default callers.
pub const DEFAULT_RESAMPLES: usize = 10_000;

/// Percentile-bootstrap confidence interval `[lo, hi]` of the mean of `values`.
///
/// Draws `resamples` resamples with replacement (seeded, deterministic), takes
/// the empirical `(1-confidence)/2` and `(1+confidence)/2` quantiles of the
/// resample means (linear interpolation). For a single value returns `[v, v]`.
/// Errors on empty/non-finite input, confidence outside (0, 1), zero resamples.
pub fn bootstrap_mean_ci(values: &[f64], confidence: f64, resamples: usize, seed: u64) -> Result<[f64; 2], StatsError> {
    check_finite(values)?;
    if !in_unit_open(confidence) {
        return Err(StatsError::InvalidConfidence(confidence));
    }
    if resamples == 0 {
        return Err(StatsError::ZeroResamples);
    }
    if let [v] = values {
        return Ok([*v, *v]);
    }
    let n = values.len();
    let mut means: Vec<f64> = Vec::new();
    means.try_reserve_exact(resamples).map_err(|_| StatsError::TooLarge(resamples))?;
    let mut rng = SplitMix64::new(seed);
    let mut scratch = vec![0.0; n];
    for _ in 0..resamples {
        for s in scratch.iter_mut() {
            *s = values.get(rng.next_below(n as u64) as usize).copied().unwrap_or(0.0);
        }
        means.push(mean(&scratch));
    }
    means.sort_by(f64::total_cmp);
    let alpha = 1.0 - confidence;
    Ok([quantile_sorted(&means, alpha / 2.0), quantile_sorted(&means, 1.0 - alpha / 2.0)])
}

/// Linear-interpolated quantile of an ascending slice; 0 for an empty slice.
fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let last = sorted.len().saturating_sub(1);
    let pos = q.clamp(0.0, 1.0) * last as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let (a, b) = match (sorted.get(lo), sorted.get(hi)) {
        (Some(a), Some(b)) => (*a, *b),
        _ => return 0.0,
    };
    let f = pos - lo as f64;
    if f == 0.0 {
        a
    } else {
        a * (1.0 - f) + b * f
    }
}

/// True when the closed intervals `a` and `b` share at least one point
/// (bounds given in either order).
pub fn intervals_overlap(a: [f64; 2], b: [f64; 2]) -> bool {
    let (a0, a1) = (a[0].min(a[1]), a[0].max(a[1]));
    let (b0, b1) = (b[0].min(b[1]), b[0].max(b[1]));
    a0 <= b1 && b0 <= a1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = SplitMix64::new(seed);
        (0..n).map(|_| 10.0 + 4.0 * rng.next_f64()).collect()
    }

    #[test]
    fn ci_contains_mean() {
        let v = sample(200, 1);
        let ci = bootstrap_mean_ci(&v, 0.95, 2_000, 7).unwrap();
        let m = mean(&v);
        assert!(ci[0] < m && m < ci[1], "{ci:?} {m}");
    }

    #[test]
    fn narrows_with_more_data() {
        let small = bootstrap_mean_ci(&sample(20, 2), 0.95, 2_000, 3).unwrap();
        let large = bootstrap_mean_ci(&sample(2_000, 2), 0.95, 2_000, 3).unwrap();
        assert!(large[1] - large[0] < (small[1] - small[0]) / 3.0);
    }

    #[test]
    fn constant_sample_zero_width() {
        let ci = bootstrap_mean_ci(&[0.1; 37], 0.95, 500, 9).unwrap();
        assert_eq!(ci[0], ci[1]);
        assert!((ci[0] - 0.1).abs() < 1e-12);
    }

    #[test]
    fn deterministic_for_seed() {
        let v = sample(50, 4);
        let a = bootstrap_mean_ci(&v, 0.95, 1_000, 42).unwrap();
        let b = bootstrap_mean_ci(&v, 0.95, 1_000, 42).unwrap();
        let c = bootstrap_mean_ci(&v, 0.95, 1_000, 43).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn edge_cases() {
        assert_eq!(bootstrap_mean_ci(&[3.5], 0.95, 10, 0).unwrap(), [3.5, 3.5]);
        assert_eq!(bootstrap_mean_ci(&[], 0.95, 10, 0), Err(StatsError::Empty));
        assert!(bootstrap_mean_ci(&[1.0, f64::INFINITY], 0.95, 10, 0).is_err());
        assert!(bootstrap_mean_ci(&[1.0, 2.0], 1.0, 10, 0).is_err());
        assert!(bootstrap_mean_ci(&[1.0, 2.0], f64::NAN, 10, 0).is_err());
        assert_eq!(bootstrap_mean_ci(&[1.0, 2.0], 0.9, 0, 0), Err(StatsError::ZeroResamples));
        assert!(bootstrap_mean_ci(&[1.0, 2.0], 0.9, usize::MAX, 0).is_err());
        let big = bootstrap_mean_ci(&[f64::MAX, -f64::MAX, f64::MAX], 0.9, 100, 0).unwrap();
        assert!(big[0].is_finite() && big[1].is_finite());
    }

    #[test]
    fn overlap() {
        assert!(intervals_overlap([0.0, 1.0], [1.0, 2.0]));
        assert!(intervals_overlap([0.0, 3.0], [1.0, 2.0]));
        assert!(intervals_overlap([2.0, 0.0], [1.0, 5.0]));
        assert!(!intervals_overlap([0.0, 1.0], [1.5, 2.0]));
    }
}
