//! MLPerf-LoadGen-style early stopping for latency percentiles.
//!
//! Definition implemented: for `n` i.i.d. latencies (continuous distribution)
//! with sorted order statistics `x_(1) <= .. <= x_(n)`, the number `B` of
//! samples below the true p-quantile `Q_p` is `Binomial(n, p)`, and
//! `x_(k) >= Q_p  <=>  B <= k-1`. So `x_(k)` is a one-sided upper confidence
//! bound for `Q_p` at level `c` iff `P[Binomial(n, p) <= k-1] >= c`. [`rank`]
//! returns the smallest such `k <= n`. The maximum (`k = n`) works iff
//! `1 - p^n >= c`, which gives [`min_queries`].
//!
//! Binomial sums are done in log space via the pmf ratio recurrence, starting
//! from the short tail, so they cost O(n·min(p, 1-p) + sqrt(n)) steps. When
//! `n·p·(1-p) > 1000` a normal approximation with continuity correction and a
//! one-term Cornish–Fisher skewness correction is used instead:
//! `k = ceil(np - 0.5 + z'·sqrt(np(1-p))) + 1`, `z' = z + (z²-1)(1-2p)/(6·sd)`.
//!
//! [`rank`]: EarlyStopping::rank
//! [`min_queries`]: EarlyStopping::min_queries

use serde::{Deserialize, Serialize};

use crate::stats::uncertainty::{in_unit_open, StatsError};

/// Above this `n·p·(1-p)` the normal approximation replaces exact summation.
pub const NORMAL_APPROX_THRESHOLD: f64 = 1000.0;

/// Early-stopping estimator for a latency percentile.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlyStopping {
    /// Target percentile as a fraction in (0, 1), e.g. 0.99.
    pub percentile: f64,
    /// Confidence level in (0, 1), e.g. 0.99.
    pub confidence: f64,
}

impl EarlyStopping {
    /// Validated constructor: both parameters must lie in the open interval (0, 1).
    pub fn new(percentile: f64, confidence: f64) -> Result<Self, StatsError> {
        if !in_unit_open(percentile) {
            return Err(StatsError::InvalidPercentile(percentile));
        }
        if !in_unit_open(confidence) {
            return Err(StatsError::InvalidConfidence(confidence));
        }
        Ok(Self { percentile, confidence })
    }

    fn is_valid(&self) -> bool {
        in_unit_open(self.percentile) && in_unit_open(self.confidence)
    }

    /// True when the maximum of `n` samples bounds the percentile with the
    /// confidence, i.e. `1 - p^n >= c`; false for invalid parameters or n = 0.
    pub fn max_suffices(&self, n: u64) -> bool {
        self.is_valid() && n > 0 && (n as f64) * self.percentile.ln() <= (-self.confidence).ln_1p()
    }

    /// The 1-based rank k of the order statistic that bounds the percentile
    /// with the confidence, or None if n is too small (even the maximum does
    /// not suffice) or the parameters are outside (0, 1).
    pub fn rank(&self, n: u64) -> Option<u64> {
        if !self.max_suffices(n) {
            return None;
        }
        let p = self.percentile;
        let k = if n as f64 * p * (1.0 - p) > NORMAL_APPROX_THRESHOLD {
            self.rank_normal(n)
        } else if p >= 0.5 {
            self.rank_exact_upper(n)
        } else {
            self.rank_exact_lower(n)
        };
        Some(k.clamp(1, n))
    }

    /// The smallest n for which `rank(n)` is Some: `ceil(ln(1-c) / ln p)`,
    /// refined by a local search. `u64::MAX` for invalid parameters.
    pub fn min_queries(&self) -> u64 {
        if !self.is_valid() {
            return u64::MAX;
        }
        let guess = ((-self.confidence).ln_1p() / self.percentile.ln()).ceil();
        if !guess.is_finite() || guess >= u64::MAX as f64 {
            return u64::MAX;
        }
        let mut n = (guess as u64).max(1);
        for _ in 0..64 {
            if n > 1 && self.max_suffices(n - 1) {
                n -= 1;
            } else {
                break;
            }
        }
        for _ in 0..64 {
            if self.max_suffices(n) {
                break;
            }
            n = n.saturating_add(1);
        }
        n
    }

    /// Exact: smallest k with `P[B >= k] <= 1-c`, summing the upper tail from
    /// j = n downwards. Caller guarantees `max_suffices(n)`.
    fn rank_exact_upper(&self, n: u64) -> u64 {
        let (lp, lq) = (self.percentile.ln(), (-self.percentile).ln_1p());
        let ln_alpha = (1.0 - self.confidence).ln();
        let mut log_pmf = n as f64 * lp;
        let mut log_tail = log_pmf;
        let mut k = n;
        while k > 1 {
            let j = k - 1;
            log_pmf += ((j + 1) as f64).ln() - ((n - j) as f64).ln() + lq - lp;
            log_tail = log_add_exp(log_tail, log_pmf);
            if log_tail > ln_alpha {
                break;
            }
            k = j;
        }
        k
    }

    /// Exact: smallest k with `P[B <= k-1] >= c`, summing the CDF from 0 up.
    fn rank_exact_lower(&self, n: u64) -> u64 {
        let (lp, lq) = (self.percentile.ln(), (-self.percentile).ln_1p());
        let ln_c = self.confidence.ln();
        let mut log_pmf = n as f64 * lq;
        let mut log_cdf = log_pmf;
        let mut j = 0u64;
        while log_cdf < ln_c && j + 1 < n {
            log_pmf += ((n - j) as f64).ln() - ((j + 1) as f64).ln() + lp - lq;
            j += 1;
            log_cdf = log_add_exp(log_cdf, log_pmf);
        }
        j + 1
    }

    /// Normal approximation (continuity + Cornish–Fisher skew correction).
    fn rank_normal(&self, n: u64) -> u64 {
        let (p, nf) = (self.percentile, n as f64);
        let sd = (nf * p * (1.0 - p)).sqrt();
        let z = inv_norm_cdf(self.confidence);
        let skew = (1.0 - 2.0 * p) / sd;
        let z_cf = z + (z * z - 1.0) * skew / 6.0;
        let k = (nf * p - 0.5 + z_cf * sd).ceil() + 1.0;
        if !k.is_finite() || k >= nf {
            n
        } else if k < 1.0 {
            1
        } else {
            k as u64
        }
    }
}

/// `ln(e^a + e^b)` without overflow.
fn log_add_exp(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if lo == f64::NEG_INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// Inverse standard normal CDF (Acklam's rational approximation, rel. error
/// about 1.2e-9) for `p` in (0, 1).
fn inv_norm_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] =
        [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    const P_LOW: f64 = 0.02425;
    if p < P_LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail((-2.0 * (-p).ln_1p()).sqrt())
    }
}

#[cfg(test)]
#[path = "early_stopping_tests.rs"]
mod tests;
