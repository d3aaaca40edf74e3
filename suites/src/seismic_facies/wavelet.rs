//! The zero-phase Ricker wavelet.

use std::f64::consts::PI;

/// Half-length of the sampled wavelet in peak periods: at `t = 1 / f` the
/// Ricker wavelet has decayed to about 0.1 % of its peak.
const HALF_LENGTH_PERIODS: f64 = 1.0;

/// The Ricker (Mexican-hat) wavelet at time `t_s` seconds for peak frequency
/// `peak_hz`: `(1 - 2 π² f² t²) exp(-π² f² t²)`, 1 at `t = 0`.
pub fn ricker_at(peak_hz: f64, t_s: f64) -> f64 {
    let a = (PI * peak_hz * t_s).powi(2);
    (1.0 - 2.0 * a) * (-a).exp()
}

/// The Ricker wavelet sampled every `dt_ms` milliseconds, centred: `2 h + 1`
/// taps with the peak (value 1) at index `h`, where `h = ceil(1 / (f dt))`
/// samples (one peak period) capped at `max_half`. Returns an empty vector
/// when the arguments are not finite and positive.
pub fn ricker(peak_hz: f64, dt_ms: f64, max_half: usize) -> Vec<f64> {
    if !(peak_hz.is_finite() && peak_hz > 0.0 && dt_ms.is_finite() && dt_ms > 0.0) {
        return Vec::new();
    }
    let dt = dt_ms / 1000.0;
    let half_f = (HALF_LENGTH_PERIODS / (peak_hz * dt)).ceil();
    let half = if half_f >= max_half as f64 { max_half } else { half_f as usize };
    (0..=2 * half).map(|i| ricker_at(peak_hz, (i as f64 - half as f64) * dt)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_symmetry_and_zero_mean() {
        let w = ricker(30.0, 2.0, 1000);
        let h = w.len() / 2;
        assert_eq!(w.len() % 2, 1);
        assert_eq!(h, 17); // ceil(1 / (30 Hz × 2 ms))
        assert_eq!(w[h], 1.0);
        assert!(w.iter().all(|&v| v <= 1.0));
        for k in 0..=h {
            assert_eq!(w[h - k], w[h + k], "asymmetric at {k}");
        }
        // Zero crossings at ±1 / (π f √2) = ±7.5 ms, side lobes negative.
        assert!(w[h + 3] > 0.0 && w[h + 4] < 0.0);
        let sum: f64 = w.iter().sum();
        let abs: f64 = w.iter().map(|v| v.abs()).sum();
        assert!(sum.abs() < 1e-3 * abs, "integral {sum} vs {abs}");
        assert!(w[0].abs() < 2e-3 && w[2 * h].abs() < 2e-3);
    }

    #[test]
    fn spectrum_peaks_at_the_peak_frequency() {
        for (peak, dt) in [(30.0, 2.0), (25.0, 4.0), (45.0, 1.0)] {
            let w = ricker(peak, dt, 1000);
            let h = w.len() / 2;
            let nyquist = 500.0 / dt;
            let amplitude = |f: f64| {
                // The wavelet is even, so its spectrum is real.
                let dt_s = dt / 1000.0;
                w.iter().enumerate().map(|(i, v)| v * (2.0 * PI * f * (i as f64 - h as f64) * dt_s).cos()).sum::<f64>()
            };
            let freqs: Vec<f64> = (1..(nyquist * 4.0) as usize).map(|k| k as f64 * 0.25).collect();
            let best =
                freqs
                    .iter()
                    .copied()
                    .fold((0.0, f64::MIN), |b, f| if amplitude(f) > b.1 { (f, amplitude(f)) } else { b });
            assert!((best.0 - peak).abs() <= 1.0, "peak {peak} Hz at dt {dt}: spectrum peaks at {}", best.0);
            assert!(amplitude(0.0).abs() < 1e-2 * best.1);
        }
    }

    #[test]
    fn capped_and_degenerate() {
        assert_eq!(ricker(30.0, 2.0, 5).len(), 11);
        assert_eq!(ricker(1e-9, 2.0, 5).len(), 11);
        assert_eq!(ricker(30.0, 2.0, 0), vec![1.0]);
        assert!(ricker(0.0, 2.0, 5).is_empty());
        assert!(ricker(30.0, f64::NAN, 5).is_empty());
        assert_eq!(ricker_at(30.0, 0.0), 1.0);
    }
}
