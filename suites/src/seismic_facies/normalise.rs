//! The amplitude normalisation shared by synthetic and real sections.

/// Divides `values` by their root mean square, so that afterwards their RMS
/// is 1; values whose RMS is zero or not finite are left unchanged. Returns
/// the divisor (1 when unchanged).
pub fn normalise_rms(values: &mut [f32]) -> f64 {
    let rms = rms(values);
    if !(rms.is_finite() && rms > 0.0) {
        return 1.0;
    }
    for v in values.iter_mut() {
        *v = (f64::from(*v) / rms) as f32;
    }
    rms
}

/// Root mean square of `values` (0 when empty).
pub fn rms(values: &[f32]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    (values.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / values.len() as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_rms_afterwards() {
        let mut v = vec![3.0, -4.0, 0.0, 5.0];
        let d = normalise_rms(&mut v);
        assert!((d - 12.5f64.sqrt()).abs() < 1e-12);
        assert!((rms(&v) - 1.0).abs() < 1e-6);
        let mut zeros = vec![0.0; 4];
        assert_eq!(normalise_rms(&mut zeros), 1.0);
        assert_eq!(zeros, vec![0.0; 4]);
        let mut bad = vec![f32::INFINITY, 1.0];
        assert_eq!(normalise_rms(&mut bad), 1.0);
        assert_eq!(normalise_rms(&mut []), 1.0);
        assert_eq!(rms(&[]), 0.0);
    }
}
