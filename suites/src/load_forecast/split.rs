//! Chronological train/validation/test splits.

use crate::load_forecast::series::DataError;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Train/validation/test ranges over a series (half-open index ranges).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// Training steps.
    pub train: Range<usize>,
    /// Validation steps (directly after training).
    pub validation: Range<usize>,
    /// Test steps (directly after validation).
    pub test: Range<usize>,
}

impl Split {
    /// Chronological split: the first `floor(len·train)` steps train, the next
    /// `floor(len·(train+validation)) - train_end` validate, the rest test.
    /// Fractions must be finite, `train > 0`, `validation >= 0`, and leave
    /// non-empty train and test ranges.
    pub fn by_fractions(len: usize, train: f64, validation: f64) -> Result<Split, DataError> {
        if !(train.is_finite()
            && validation.is_finite()
            && train > 0.0
            && validation >= 0.0
            && train + validation < 1.0)
        {
            return Err(DataError::Invalid(format!(
                "split fractions need train > 0, validation >= 0, train + validation < 1; got {train}, {validation}"
            )));
        }
        let train_end = (len as f64 * train).floor() as usize;
        let val_end = ((len as f64 * (train + validation)).floor() as usize).clamp(train_end, len);
        if train_end == 0 || val_end >= len {
            return Err(DataError::TooShort { needed: len + 1, got: len });
        }
        Ok(Split { train: 0..train_end, validation: train_end..val_end, test: val_end..len })
    }

    /// The ETT benchmark convention: 12/4/4 months of 30 days, i.e. train
    /// `0..8640`, validation `8640..11520`, test `11520..14400`; later steps
    /// are unused. Needs `len >= 14400`.
    pub fn ett_standard(len: usize) -> Result<Split, DataError> {
        const MONTH: usize = 30 * 24;
        if len < 20 * MONTH {
            return Err(DataError::TooShort { needed: 20 * MONTH, got: len });
        }
        Ok(Split { train: 0..12 * MONTH, validation: 12 * MONTH..16 * MONTH, test: 16 * MONTH..20 * MONTH })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits() {
        let s = Split::by_fractions(100, 0.7, 0.1).unwrap();
        assert_eq!((s.train, s.validation, s.test), (0..70, 70..80, 80..100));
        let s = Split::ett_standard(17_420).unwrap();
        assert_eq!((s.train, s.validation, s.test), (0..8640, 8640..11_520, 11_520..14_400));
        assert!(matches!(Split::ett_standard(14_399), Err(DataError::TooShort { needed: 14_400, got: 14_399 })));
        for (t, v) in [(0.0, 0.1), (0.9, 0.1), (f64::NAN, 0.1), (0.5, -0.1)] {
            assert!(Split::by_fractions(100, t, v).is_err());
        }
        assert!(Split::by_fractions(1, 0.5, 0.2).is_err());
    }
}
