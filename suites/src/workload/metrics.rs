//! Point-forecast error metrics, accumulated in `f64`.

use thiserror::Error;

/// Why a metric could not be computed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MetricError {
    /// Predictions and targets have different lengths.
    #[error("length mismatch: {pred} predictions vs {target} targets")]
    LengthMismatch {
        /// Number of predictions.
        pred: usize,
        /// Number of targets.
        target: usize,
    },
    /// There were no values at all.
    #[error("no values to score")]
    Empty,
    /// MAPE: every target is (near) zero, so no percentage error exists.
    #[error("MAPE undefined: all {0} targets have |t| < 1e-6")]
    AllTargetsZero(usize),
}

fn check(pred: &[f32], target: &[f32]) -> Result<(), MetricError> {
    if pred.len() != target.len() {
        return Err(MetricError::LengthMismatch { pred: pred.len(), target: target.len() });
    }
    if pred.is_empty() {
        return Err(MetricError::Empty);
    }
    Ok(())
}

/// Mean squared error.
pub fn mse(pred: &[f32], target: &[f32]) -> Result<f64, MetricError> {
    check(pred, target)?;
    let sum: f64 = pred.iter().zip(target).map(|(&p, &t)| (f64::from(p) - f64::from(t)).powi(2)).sum();
    Ok(sum / pred.len() as f64)
}

/// Mean absolute error.
pub fn mae(pred: &[f32], target: &[f32]) -> Result<f64, MetricError> {
    check(pred, target)?;
    let sum: f64 = pred.iter().zip(target).map(|(&p, &t)| (f64::from(p) - f64::from(t)).abs()).sum();
    Ok(sum / pred.len() as f64)
}

/// Mean absolute percentage error in percent (`100 * mean |p - t| / |t|`),
/// skipping pairs whose target has `|t| < 1e-6`; errors if none remain.
pub fn mape(pred: &[f32], target: &[f32]) -> Result<f64, MetricError> {
    check(pred, target)?;
    let (mut sum, mut count) = (0.0f64, 0usize);
    for (&p, &t) in pred.iter().zip(target) {
        let t = f64::from(t);
        if t.abs() < 1e-6 {
            continue;
        }
        sum += ((f64::from(p) - t) / t).abs();
        count += 1;
    }
    if count == 0 {
        return Err(MetricError::AllTargetsZero(target.len()));
    }
    Ok(100.0 * sum / count as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_values() {
        let p = [1.0, 2.0, 5.0, 0.0];
        let t = [2.0, 2.0, 3.0, 4.0];
        // errors: -1, 0, 2, -4
        assert!((mse(&p, &t).unwrap() - 21.0 / 4.0).abs() < 1e-12);
        assert!((mae(&p, &t).unwrap() - 7.0 / 4.0).abs() < 1e-12);
        // |e|/|t|: 0.5, 0, 2/3, 1 -> mean 13/24 -> 54.1666..%
        assert!((mape(&p, &t).unwrap() - 100.0 * 13.0 / 24.0).abs() < 1e-9);
    }

    #[test]
    fn mape_skips_zero_targets_and_errors_if_all_zero() {
        assert!((mape(&[1.0, 3.0], &[0.0, 2.0]).unwrap() - 50.0).abs() < 1e-12);
        assert_eq!(mape(&[1.0], &[1e-7]), Err(MetricError::AllTargetsZero(1)));
    }

    #[test]
    fn length_and_empty_errors() {
        assert_eq!(mse(&[1.0], &[1.0, 2.0]), Err(MetricError::LengthMismatch { pred: 1, target: 2 }));
        assert_eq!(mae(&[], &[]), Err(MetricError::Empty));
        assert_eq!(mape(&[], &[]), Err(MetricError::Empty));
        assert_eq!(mae(&[1.0], &[]).unwrap_err().to_string(), "length mismatch: 1 predictions vs 0 targets");
    }
}
