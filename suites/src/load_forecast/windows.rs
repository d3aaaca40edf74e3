//! Supervised input/target windows over an hourly series.
//!
//! [`Split`] and [`Normaliser`] are re-exported here from their own modules;
//! the seasonal-naive baseline, which windows the series itself, is in
//! `baseline`.

use crate::load_forecast::series::{DataError, HourlySeries};
use serde::{Deserialize, Serialize};
use std::f32::consts::TAU;
use std::ops::Range;

pub use crate::load_forecast::normaliser::Normaliser;
pub use crate::load_forecast::split::Split;

/// Supervised windows: `inputs` is n × input_len × features row-major,
/// `targets` is n × horizon (normalised target).
#[derive(Clone, Debug, PartialEq)]
pub struct WindowSet {
    /// Input features, `n * input_len * features` values.
    pub inputs: Vec<f32>,
    /// Normalised targets, `n * horizon` values.
    pub targets: Vec<f32>,
    /// Number of windows.
    pub n: usize,
    /// Input steps per window.
    pub input_len: usize,
    /// Target steps per window.
    pub horizon: usize,
    /// Features per input step (see [`feature_count`]).
    pub features: usize,
}

impl WindowSet {
    /// Input block of window `i` (`input_len * features` values); empty if
    /// `i >= n`.
    pub fn input(&self, i: usize) -> &[f32] {
        block(&self.inputs, i, self.input_len.saturating_mul(self.features))
    }

    /// Targets of window `i` (`horizon` values); empty if `i >= n`.
    pub fn target(&self, i: usize) -> &[f32] {
        block(&self.targets, i, self.horizon)
    }
}

/// The `i`-th block of `width` values, or empty when out of bounds.
fn block(data: &[f32], i: usize, width: usize) -> &[f32] {
    let start = i.saturating_mul(width);
    let end = start.saturating_add(width);
    data.get(start..end).unwrap_or(&[])
}

/// Window geometry: input length, forecast horizon and stride between starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowSpec {
    /// Input steps per window (≥ 1).
    pub input_len: usize,
    /// Forecast steps per window (≥ 1).
    pub horizon: usize,
    /// Steps between consecutive window starts (≥ 1).
    pub stride: usize,
}

/// Features per step: normalised target, normalised covariates, then sin/cos
/// hour of day, sin/cos day of week and the holiday flag.
pub fn feature_count(series: &HourlySeries) -> usize {
    1 + series.covariates.len() + 5
}

/// Checks everything and returns the window starts within `range`.
pub(crate) fn window_starts(
    series: &HourlySeries,
    range: &Range<usize>,
    spec: &WindowSpec,
    norm: &Normaliser,
) -> Result<Vec<usize>, DataError> {
    series.validate()?;
    if spec.input_len == 0 || spec.horizon == 0 || spec.stride == 0 {
        return Err(DataError::Invalid(format!("window spec needs input_len, horizon, stride >= 1: {spec:?}")));
    }
    if range.start > range.end || range.end > series.len() {
        return Err(DataError::Invalid(format!("range {range:?} outside series of {} steps", series.len())));
    }
    let channels = series.channel_count();
    if norm.mean.len() != channels || norm.std.len() != channels {
        return Err(DataError::Invalid(format!("normaliser has {} channels, series has {channels}", norm.mean.len())));
    }
    let span = spec.input_len.checked_add(spec.horizon).ok_or_else(|| DataError::Invalid("window too long".into()))?;
    let len = range.end - range.start;
    if len < span {
        return Err(DataError::TooShort { needed: span, got: len });
    }
    Ok((range.start..=range.end - span).step_by(spec.stride).collect())
}

/// Builds supervised windows fully inside `range`: window `i` starts at
/// `range.start + i * stride`, inputs cover `[start, start + input_len)` and
/// targets `[start + input_len, start + input_len + horizon)`.
pub fn make_windows(
    series: &HourlySeries,
    range: Range<usize>,
    spec: &WindowSpec,
    norm: &Normaliser,
) -> Result<WindowSet, DataError> {
    let starts = window_starts(series, &range, spec, norm)?;
    let features = feature_count(series);
    let n = starts.len();
    let too_big = || DataError::Invalid(format!("{n} windows of {spec:?} are too large"));
    let in_size = n.checked_mul(spec.input_len).and_then(|x| x.checked_mul(features)).ok_or_else(too_big)?;
    let mut inputs = Vec::with_capacity(in_size);
    let mut targets = Vec::with_capacity(n.checked_mul(spec.horizon).ok_or_else(too_big)?);
    for &s in &starts {
        for t in s..s + spec.input_len {
            inputs.push(norm.normalise(0, series.target[t]));
            for (c, cov) in series.covariates.iter().enumerate() {
                inputs.push(norm.normalise(c + 1, cov[t]));
            }
            let cal = series.calendar[t];
            let h = TAU * f32::from(cal.hour_of_day) / 24.0;
            let d = TAU * f32::from(cal.day_of_week) / 7.0;
            inputs.extend_from_slice(&[h.sin(), h.cos(), d.sin(), d.cos(), f32::from(u8::from(cal.is_holiday))]);
        }
        let first = s + spec.input_len;
        targets.extend(series.target[first..first + spec.horizon].iter().map(|&v| norm.normalise(0, v)));
    }
    Ok(WindowSet { inputs, targets, n, input_len: spec.input_len, horizon: spec.horizon, features })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::load_forecast::series::CalendarStamp;

    /// 6 steps, target 0..6, one covariate 10·t, hours 22,23,0,1,2,3 (day
    /// rolls from Sunday to a Monday holiday at step 2).
    pub(crate) fn tiny() -> HourlySeries {
        let cal = |i: usize| CalendarStamp {
            hour_of_day: ((22 + i) % 24) as u8,
            day_of_week: if i < 2 { 6 } else { 0 },
            day_of_year: if i < 2 { 364 } else { 0 },
            is_holiday: i >= 2,
        };
        HourlySeries {
            target_name: "y".into(),
            target: (0..6).map(|i| i as f32).collect(),
            covariate_names: vec!["x".into()],
            covariates: vec![(0..6).map(|i| 10.0 * i as f32).collect()],
            calendar: (0..6).map(cal).collect(),
        }
    }

    pub(crate) fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
    }

    #[test]
    fn hand_checked_windows() {
        let s = tiny();
        let norm = Normaliser { mean: vec![0.0, 0.0], std: vec![1.0, 10.0] };
        let spec = WindowSpec { input_len: 2, horizon: 1, stride: 2 };
        let w = make_windows(&s, 0..6, &spec, &norm).unwrap();
        assert_eq!((w.n, w.input_len, w.horizon, w.features), (2, 2, 1, 7));
        assert_eq!(feature_count(&s), 7);
        assert_eq!(w.inputs.len(), 2 * 2 * 7);
        let sun = (TAU * 6.0 / 7.0).sin();
        let sun_c = (TAU * 6.0 / 7.0).cos();
        let h22 = TAU * 22.0 / 24.0;
        let h23 = TAU * 23.0 / 24.0;
        #[rustfmt::skip]
        let want0 = [0.0, 0.0, h22.sin(), h22.cos(), sun, sun_c, 0.0,
                     1.0, 1.0, h23.sin(), h23.cos(), sun, sun_c, 0.0];
        assert!(close(w.input(0), &want0));
        #[rustfmt::skip]
        let want1 = [2.0, 2.0, 0.0, 1.0, 0.0, 1.0, 1.0,
                     3.0, 3.0, (TAU / 24.0).sin(), (TAU / 24.0).cos(), 0.0, 1.0, 1.0];
        assert!(close(w.input(1), &want1));
        assert_eq!((w.target(0), w.target(1)), (&[2.0f32][..], &[4.0f32][..]));
        assert!(w.input(2).is_empty() && w.target(2).is_empty());
        let w = make_windows(&s, 1..6, &WindowSpec { input_len: 2, horizon: 2, stride: 1 }, &norm).unwrap();
        assert_eq!(w.n, 2);
        assert_eq!(w.targets, vec![3.0, 4.0, 4.0, 5.0]);
    }

    #[test]
    fn window_errors() {
        let s = tiny();
        let norm = Normaliser::fit(&s, 0..6);
        let spec = WindowSpec { input_len: 4, horizon: 3, stride: 1 };
        assert!(matches!(make_windows(&s, 0..6, &spec, &norm), Err(DataError::TooShort { needed: 7, got: 6 })));
        let zero = WindowSpec { input_len: 1, horizon: 1, stride: 0 };
        assert!(make_windows(&s, 0..6, &zero, &norm).is_err());
        let ok = WindowSpec { input_len: 1, horizon: 1, stride: 1 };
        assert!(make_windows(&s, 0..7, &ok, &norm).is_err());
        assert!(make_windows(&s, 0..6, &ok, &Normaliser { mean: vec![0.0], std: vec![1.0] }).is_err());
        let huge = WindowSpec { input_len: usize::MAX, horizon: 1, stride: 1 };
        assert!(make_windows(&s, 0..6, &huge, &norm).is_err());
    }
}
