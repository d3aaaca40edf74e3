//! One labelled seismic section: earth model, convolutional seismic image,
//! band-limited noise and amplitude normalisation.

use super::config::SeismicConfig;
use super::earth_model::EarthModel;
use super::geometry::Geometry;
use super::normalise::normalise_rms;
use super::reflectivity::{convolve_same, reflectivity};
use super::wavelet::ricker;
use crate::rng::SplitMix64;

/// A seismic image and its facies labels, both `height × width` row-major
/// (`[t * width + x]`, time sample `t`, trace `x`).
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Normalised amplitudes (RMS 1 over the section).
    pub image: Vec<f32>,
    /// Facies label of each pixel.
    pub labels: Vec<u32>,
}

/// Generates sections for one validated config, sharing its wavelet.
#[derive(Clone, Debug, PartialEq)]
pub struct SectionGenerator {
    cfg: SeismicConfig,
    wavelet: Vec<f64>,
}

impl SectionGenerator {
    /// Validates `cfg` and samples its Ricker wavelet (at most `height`
    /// samples either side of the peak: longer lags cannot reach inside the section).
    pub fn new(cfg: &SeismicConfig) -> Result<SectionGenerator, String> {
        cfg.validate()?;
        Ok(SectionGenerator { cfg: cfg.clone(), wavelet: ricker(cfg.peak_hz, cfg.dt_ms, cfg.height) })
    }

    /// The config.
    pub fn config(&self) -> &SeismicConfig {
        &self.cfg
    }

    /// The sampled wavelet, peak in the middle.
    pub fn wavelet(&self) -> &[f64] {
        &self.wavelet
    }

    /// Draws a geometry, builds its earth model and images it (see [`image`]).
    pub fn generate(&self, rng: &mut SplitMix64) -> Result<Section, String> {
        let geometry = Geometry::draw(&self.cfg, rng)?;
        let model = EarthModel::build(&geometry);
        let image = image(&model, &self.wavelet, self.cfg.snr_db, rng);
        Ok(Section { image, labels: model.labels })
    }
}

/// The normalised seismic image of `model`: on every trace the reflection
/// coefficients of its impedance column convolved with `wavelet`, plus noise
/// at `snr_db` (power ratio over the whole section; none when infinite) made
/// of white Gaussian noise convolved with the same wavelet, independently per
/// trace; the sum is divided by its RMS.
pub fn image(model: &EarthModel, wavelet: &[f64], snr_db: f64, rng: &mut SplitMix64) -> Vec<f32> {
    let (h, w) = (model.height, model.width);
    let mut signal = vec![0.0; h * w];
    for x in 0..w {
        let trace = convolve_same(&reflectivity(&model.column(x)), wavelet);
        for (t, v) in trace.into_iter().enumerate() {
            signal[t * w + x] = v;
        }
    }
    if snr_db.is_finite() {
        let mut noise = vec![0.0; h * w];
        let mut white = vec![0.0; h];
        for x in 0..w {
            fill_normal(&mut white, rng);
            for (t, v) in convolve_same(&white, wavelet).into_iter().enumerate() {
                noise[t * w + x] = v;
            }
        }
        let power = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>() / v.len().max(1) as f64;
        let (ps, pn) = (power(&signal), power(&noise));
        if pn > 0.0 {
            let scale = (ps / pn / 10f64.powf(snr_db / 10.0)).sqrt();
            for (s, n) in signal.iter_mut().zip(&noise) {
                *s += scale * n;
            }
        }
    }
    let mut out: Vec<f32> = signal.into_iter().map(|v| v as f32).collect();
    normalise_rms(&mut out);
    out
}

/// Fills `out` with standard normal samples, two per pair of uniforms (both
/// outputs of the Box-Muller transform).
fn fill_normal(out: &mut [f64], rng: &mut SplitMix64) {
    for pair in out.chunks_mut(2) {
        let radius = (-2.0 * (1.0 - rng.next_f64()).ln()).sqrt();
        let (sin, cos) = (std::f64::consts::TAU * rng.next_f64()).sin_cos();
        pair[0] = radius * cos;
        if let Some(second) = pair.get_mut(1) {
            *second = radius * sin;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::normalise::rms;
    use super::*;

    #[test]
    fn noise_free_image_is_the_convolved_reflectivity() {
        let cfg = SeismicConfig { snr_db: f64::INFINITY, ..Default::default() };
        let generator = SectionGenerator::new(&cfg).unwrap();
        let mut rng = SplitMix64::new(3);
        let g = Geometry::draw(&cfg, &mut rng).unwrap();
        let m = EarthModel::build(&g);
        let img = image(&m, generator.wavelet(), cfg.snr_db, &mut rng);
        assert!((rms(&img) - 1.0).abs() < 1e-5);
        let trace = convolve_same(&reflectivity(&m.column(5)), generator.wavelet());
        let scale = img[20 * 64 + 5] as f64 / trace[20];
        for t in 0..64 {
            assert!((img[t * 64 + 5] as f64 - scale * trace[t]).abs() < 1e-4, "sample {t}");
        }
    }

    #[test]
    fn noise_has_the_stated_power() {
        let cfg = SeismicConfig { snr_db: f64::INFINITY, ..Default::default() };
        let generator = SectionGenerator::new(&cfg).unwrap();
        let g = Geometry::draw(&cfg, &mut SplitMix64::new(9)).unwrap();
        let m = EarthModel::build(&g);
        let clean = image(&m, generator.wavelet(), f64::INFINITY, &mut SplitMix64::new(1));
        for snr in [0.0, 6.0, 20.0] {
            let noisy = image(&m, generator.wavelet(), snr, &mut SplitMix64::new(1));
            // Both have RMS 1; find the scale of the signal in the noisy image
            // by projection and measure the rest.
            let dot: f64 = clean.iter().zip(&noisy).map(|(&a, &b)| a as f64 * b as f64).sum();
            let k = dot / clean.len() as f64;
            let residual: Vec<f32> =
                clean.iter().zip(&noisy).map(|(&a, &b)| (b as f64 - k * a as f64) as f32).collect();
            let measured = 20.0 * (k / rms(&residual)).log10();
            // Signal and noise are only nearly uncorrelated in one section.
            assert!((measured - snr).abs() < 1.0, "snr {snr}: measured {measured}");
        }
    }

    #[test]
    fn normal_pairs_have_unit_moments() {
        let mut v = vec![0.0; 100_001];
        fill_normal(&mut v, &mut SplitMix64::new(4));
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|a| a * a).sum::<f64>() / n;
        let lag1 = v.windows(2).map(|p| p[0] * p[1]).sum::<f64>() / n;
        assert!(mean.abs() < 0.02 && (var - 1.0).abs() < 0.02 && lag1.abs() < 0.02, "{mean} {var} {lag1}");
    }

    #[test]
    fn invalid_config_is_rejected() {
        assert!(SectionGenerator::new(&SeismicConfig { classes: 9, ..Default::default() }).is_err());
    }
}
