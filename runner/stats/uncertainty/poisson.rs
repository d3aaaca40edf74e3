//! Seeded Poisson arrival schedules for the server scenario.

use crate::stats::uncertainty::StatsError;
use wattbench_workloads::rng::SplitMix64;

/// Arrival offsets in nanoseconds (from time 0) of `count` queries of a
/// Poisson process with `rate_per_s` arrivals per second.
///
/// Inter-arrival gaps are exponential, drawn by inverse CDF `-ln(1-U)/rate`
/// with `U` uniform in [0, 1) from a splitmix64 stream seeded by `seed`. The
/// first arrival comes one gap after 0. Times accumulate as f64
/// nanoseconds and are rounded, so the result is non-decreasing (saturating at
/// `u64::MAX`). Errors if the rate is non-finite, <= 0 or below 1e-300.
pub fn poisson_schedule(rate_per_s: f64, count: usize, seed: u64) -> Result<Vec<u64>, StatsError> {
    if !(rate_per_s.is_finite() && rate_per_s >= 1e-300) {
        return Err(StatsError::InvalidRate(rate_per_s));
    }
    let mean_gap_ns = 1e9 / rate_per_s;
    let mut out: Vec<u64> = Vec::new();
    out.try_reserve_exact(count).map_err(|_| StatsError::TooLarge(count))?;
    let mut rng = SplitMix64::new(seed);
    let mut t = 0.0_f64;
    for _ in 0..count {
        let u = rng.next_f64();
        t += -(-u).ln_1p() * mean_gap_ns;
        out.push(t.round() as u64);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaps(s: &[u64]) -> Vec<f64> {
        let mut prev = 0u64;
        s.iter()
            .map(|&t| {
                let g = (t - prev) as f64;
                prev = t;
                g
            })
            .collect()
    }

    #[test]
    fn mean_and_cv_match_exponential() {
        let rate = 1_000.0;
        let s = poisson_schedule(rate, 100_000, 2024).unwrap();
        assert_eq!(s.len(), 100_000);
        assert!(s.windows(2).all(|w| w[0] <= w[1]));
        let g = gaps(&s);
        let n = g.len() as f64;
        let m = g.iter().sum::<f64>() / n;
        let expected = 1e9 / rate;
        assert!((m - expected).abs() / expected < 0.02, "mean gap {m}");
        let var = g.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
        let cv = var.sqrt() / m;
        assert!((cv - 1.0).abs() < 0.03, "cv {cv}");
    }

    #[test]
    fn deterministic_for_seed() {
        let a = poisson_schedule(50.0, 1_000, 9).unwrap();
        assert_eq!(a, poisson_schedule(50.0, 1_000, 9).unwrap());
        assert_ne!(a, poisson_schedule(50.0, 1_000, 10).unwrap());
    }

    #[test]
    fn rejects_bad_rates_and_handles_edges() {
        for r in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-320] {
            let res = poisson_schedule(r, 10, 0);
            assert!(matches!(res, Err(StatsError::InvalidRate(_))), "{r}");
        }
        assert_eq!(poisson_schedule(1.0, 0, 0).unwrap(), Vec::<u64>::new());
        assert!(poisson_schedule(1.0, usize::MAX, 0).is_err());
        let slow = poisson_schedule(1e-299, 5, 1).unwrap();
        assert!(slow.windows(2).all(|w| w[0] <= w[1]));
    }
}
