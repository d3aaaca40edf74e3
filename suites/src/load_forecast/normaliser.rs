//! Per-channel z-score normalisation fitted on a training range.

use crate::load_forecast::series::HourlySeries;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Per-channel mean and std fitted on the training range; channel 0 is the
/// target, then the covariates in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Normaliser {
    /// Mean of each channel.
    pub mean: Vec<f32>,
    /// Population std of each channel (1.0 where it was 0 or not finite).
    pub std: Vec<f32>,
}

impl Normaliser {
    /// Fits mean and population std (in `f64`) of every channel over `range`,
    /// clipped to the series. An empty range gives mean 0 and std 1.
    pub fn fit(series: &HourlySeries, range: Range<usize>) -> Normaliser {
        let channels = std::iter::once(&series.target).chain(&series.covariates);
        let (mut mean, mut std) = (Vec::new(), Vec::new());
        for values in channels {
            let end = range.end.min(values.len());
            let slice = values.get(range.start.min(end)..end).unwrap_or(&[]);
            let n = slice.len() as f64;
            let m = if slice.is_empty() { 0.0 } else { slice.iter().map(|&v| f64::from(v)).sum::<f64>() / n };
            let var =
                if slice.is_empty() { 1.0 } else { slice.iter().map(|&v| (f64::from(v) - m).powi(2)).sum::<f64>() / n };
            let s = var.sqrt() as f32;
            mean.push(m as f32);
            std.push(if s > 0.0 && s.is_finite() { s } else { 1.0 });
        }
        Normaliser { mean, std }
    }

    fn params(&self, channel: usize) -> (f32, f32) {
        let s = self.std.get(channel).copied().unwrap_or(1.0);
        (self.mean.get(channel).copied().unwrap_or(0.0), if s == 0.0 { 1.0 } else { s })
    }

    /// `(v - mean) / std` for `channel`; an unknown channel leaves `v` as is.
    pub fn normalise(&self, channel: usize, v: f32) -> f32 {
        let (m, s) = self.params(channel);
        (v - m) / s
    }

    /// `v * std + mean` for `channel`; inverse of [`Normaliser::normalise`].
    pub fn denormalise(&self, channel: usize, v: f32) -> f32 {
        let (m, s) = self.params(channel);
        v * s + m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load_forecast::windows::tests::{close, tiny};

    #[test]
    fn normaliser_fit_and_round_trip() {
        let s = tiny();
        let n = Normaliser::fit(&s, 0..4); // target 0,1,2,3: mean 1.5, var 1.25
        assert!(close(&n.mean, &[1.5, 15.0]));
        assert!(close(&n.std, &[1.25f32.sqrt(), 125f32.sqrt()]));
        assert!((n.denormalise(1, n.normalise(1, 42.0)) - 42.0).abs() < 1e-4);
        let mut flat = tiny();
        flat.covariates[0] = vec![7.0; 6];
        assert_eq!(Normaliser::fit(&flat, 0..6).std[1], 1.0);
        assert_eq!(Normaliser::fit(&s, 9..20).std, vec![1.0, 1.0]);
        assert_eq!(n.normalise(5, 3.0), 3.0);
    }
}
