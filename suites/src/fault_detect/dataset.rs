//! Deterministic labelled datasets of fault waveforms.

use super::fault_type::FaultType;
use super::waveform::{waveform, WaveformConfig, CHANNELS};
use crate::rng::SplitMix64;

/// Largest accepted total number of `f32` values in a dataset.
pub const MAX_ELEMENTS: usize = 1 << 30;

/// A labelled set of windows; classes are interleaved (sample `i` has label `i % 11`).
#[derive(Clone, Debug, PartialEq)]
pub struct FaultDataset {
    /// Flattened windows, `n × 6 × samples`, each window channel-major.
    pub inputs: Vec<f32>,
    /// Class label of each window (see [`FaultType::label`]).
    pub labels: Vec<u32>,
    /// Number of windows.
    pub n: usize,
    /// Samples per channel.
    pub samples: usize,
}

impl FaultDataset {
    /// Generates `per_class` windows of each of the 11 classes, fully determined by
    /// `(cfg, per_class, seed)`. Returns `Err` for an invalid config, `per_class == 0`,
    /// or a dataset larger than [`MAX_ELEMENTS`] values.
    pub fn generate(cfg: &WaveformConfig, per_class: usize, seed: u64) -> Result<FaultDataset, String> {
        cfg.validate()?;
        if per_class == 0 {
            return Err("per_class must be > 0".into());
        }
        let classes = FaultType::ALL.len();
        let too_big = || format!("dataset exceeds {MAX_ELEMENTS} values");
        let n = per_class.checked_mul(classes).ok_or_else(too_big)?;
        let stride = cfg.samples.checked_mul(CHANNELS).ok_or_else(too_big)?;
        let total = n.checked_mul(stride).ok_or_else(too_big)?;
        if total > MAX_ELEMENTS {
            return Err(too_big());
        }
        let mut rng = SplitMix64::new(seed);
        let mut inputs = Vec::with_capacity(total);
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            let fault = FaultType::ALL[i % classes];
            inputs.extend_from_slice(&waveform(cfg, fault, &mut rng)?);
            labels.push(fault.label() as u32);
        }
        Ok(FaultDataset { inputs, labels, n, samples: cfg.samples })
    }

    /// Window `i` (`6 × samples` values, channel-major); empty if `i >= n`.
    pub fn input(&self, i: usize) -> &[f32] {
        let stride = CHANNELS * self.samples;
        i.checked_mul(stride)
            .and_then(|s| Some(s..s.checked_add(stride)?))
            .and_then(|r| self.inputs.get(r))
            .unwrap_or(&[])
    }
}
