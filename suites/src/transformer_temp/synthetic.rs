//! A deterministic ETT-like series: the six load channels of a distribution
//! transformer (high, middle and low useful and useless load) and its top-oil
//! temperature, hourly.
//!
//! Loads follow daily and weekly habits with a slowly wandering regime and
//! AR(1) noise; the oil temperature follows the ambient temperature plus a
//! rise that grows with the square of the load ratio and lags it with a
//! thermal time constant, as in the top-oil model of IEEE C57.91 (clause 7)
//! and IEC 60076-7.

use std::f64::consts::TAU;

use crate::rng::SplitMix64;

/// Channel names, in the ETT files' order (the oil temperature last).
pub const CHANNELS: [&str; 7] = ["HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"];

/// Useful load of the three groups at rated load.
pub const RATED_LOAD: f64 = 15.0;
/// Top-oil rise over ambient at rated load, K.
pub const RATED_TOP_OIL_RISE_K: f64 = 25.0;
/// Top-oil time constant, hours.
pub const TOP_OIL_TAU_H: f64 = 3.0;

/// The ultimate (steady-state) top-oil temperature in °C at `ambient_c` and
/// a total useful load `load`: the rated rise times the load ratio squared.
pub fn ultimate_top_oil_c(ambient_c: f64, load: f64) -> f64 {
    ambient_c + RATED_TOP_OIL_RISE_K * (load / RATED_LOAD).powi(2)
}

/// The top-oil temperature one hour after `oil_c`, moving towards
/// `ultimate_c` with the time constant (a first-order step of 1 h / tau).
pub fn top_oil_step_c(oil_c: f64, ultimate_c: f64) -> f64 {
    oil_c + (ultimate_c - oil_c) / TOP_OIL_TAU_H
}

/// `hours` hourly steps of the seven channels (channel-major), fully determined by `seed`.
pub fn series(hours: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut rng = SplitMix64::new(seed);
    let mut out = vec![Vec::with_capacity(hours); CHANNELS.len()];
    let (mut regime, mut ambient_noise, mut oil) = (0.0f64, 0.0f64, 30.0f64);
    let mut noise = [0.0f64; 3];
    // Peak hour and scale of the high, middle and low voltage loads.
    let groups = [(19.0, 8.0), (11.0, 3.0), (20.0, 4.0)];
    for t in 0..hours {
        let hour = (t % 24) as f64;
        let day = (t / 24) as f64;
        let weekend = matches!((t / 24) % 7, 5 | 6);
        regime = 0.995 * regime + 0.02 * rng.normal();
        ambient_noise = 0.9 * ambient_noise + 0.6 * rng.normal();
        let ambient =
            15.0 + 11.0 * (TAU * (day - 110.0) / 365.0).sin() + 4.0 * (TAU * (hour - 9.0) / 24.0).sin() + ambient_noise;
        let mut total = 0.0;
        for (g, (peak, scale)) in groups.iter().enumerate() {
            noise[g] = 0.8 * noise[g] + 0.08 * rng.normal();
            let daily = 0.7 + 0.3 * (TAU * (hour - peak + 6.0) / 24.0).sin();
            let weekly = if weekend { 0.85 } else { 1.0 };
            let weather = 1.0 + 0.01 * (ambient - 18.0).abs();
            let useful = scale * daily * weekly * weather * (1.0 + regime + noise[g]);
            let useless = 0.3 * useful + 0.1 * scale * rng.normal();
            out[2 * g].push(useful as f32);
            out[2 * g + 1].push(useless as f32);
            total += useful;
        }
        let ultimate = ultimate_top_oil_c(ambient, total);
        oil = top_oil_step_c(oil, ultimate);
        out[6].push((oil + 0.2 * rng.normal()) as f32);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_physical() {
        let a = series(24 * 60, 5);
        assert_eq!(a, series(24 * 60, 5));
        assert_ne!(a, series(24 * 60, 6));
        assert_eq!(a.len(), 7);
        assert!(a.iter().all(|c| c.len() == 1440 && c.iter().all(|v| v.is_finite())));
        // The oil runs hotter when the load is high: correlation of OT with the total useful load.
        let total: Vec<f64> = (0..1440).map(|t| (a[0][t] + a[2][t] + a[4][t]) as f64).collect();
        let ot: Vec<f64> = a[6].iter().map(|&v| v as f64).collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let (mt, mo) = (mean(&total), mean(&ot));
        let cov: f64 = total.iter().zip(&ot).map(|(x, y)| (x - mt) * (y - mo)).sum();
        assert!(cov > 0.0);
        // Weekday evenings carry more high-voltage load than nights.
        let at = |h: usize| mean(&(0..60).filter(|d| d % 7 < 5).map(|d| a[0][d * 24 + h] as f64).collect::<Vec<_>>());
        assert!(at(19) > 1.3 * at(7), "{} {}", at(19), at(7));
    }
}
