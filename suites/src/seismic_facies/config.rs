//! Parameters of the synthetic seismic sections and their checks.

use super::facies::Facies;

/// Smallest accepted section height and width (time samples, traces).
pub const MIN_SIDE: usize = 8;

/// Largest accepted number of pixels (`height × width`) in one section.
pub const MAX_PIXELS: usize = 1 << 24;

/// Largest accepted sample interval in milliseconds.
pub const MAX_DT_MS: f64 = 100.0;

/// Largest accepted peak frequency as a fraction of the sampling rate
/// (a quarter: half of Nyquist, so that the Ricker spectrum, which reaches
/// about 2.5 × its peak, stays essentially below Nyquist).
pub const MAX_PEAK_FRACTION: f64 = 0.25;

/// Largest accepted layer dip in time samples per trace.
pub const MAX_DIP: f64 = 4.0;

/// Parameters of one labelled seismic section and of its synthesis.
///
/// The time axis is physical (samples of `dt_ms`); the lateral axis counts
/// traces and has no physical spacing, so lateral sizes (fold wavelengths,
/// channel widths) are drawn as fractions of `width`.
#[derive(Clone, Debug, PartialEq)]
pub struct SeismicConfig {
    /// Time samples per trace, the image's rows (default 64; the standard size is 256).
    pub height: usize,
    /// Traces per section, the image's columns (default 64; the standard size is 256).
    pub width: usize,
    /// Number of facies classes, `2..=6`, taken in the order of [`Facies::ALL`]
    /// (default 6). Channel fill, the sixth, only occurs when `classes == 6`.
    pub classes: usize,
    /// Peak frequency of the zero-phase Ricker wavelet in Hz (default 30).
    pub peak_hz: f64,
    /// Sample interval in milliseconds (default 2).
    pub dt_ms: f64,
    /// Signal-to-noise ratio in dB as a power ratio, `10 log10(P_signal / P_noise)`
    /// (default 10). The noise is white Gaussian noise filtered by the same wavelet
    /// (band-limited to the seismic band, uncorrelated from trace to trace).
    /// `f64::INFINITY` means noise-free.
    pub snr_db: f64,
    /// Largest layer dip in time samples per trace (default 0.2); each section
    /// draws its dip uniformly in `[-max_dip, max_dip]`.
    pub max_dip: f64,
    /// Largest amplitude of the sinusoidal fold of the interfaces in
    /// milliseconds (default 12); each section draws its own in `[0, max_fold_ms]`.
    pub max_fold_ms: f64,
    /// Probability that a section contains a normal fault (default 0.5).
    pub fault_probability: f64,
    /// Probability of a channel-fill body per 128 ms of section height (one
    /// chance at the default size, four at 256 samples of 2 ms), when
    /// `classes == 6` (default 0.8).
    pub channel_probability: f64,
}

impl Default for SeismicConfig {
    fn default() -> Self {
        SeismicConfig {
            height: 64,
            width: 64,
            classes: Facies::ALL.len(),
            peak_hz: 30.0,
            dt_ms: 2.0,
            snr_db: 10.0,
            max_dip: 0.2,
            max_fold_ms: 12.0,
            fault_probability: 0.5,
            channel_probability: 0.8,
        }
    }
}

impl SeismicConfig {
    /// The standard (GPU) size: the defaults at 256 × 256.
    pub fn standard() -> Self {
        SeismicConfig { height: 256, width: 256, ..Default::default() }
    }

    /// Pixels per section, `height × width` (saturating).
    pub fn pixels(&self) -> usize {
        self.height.saturating_mul(self.width)
    }

    /// Checks every parameter: sides at least [`MIN_SIDE`] and at most
    /// [`MAX_PIXELS`] pixels, `2 <= classes <= 6`, finite positive `dt_ms` up to
    /// [`MAX_DT_MS`], finite positive `peak_hz` up to [`MAX_PEAK_FRACTION`] of
    /// the sampling rate, `snr_db` finite or `+∞`, `0 <= max_dip <= MAX_DIP`,
    /// finite `max_fold_ms >= 0`, probabilities in `[0, 1]`.
    pub fn validate(&self) -> Result<(), String> {
        if self.height < MIN_SIDE || self.width < MIN_SIDE {
            return Err(format!("height and width must be >= {MIN_SIDE}, got {} × {}", self.height, self.width));
        }
        if self.height.checked_mul(self.width).is_none_or(|p| p > MAX_PIXELS) {
            return Err(format!("height × width must be <= {MAX_PIXELS}, got {} × {}", self.height, self.width));
        }
        let most = Facies::ALL.len();
        if !(2..=most).contains(&self.classes) {
            return Err(format!("classes must be in 2..={most}, got {}", self.classes));
        }
        if !(self.dt_ms.is_finite() && self.dt_ms > 0.0 && self.dt_ms <= MAX_DT_MS) {
            return Err(format!("dt_ms must be finite, > 0 and <= {MAX_DT_MS}, got {}", self.dt_ms));
        }
        let top = MAX_PEAK_FRACTION * 1000.0 / self.dt_ms;
        if !(self.peak_hz.is_finite() && self.peak_hz > 0.0 && self.peak_hz <= top) {
            return Err(format!(
                "peak_hz must be finite, > 0 and <= {top} (a quarter of the sampling rate at dt_ms = {}), got {}",
                self.dt_ms, self.peak_hz
            ));
        }
        if self.snr_db.is_nan() || self.snr_db == f64::NEG_INFINITY {
            return Err(format!("snr_db must be finite or +inf, got {}", self.snr_db));
        }
        if !(self.max_dip.is_finite() && (0.0..=MAX_DIP).contains(&self.max_dip)) {
            return Err(format!("max_dip must be in [0, {MAX_DIP}] samples per trace, got {}", self.max_dip));
        }
        if !(self.max_fold_ms.is_finite() && self.max_fold_ms >= 0.0) {
            return Err(format!("max_fold_ms must be finite and >= 0, got {}", self.max_fold_ms));
        }
        for (name, p) in
            [("fault_probability", self.fault_probability), ("channel_probability", self.channel_probability)]
        {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{name} must be in [0, 1], got {p}"));
            }
        }
        Ok(())
    }

    /// Whether channel-fill bodies can occur (all six classes in use).
    pub fn has_channels(&self) -> bool {
        self.classes > Facies::ChannelFill.label()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_standard_are_valid() {
        assert_eq!(SeismicConfig::default().validate(), Ok(()));
        assert_eq!(SeismicConfig::standard().validate(), Ok(()));
        assert_eq!(SeismicConfig::standard().pixels(), 65536);
        assert!(SeismicConfig::default().has_channels());
        assert!(!SeismicConfig { classes: 5, ..Default::default() }.has_channels());
        let noiseless = SeismicConfig { snr_db: f64::INFINITY, max_dip: 0.0, max_fold_ms: 0.0, ..Default::default() };
        assert_eq!(noiseless.validate(), Ok(()));
    }

    #[test]
    fn invalid_configs_are_rejected() {
        let ok = SeismicConfig::default();
        let bad = [
            SeismicConfig { height: 0, ..ok.clone() },
            SeismicConfig { width: MIN_SIDE - 1, ..ok.clone() },
            SeismicConfig { height: usize::MAX, ..ok.clone() },
            SeismicConfig { height: 1 << 13, width: 1 << 12, ..ok.clone() },
            SeismicConfig { classes: 1, ..ok.clone() },
            SeismicConfig { classes: 7, ..ok.clone() },
            SeismicConfig { dt_ms: 0.0, ..ok.clone() },
            SeismicConfig { dt_ms: f64::NAN, ..ok.clone() },
            SeismicConfig { dt_ms: 1000.0, ..ok.clone() },
            SeismicConfig { peak_hz: 0.0, ..ok.clone() },
            SeismicConfig { peak_hz: -30.0, ..ok.clone() },
            SeismicConfig { peak_hz: f64::INFINITY, ..ok.clone() },
            SeismicConfig { peak_hz: 200.0, ..ok.clone() },
            SeismicConfig { snr_db: f64::NAN, ..ok.clone() },
            SeismicConfig { snr_db: f64::NEG_INFINITY, ..ok.clone() },
            SeismicConfig { max_dip: -0.1, ..ok.clone() },
            SeismicConfig { max_dip: f64::NAN, ..ok.clone() },
            SeismicConfig { max_dip: 10.0, ..ok.clone() },
            SeismicConfig { max_fold_ms: -1.0, ..ok.clone() },
            SeismicConfig { max_fold_ms: f64::INFINITY, ..ok.clone() },
            SeismicConfig { fault_probability: 1.5, ..ok.clone() },
            SeismicConfig { fault_probability: f64::NAN, ..ok.clone() },
            SeismicConfig { channel_probability: -0.5, ..ok.clone() },
        ];
        for c in &bad {
            assert!(c.validate().is_err(), "{c:?}");
        }
        let msg = SeismicConfig { peak_hz: 200.0, ..ok }.validate().unwrap_err();
        assert!(msg.contains("peak_hz"), "{msg}");
    }
}
