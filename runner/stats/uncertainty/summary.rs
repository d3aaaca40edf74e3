//! Spread summary (mean, sample std-dev, CV, range, bootstrap CI) of repeated
//! benchmark measurements such as per-run throughput or energy.

use serde::{Deserialize, Serialize};

use crate::stats::uncertainty::bootstrap::{bootstrap_mean_ci, DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES};
use crate::stats::uncertainty::{check_finite, mean, StatsError};

/// Summary of the spread of a set of measurements.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Spread {
    /// Number of values.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (divisor n-1); 0 for n < 2.
    pub std_dev: f64,
    /// Coefficient of variation `std_dev / |mean|`; 0 when the mean is 0.
    pub cv: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// 95% percentile-bootstrap CI of the mean (10 000 resamples); None for n < 2.
    pub ci95: Option<[f64; 2]>,
}

/// Summarizes `values`; `seed` drives the bootstrap so results are reproducible.
/// Errors on an empty slice or any NaN/infinite value.
pub fn spread(values: &[f64], seed: u64) -> Result<Spread, StatsError> {
    check_finite(values)?;
    let n = values.len();
    let m = mean(values);
    let std_dev = sample_std_dev(values, m);
    let cv = if m == 0.0 { 0.0 } else { std_dev / m.abs() };
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let ci95 = if n < 2 { None } else { Some(bootstrap_mean_ci(values, DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, seed)?) };
    Ok(Spread { n, mean: m, std_dev, cv, min, max, ci95 })
}

/// Two-pass sample standard deviation; rescales to avoid intermediate overflow.
fn sample_std_dev(values: &[f64], m: f64) -> f64 {
    let n = values.len();
    if n < 2 {
        return 0.0;
    }
    let denom = (n - 1) as f64;
    let ss: f64 = values.iter().map(|v| (v - m) * (v - m)).sum();
    let sd = (ss / denom).sqrt();
    if sd.is_finite() {
        return sd;
    }
    let scale = values.iter().fold(0.0_f64, |a, v| a.max(v.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return 0.0;
    }
    let ms = m / scale;
    let ss: f64 = values.iter().map(|v| (v / scale - ms).powi(2)).sum();
    scale * (ss / denom).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_summary() {
        let s = spread(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], 1).unwrap();
        assert_eq!(s.n, 8);
        assert_eq!(s.mean, 5.0);
        assert!((s.std_dev - (32.0_f64 / 7.0).sqrt()).abs() < 1e-12);
        assert!((s.cv - s.std_dev / 5.0).abs() < 1e-15);
        assert_eq!((s.min, s.max), (2.0, 9.0));
        let ci = s.ci95.unwrap();
        assert!(ci[0] < 5.0 && 5.0 < ci[1]);
        assert_eq!(s, spread(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], 1).unwrap());
    }

    #[test]
    fn single_and_constant() {
        let s = spread(&[3.0], 0).unwrap();
        assert_eq!((s.n, s.std_dev, s.cv, s.ci95), (1, 0.0, 0.0, None));
        let c = spread(&[2.5; 10], 0).unwrap();
        assert_eq!((c.std_dev, c.cv), (0.0, 0.0));
        assert_eq!(c.ci95, Some([2.5, 2.5]));
    }

    #[test]
    fn zero_mean_cv_is_zero() {
        let s = spread(&[-1.0, 1.0], 0).unwrap();
        assert_eq!(s.mean, 0.0);
        assert_eq!(s.cv, 0.0);
        assert!(s.std_dev > 1.0);
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(spread(&[], 0), Err(StatsError::Empty));
        assert_eq!(spread(&[1.0, f64::NAN], 0), Err(StatsError::NonFinite { index: 1 }));
        assert!(spread(&[f64::NEG_INFINITY], 0).is_err());
    }

    #[test]
    fn huge_values_stay_finite() {
        let s = spread(&[1e300, -1e300, 1e300], 0).unwrap();
        assert!(s.std_dev.is_finite() && s.std_dev > 1e300);
    }

    #[test]
    fn serde_roundtrip() {
        let s = spread(&[1.0, 2.0, 3.5], 11).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        let back: Spread = serde_json::from_str(&json).unwrap();
        assert_eq!(s, back);
    }
}
