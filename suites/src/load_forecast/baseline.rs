//! The seasonal-naive baseline a forecasting model must beat.

use crate::load_forecast::normaliser::Normaliser;
use crate::load_forecast::series::{DataError, HourlySeries};
use crate::load_forecast::windows::{window_starts, WindowSpec};
use std::ops::Range;

/// Seasonal-naive forecasts laid out like [`WindowSet::targets`](crate::load_forecast::windows::WindowSet::targets) for the same
/// arguments: for forecast origin `o = start + input_len` and horizon step
/// `j`, the normalised target at `o - season + (j % season)`, i.e. the last
/// observed season repeated (never a value at or after `o`). The source may
/// lie before `range.start`; needs `season >= 1` and `o >= season` for the
/// first window.
pub fn seasonal_naive(
    series: &HourlySeries,
    range: Range<usize>,
    spec: &WindowSpec,
    norm: &Normaliser,
    season: usize,
) -> Result<Vec<f32>, DataError> {
    let starts = window_starts(series, &range, spec, norm)?;
    let first_origin = range.start + spec.input_len;
    if season == 0 || season > first_origin {
        return Err(DataError::Invalid(format!("season {season} needs 1..={first_origin} steps of history")));
    }
    let mut out = Vec::with_capacity(starts.len().saturating_mul(spec.horizon));
    for &s in &starts {
        let base = s + spec.input_len - season;
        out.extend((0..spec.horizon).map(|j| norm.normalise(0, series.target[base + j % season])));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load_forecast::windows::make_windows;
    use crate::load_forecast::windows::tests::tiny;

    #[test]
    fn seasonal_naive_repeats_last_season() {
        let s = tiny();
        let norm = Normaliser { mean: vec![0.0, 0.0], std: vec![1.0, 1.0] };
        let spec = WindowSpec { input_len: 2, horizon: 3, stride: 1 };
        // Origins 2 and 3; season 2 → sources o-2, o-1, o-2.
        assert_eq!(seasonal_naive(&s, 0..6, &spec, &norm, 2).unwrap(), vec![0.0, 1.0, 0.0, 1.0, 2.0, 1.0]);
        assert_eq!(seasonal_naive(&s, 0..6, &spec, &norm, 1).unwrap(), vec![1.0, 1.0, 1.0, 2.0, 2.0, 2.0]);
        // Season longer than the input reaches before range.start.
        let one = WindowSpec { input_len: 1, horizon: 1, stride: 1 };
        assert_eq!(seasonal_naive(&s, 2..4, &one, &norm, 3).unwrap(), vec![0.0]);
        assert!(seasonal_naive(&s, 0..6, &spec, &norm, 3).is_err());
        assert!(seasonal_naive(&s, 0..6, &spec, &norm, 0).is_err());
        let w = make_windows(&s, 0..6, &spec, &norm).unwrap();
        assert_eq!(seasonal_naive(&s, 0..6, &spec, &norm, 2).unwrap().len(), w.targets.len());
    }
}
