//! Uncertainty statistics for wattbench: spread summaries with bootstrap
//! confidence intervals, MLPerf-LoadGen-style early stopping for latency
//! percentiles, and seeded Poisson arrival schedules.
//!
//! Everything is deterministic for a given seed (splitmix64 PRNG).

pub mod bootstrap;
pub mod early_stopping;
pub mod poisson;
pub mod summary;

pub use bootstrap::{bootstrap_mean_ci, intervals_overlap, DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES};
pub use early_stopping::EarlyStopping;
pub use poisson::poisson_schedule;
pub use summary::{spread, Spread};

/// Errors returned by the uncertainty statistics functions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    /// The input slice was empty.
    #[error("no values given")]
    Empty,
    /// An input value was NaN or infinite.
    #[error("value at index {index} is not finite")]
    NonFinite {
        /// Position of the first offending value.
        index: usize,
    },
    /// A confidence level outside the open interval (0, 1).
    #[error("confidence must be in (0, 1), got {0}")]
    InvalidConfidence(f64),
    /// A percentile outside the open interval (0, 1).
    #[error("percentile must be in (0, 1), got {0}")]
    InvalidPercentile(f64),
    /// An arrival rate that is not finite and positive (or too small to use).
    #[error("rate must be finite and > 0 (and >= 1e-300), got {0}")]
    InvalidRate(f64),
    /// A bootstrap was requested with zero resamples.
    #[error("resample count must be at least 1")]
    ZeroResamples,
    /// A requested output size could not be allocated.
    #[error("cannot allocate {0} elements")]
    TooLarge(usize),
}

/// Errors on an empty slice or on the first non-finite value.
pub(crate) fn check_finite(values: &[f64]) -> Result<(), StatsError> {
    if values.is_empty() {
        return Err(StatsError::Empty);
    }
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(StatsError::NonFinite { index }),
        None => Ok(()),
    }
}

/// Arithmetic mean; 0 for an empty slice; avoids overflow of the running sum.
pub(crate) fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let n = values.len() as f64;
    let m = values.iter().sum::<f64>() / n;
    if m.is_finite() {
        m
    } else {
        // Mathematically the mean lies in [min, max]; clamp rounding overshoot.
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        values.iter().map(|v| v / n).sum::<f64>().clamp(lo.min(hi), hi.max(lo))
    }
}

/// Validates a probability-like parameter in the open interval (0, 1).
pub(crate) fn in_unit_open(x: f64) -> bool {
    x > 0.0 && x < 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finite_checks() {
        assert_eq!(check_finite(&[]), Err(StatsError::Empty));
        assert_eq!(check_finite(&[1.0, f64::NAN]), Err(StatsError::NonFinite { index: 1 }));
        assert!(check_finite(&[1.0, 2.0]).is_ok());
    }

    #[test]
    fn mean_does_not_overflow() {
        assert_eq!(mean(&[]), 0.0);
        assert_eq!(mean(&[1.0, 2.0, 3.0]), 2.0);
        let m = mean(&[f64::MAX, f64::MAX, f64::MAX]);
        assert!(m.is_finite() && m > 1e308);
    }

    #[test]
    fn error_messages_are_one_line() {
        let errs = [
            StatsError::Empty,
            StatsError::NonFinite { index: 3 },
            StatsError::InvalidConfidence(1.5),
            StatsError::InvalidPercentile(-1.0),
            StatsError::InvalidRate(0.0),
            StatsError::ZeroResamples,
            StatsError::TooLarge(7),
        ];
        for e in errs {
            let s = e.to_string();
            assert!(!s.is_empty() && !s.contains('\n'), "{s}");
        }
    }
}
