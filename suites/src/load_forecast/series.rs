//! The hourly series type shared by all load-forecast data sources (their
//! errors are the crate's `data::DataError`).

use serde::{Deserialize, Serialize};

pub use crate::data::DataError;

/// Calendar facts of one hourly step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarStamp {
    /// Hour of the day, 0-23.
    pub hour_of_day: u8,
    /// Day of the week, 0 = Monday … 6 = Sunday.
    pub day_of_week: u8,
    /// 0-based day of the year, 0-365.
    pub day_of_year: u16,
    /// Whether the day is a public holiday.
    pub is_holiday: bool,
}

/// An hourly multivariate series: the target (load) plus covariate channels
/// and the calendar of each step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HourlySeries {
    /// Name of the target channel, e.g. `load_mw` or `OT`.
    pub target_name: String,
    /// Target value of each step.
    pub target: Vec<f32>,
    /// Names of the covariate channels, one per entry of `covariates`.
    pub covariate_names: Vec<String>,
    /// Covariate channels, each as long as `target`.
    pub covariates: Vec<Vec<f32>>,
    /// Calendar of each step, as long as `target`.
    pub calendar: Vec<CalendarStamp>,
}

impl HourlySeries {
    /// Number of hourly steps.
    pub fn len(&self) -> usize {
        self.target.len()
    }

    /// Whether the series has no steps.
    pub fn is_empty(&self) -> bool {
        self.target.is_empty()
    }

    /// Number of value channels: the target plus the covariates.
    pub fn channel_count(&self) -> usize {
        1 + self.covariates.len()
    }

    /// Checks that all channels and the calendar have the same length, that
    /// names match channels, that every value is finite and every calendar
    /// field is in range.
    pub fn validate(&self) -> Result<(), DataError> {
        let n = self.len();
        if self.covariate_names.len() != self.covariates.len() {
            return Err(DataError::Invalid(format!(
                "{} covariate names for {} covariate channels",
                self.covariate_names.len(),
                self.covariates.len()
            )));
        }
        if self.calendar.len() != n {
            return Err(DataError::Invalid(format!(
                "calendar has {} steps, target \"{}\" has {n}",
                self.calendar.len(),
                self.target_name
            )));
        }
        let channels =
            std::iter::once((&self.target_name, &self.target)).chain(self.covariate_names.iter().zip(&self.covariates));
        for (name, values) in channels {
            if values.len() != n {
                return Err(DataError::Invalid(format!(
                    "channel \"{name}\" has {} steps, target has {n}",
                    values.len()
                )));
            }
            if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                return Err(DataError::Invalid(format!("channel \"{name}\" step {i}: non-finite value {}", values[i])));
            }
        }
        for (i, c) in self.calendar.iter().enumerate() {
            if c.hour_of_day > 23 || c.day_of_week > 6 || c.day_of_year > 365 {
                return Err(DataError::Invalid(format!("calendar step {i} out of range: {c:?}")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(h: u8) -> CalendarStamp {
        CalendarStamp { hour_of_day: h, day_of_week: 0, day_of_year: 0, is_holiday: false }
    }

    fn small() -> HourlySeries {
        HourlySeries {
            target_name: "load".into(),
            target: vec![1.0, 2.0],
            covariate_names: vec!["t".into()],
            covariates: vec![vec![3.0, 4.0]],
            calendar: vec![stamp(0), stamp(1)],
        }
    }

    #[test]
    fn valid_series_passes() {
        let s = small();
        assert_eq!(s.len(), 2);
        assert!(!s.is_empty());
        assert_eq!(s.channel_count(), 2);
        s.validate().unwrap();
    }

    #[test]
    fn inconsistencies_are_reported() {
        let mut s = small();
        s.covariates[0].push(5.0);
        assert_eq!(s.validate().unwrap_err().to_string(), "invalid data: channel \"t\" has 3 steps, target has 2");
        let mut s = small();
        s.target[1] = f32::NAN;
        assert!(s.validate().unwrap_err().to_string().contains("\"load\" step 1: non-finite"));
        let mut s = small();
        s.calendar.pop();
        assert!(s.validate().is_err());
        let mut s = small();
        s.covariate_names.clear();
        assert!(s.validate().is_err());
        let mut s = small();
        s.calendar[0].hour_of_day = 24;
        assert!(s.validate().is_err());
    }

    #[test]
    fn error_messages_are_one_line() {
        let e = DataError::Malformed {
            path: "ETTh1.csv".into(),
            line: 12,
            column: "OT".into(),
            reason: "not a number: \"abc\"".into(),
        };
        assert_eq!(e.to_string(), "ETTh1.csv line 12, column \"OT\": not a number: \"abc\"");
        let e =
            DataError::MissingColumn { path: "f".into(), column: "X".into(), available: vec!["A".into(), "B".into()] };
        assert_eq!(e.to_string(), "f: no column \"X\" (available: A, B)");
    }
}
