//! Synthesis of one six-channel three-phase measurement window.

use super::fault_type::FaultType;
use crate::rng::SplitMix64;
use std::f64::consts::PI;

/// Number of channels per window: va, vb, vc, ia, ib, ic.
pub const CHANNELS: usize = 6;

/// Largest accepted window length in samples.
pub const MAX_SAMPLES: usize = 1 << 20;

/// Phase displacement between consecutive phases (120 degrees).
const SHIFT: f64 = 2.0 * PI / 3.0;

/// Sampling parameters for one waveform window.
#[derive(Clone, Debug, PartialEq)]
pub struct WaveformConfig {
    /// Sampling rate in Hz (default 2000).
    pub sample_rate_hz: f64,
    /// Samples per channel in the window (default 256).
    pub samples: usize,
    /// Nominal system frequency in Hz (default 50).
    pub frequency_hz: f64,
}

impl Default for WaveformConfig {
    fn default() -> Self {
        WaveformConfig { sample_rate_hz: 2000.0, samples: 256, frequency_hz: 50.0 }
    }
}

impl WaveformConfig {
    /// Checks the parameters: finite positive rates, `0 < samples <= MAX_SAMPLES`,
    /// and the fundamental below Nyquist.
    pub fn validate(&self) -> Result<(), String> {
        if self.samples == 0 {
            return Err("samples must be > 0".into());
        }
        if self.samples > MAX_SAMPLES {
            return Err(format!("samples must be <= {MAX_SAMPLES}, got {}", self.samples));
        }
        if !(self.sample_rate_hz.is_finite() && self.sample_rate_hz > 0.0) {
            return Err(format!("sample_rate_hz must be finite and > 0, got {}", self.sample_rate_hz));
        }
        if !(self.frequency_hz.is_finite() && self.frequency_hz > 0.0) {
            return Err(format!("frequency_hz must be finite and > 0, got {}", self.frequency_hz));
        }
        if 2.0 * self.frequency_hz >= self.sample_rate_hz {
            return Err(format!(
                "frequency_hz ({}) must be below Nyquist (sample_rate_hz / 2 = {})",
                self.frequency_hz,
                self.sample_rate_hz / 2.0
            ));
        }
        Ok(())
    }
}

/// Fault-current component of one phase: amplitude, angle and sign.
#[derive(Clone, Copy)]
struct FaultComp {
    amp: f64,
    angle: f64,
    sign: f64,
}

/// Chooses per-phase fault-current components for the given fault type.
fn fault_components(fault: FaultType, rng: &mut SplitMix64) -> [Option<FaultComp>; 3] {
    let amp = rng.uniform(3.0, 12.0);
    let psi = rng.uniform(-PI, PI);
    // Angle between the two currents of a double-line-to-ground fault.
    let spread = rng.uniform(100.0, 140.0).to_radians();
    let ratio = rng.uniform(0.8, 1.2);
    let ph = fault.phases();
    let idx: Vec<usize> = (0..3).filter(|&k| ph[k]).collect();
    let mut out = [None; 3];
    match idx.as_slice() {
        [k] => out[*k] = Some(FaultComp { amp, angle: psi, sign: 1.0 }),
        [j, k] if fault.grounded() => {
            out[*j] = Some(FaultComp { amp, angle: psi, sign: 1.0 });
            out[*k] = Some(FaultComp { amp: amp * ratio, angle: psi + spread, sign: 1.0 });
        }
        [j, k] => {
            // Phase-to-phase: the loop current leaves one phase and returns on the other.
            out[*j] = Some(FaultComp { amp, angle: psi, sign: 1.0 });
            out[*k] = Some(FaultComp { amp, angle: psi, sign: -1.0 });
        }
        [_, _, _] => {
            for (k, slot) in out.iter_mut().enumerate() {
                *slot = Some(FaultComp { amp, angle: psi - k as f64 * SHIFT, sign: 1.0 });
            }
        }
        _ => {}
    }
    out
}

/// Generates one window of 6 channels (va, vb, vc in per-unit, ia, ib, ic in
/// per-unit of rated current), channel-major: `out[ch * samples + t]`.
///
/// Pre-fault: balanced voltages (magnitude 1.0 pu ± 5 %, random angle) and load
/// currents (0.3–1.0 pu lagging by a random power-factor angle). The fault starts
/// at a random sample in `[samples/4, 3*samples/4)`; faulted voltages sag to
/// 0.05–0.6 pu and faulted currents rise to 3–12 pu with a decaying DC offset.
/// 3rd/5th harmonics (1–3 %) and Gaussian noise (σ 0.5–1 %) are added.
/// Returns `Err` if `cfg` is invalid.
pub fn waveform(cfg: &WaveformConfig, fault: FaultType, rng: &mut SplitMix64) -> Result<Vec<f32>, String> {
    cfg.validate()?;
    let n = cfg.samples;
    let w = 2.0 * PI * cfg.frequency_hz;
    let dt = 1.0 / cfg.sample_rate_hz;

    let vm = rng.uniform(0.95, 1.05);
    let theta = rng.uniform(-PI, PI);
    let il = rng.uniform(0.3, 1.0);
    let pf_angle = rng.uniform(0.8_f64, 0.99).acos();
    let t0_idx = ((rng.uniform(0.25, 0.75) * n as f64) as usize).min(n.saturating_sub(1));
    let t0 = t0_idx as f64 * dt;
    let sag = rng.uniform(0.05, 0.6);
    let vjump = rng.uniform(-0.2, 0.2);
    let tau = rng.uniform(0.02, 0.06);
    let (h3, h5) = (rng.uniform(0.01, 0.03), rng.uniform(0.01, 0.03));
    let (a3, a5) = (rng.uniform(-PI, PI), rng.uniform(-PI, PI));
    let sigma = rng.uniform(0.005, 0.01);
    let comps = fault_components(fault, rng);
    let phases = fault.phases();
    // Triplen harmonics do not flow in a balanced three-wire fault loop.
    let h3_fault = if fault == FaultType::ABC { 0.0 } else { h3 };

    let harm = |x: f64, h3: f64| x.cos() + h3 * (3.0 * x + a3).cos() + h5 * (5.0 * x + a5).cos();

    let mut out = vec![0.0_f32; CHANNELS * n];
    for k in 0..3 {
        let comp = comps[k];
        for t in 0..n {
            let time = t as f64 * dt;
            let after = t >= t0_idx;
            let ang = w * time + theta - k as f64 * SHIFT;
            let (vamp, vang) = if after && phases[k] { (vm * sag, ang + vjump) } else { (vm, ang) };
            let v = vamp * harm(vang, h3);
            let mut i = il * harm(ang - pf_angle, h3);
            if let (true, Some(c)) = (after, comp) {
                let x = w * time + theta + c.angle;
                let dc = (w * t0 + theta + c.angle).cos() * (-(time - t0) / tau).exp();
                i += c.sign * c.amp * (harm(x, h3_fault) - dc);
            }
            out[k * n + t] = (v + sigma * rng.normal()) as f32;
            out[(k + 3) * n + t] = (i + sigma * rng.normal()) as f32;
        }
    }
    Ok(out)
}
