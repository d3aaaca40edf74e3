//! Normal-incidence reflection coefficients and their convolution with a wavelet.

/// Reflection coefficients of an impedance column sampled in time:
/// `r[t] = (Z[t] - Z[t-1]) / (Z[t] + Z[t-1])` for the interface at the top of
/// sample `t`, and `r[0] = 0` (nothing is known above the column). Positive
/// where impedance increases downwards. A pair with `Z[t] + Z[t-1] <= 0`
/// (not physical) gives 0.
pub fn reflectivity(impedance: &[f64]) -> Vec<f64> {
    let mut r = vec![0.0; impedance.len()];
    for (t, pair) in impedance.windows(2).enumerate() {
        let sum = pair[0] + pair[1];
        if sum > 0.0 {
            r[t + 1] = (pair[1] - pair[0]) / sum;
        }
    }
    r
}

/// Convolution of `signal` with a centred, odd-length `wavelet` (its middle
/// tap at lag 0; an even-length one is centred on tap `len / 2`), truncated to the signal's length ("same" mode): the output
/// at `t` is `Σ_k signal[t - k] wavelet[h + k]` for `|k| <= h`, `h = len / 2`,
/// with zeros outside the signal.
pub fn convolve_same(signal: &[f64], wavelet: &[f64]) -> Vec<f64> {
    let n = signal.len();
    let h = wavelet.len() / 2;
    let mut out = vec![0.0; n];
    for (s, &v) in signal.iter().enumerate() {
        if v == 0.0 {
            continue;
        }
        // Output samples reached by this input: t = s + k for k in -h..=h.
        let lo = s.saturating_sub(h);
        let hi = (s + h + 1).min(n);
        let taps = wavelet.get(lo + h - s..).unwrap_or_default();
        for (o, &c) in out.get_mut(lo..hi).unwrap_or_default().iter_mut().zip(taps) {
            *o += v * c;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_inside_a_layer_and_signed_at_interfaces() {
        let z = [6.0, 6.0, 6.0, 9.0, 9.0, 9.0, 4.0, 4.0];
        let r = reflectivity(&z);
        assert_eq!(r.len(), z.len());
        for t in [0, 1, 2, 4, 5, 7] {
            assert_eq!(r[t], 0.0, "sample {t}");
        }
        assert!((r[3] - 0.2).abs() < 1e-12); // (9 - 6) / (9 + 6): harder below, positive
        assert!((r[6] + 5.0 / 13.0).abs() < 1e-12); // softer below, negative
        assert!(reflectivity(&[]).is_empty());
        assert_eq!(reflectivity(&[5.0]), vec![0.0]);
        assert_eq!(reflectivity(&[0.0, 0.0]), vec![0.0, 0.0]);
    }

    #[test]
    fn convolution_places_the_wavelet_at_the_spike() {
        let w = [-0.5, 1.0, -0.5];
        let mut spike = vec![0.0; 6];
        spike[2] = 2.0;
        assert_eq!(convolve_same(&spike, &w), vec![0.0, -1.0, 2.0, -1.0, 0.0, 0.0]);
        spike[2] = 0.0;
        spike[0] = 1.0;
        spike[5] = -1.0;
        assert_eq!(convolve_same(&spike, &w), vec![1.0, -0.5, 0.0, 0.0, 0.5, -1.0]);
        // An asymmetric wavelet: the tap after the middle lands one sample later.
        assert_eq!(convolve_same(&[0.0, 1.0, 0.0], &[1.0, 2.0, 3.0]), vec![1.0, 2.0, 3.0]);
        assert_eq!(convolve_same(&[1.0, 1.0], &[1.0]), vec![1.0, 1.0]);
        assert!(convolve_same(&[], &w).is_empty());
        // A wavelet longer than the signal.
        assert_eq!(convolve_same(&[0.0, 1.0], &[1.0, 2.0, 3.0, 4.0, 5.0]), vec![2.0, 3.0]);
        // Even length: centred on tap 1, and no tap beyond the end is read.
        assert_eq!(convolve_same(&[0.0, 1.0, 0.0], &[1.0, 2.0]), vec![1.0, 2.0, 0.0]);
        assert!(convolve_same(&[1.0, 2.0], &[]).iter().all(|&v| v == 0.0));
    }
}
