//! Deterministic synthetic output of a photovoltaic plant at 15-minute
//! resolution, cut into windows for intraday forecasting (by default 24 h of
//! history, 4 h ahead).
//!
//! # Physics
//! * **Solar position**: declination and equation of time from Spencer's
//!   Fourier series (Spencer 1971). Clocks run on local standard time at the
//!   time-zone meridian, so solar time = clock time + equation of time; hour
//!   angle ω = 15° × (solar time − 12 h); cos θz = sin φ sin δ + cos φ cos δ cos ω
//!   (φ latitude, δ declination). Each 15-minute step is evaluated at its
//!   midpoint, standing for the interval's mean.
//! * **Clear-sky irradiance**: the Haurwitz model (Haurwitz 1945),
//!   GHI = 1098 W/m² × cos θz × exp(−0.059 / cos θz) for cos θz > 0, else 0.
//! * **Temperature derating**: module temperature from the NOCT model,
//!   T_mod = T_air + (NOCT − 20 °C) × G / 800 W/m² with NOCT = 45 °C; power
//!   temperature coefficient −0.4 %/K relative to 25 °C (crystalline silicon).
//!   Air temperature = annual cycle (mean 11 °C, ±9 °C, warmest around 19 July
//!   in the northern hemisphere, 17 January in the southern) + daily cycle
//!   (±5 °C, warmest at 15:00); the actual output also sees an AR(1) weather
//!   anomaly (σ 3 °C, about two days' memory) that the clear-sky channel does
//!   not.
//! * **Plant**: P = capacity × G / 1000 W/m² × derating, clipped at the
//!   inverter's AC rating (= [`CAPACITY_KW`]); everything is given per unit of
//!   that capacity.
//! * **Clouds**: G = k × GHI_clear with the clear-sky index k from a
//!   regime-switching process: a three-state Markov chain over
//!   [`CloudRegime`]s (clear / broken / overcast, mean sojourns of about
//!   17 h / 6 h / 16 h; moves towards overcast up to 60 % likelier in winter
//!   and towards clear up to 60 % likelier in summer; in the warm half of the
//!   year fair-weather convection breaks clear skies up around midday and
//!   dissolves after sunset). Inside the regime k = level + std × z: the level
//!   glides towards the regime's mean (8 % of the way per step, as a cloud
//!   field thickens or clears over two to three hours) and z is a unit AR(1)
//!   process whose coefficient belongs to the current regime (smooth when
//!   clear or overcast, choppy when broken). k is clipped to 0.05..=1.15
//!   (cloud enhancement allowed). The process runs through the night, so each
//!   morning continues the evening's weather; the first step of a series
//!   draws its regime from the chain's stationary distribution without the
//!   convective terms.
//! * **Measurement**: additive Gaussian noise of `noise_std` per unit, faded
//!   in over the first 0.1 per unit of clear-sky output; exactly 0 at night.
//!
//! # Samples
//! Each sample is an independent window starting at a uniformly drawn
//! 15-minute step of a 365-day year (nights included), with its own weather
//! history, so samples of one dataset are i.i.d. and any split is clean. The
//! input has shape `[3, past + horizon]`: channel 0 is the measured output over
//! the past steps (0 at future positions), channel 1 the clear-sky output over
//! all steps, channel 2 is 1 at future positions and 0 in the past. The target
//! is the measured output over the `horizon` future steps.
//!
//! The same `(config, n, seed)` always gives bit-identical output (one
//! [`SplitMix64`] stream, fixed draw order, fixed arithmetic).

use crate::dataset::{Dataset, Targets};
use crate::rng::SplitMix64;
use std::f64::consts::TAU;

/// Minutes per time step.
pub const STEP_MINUTES: usize = 15;

/// Time steps per day.
pub const STEPS_PER_DAY: usize = 24 * 60 / STEP_MINUTES;

/// Days in the synthetic year (no leap years).
pub const DAYS_PER_YEAR: usize = 365;

/// AC rating of the plant in kW: the unit of every input and target value
/// (a value of 1.0 is full output).
pub const CAPACITY_KW: f64 = 1000.0;

/// Input channels per sample: past output, clear-sky output, future mask.
pub const CHANNELS: usize = 3;

/// Largest accepted `past + horizon` in steps (14 days).
pub const MAX_WINDOW_STEPS: usize = 14 * STEPS_PER_DAY;

/// Largest accepted total number of `f32` values in a dataset.
pub const MAX_ELEMENTS: usize = 1 << 30;

/// Largest accepted length of a simulated series in steps (ten years).
pub const MAX_SERIES_STEPS: usize = 10 * DAYS_PER_YEAR * STEPS_PER_DAY;

/// Largest accepted absolute latitude in degrees (polar day and night excluded).
pub const MAX_ABS_LATITUDE_DEG: f64 = 66.0;

/// Clear-sky output (per unit) below which the clear-sky index is treated as
/// undefined, so smart persistence skips such steps.
pub const KC_MIN_CLEAR_SKY: f32 = 0.05;

/// Solar constant scaling of the Haurwitz model in W/m².
const HAURWITZ_A: f64 = 1098.0;
/// Air-mass coefficient of the Haurwitz model.
const HAURWITZ_B: f64 = 0.059;
/// Nominal operating cell temperature in °C.
const NOCT_C: f64 = 45.0;
/// Relative power temperature coefficient per kelvin.
const GAMMA_PER_K: f64 = -0.004;
/// Stationary std of the weather temperature anomaly in °C.
const TEMP_ANOMALY_STD: f64 = 3.0;
/// AR(1) coefficient of the temperature anomaly per step (~2-day memory).
const TEMP_ANOMALY_PHI: f64 = 0.995;
/// Fraction of the way the clear-sky index level moves towards the current
/// regime's mean per step (time constant about 3 hours).
const LEVEL_RATE: f64 = 0.08;
/// Bounds of the clear-sky index.
const K_MIN: f64 = 0.05;
const K_MAX: f64 = 1.15;

/// Settings of the PV generator.
#[derive(Clone, Debug, PartialEq)]
pub struct PvConfig {
    /// Plant latitude in degrees, north positive (default 50, central Europe).
    pub latitude_deg: f64,
    /// Steps of history per window (default 96 = 24 h).
    pub past: usize,
    /// Steps to forecast per window (default 16 = 4 h).
    pub horizon: usize,
    /// Std of the measurement noise per unit of capacity (default 0.003).
    pub noise_std: f64,
}

impl Default for PvConfig {
    /// 50° N, 24 h of history, 4 h ahead, 0.3 % noise.
    fn default() -> Self {
        PvConfig { latitude_deg: 50.0, past: 96, horizon: 16, noise_std: 0.003 }
    }
}

impl PvConfig {
    /// Checks the settings: finite latitude within ±[`MAX_ABS_LATITUDE_DEG`],
    /// `past >= 1`, `horizon >= 1`, `past + horizon <= MAX_WINDOW_STEPS`, and
    /// `noise_std` finite in `0..=0.1`.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.latitude_deg.is_finite() && self.latitude_deg.abs() <= MAX_ABS_LATITUDE_DEG) {
            return Err(format!(
                "latitude_deg must be finite and within ±{MAX_ABS_LATITUDE_DEG}, got {}",
                self.latitude_deg
            ));
        }
        if self.past == 0 || self.horizon == 0 {
            return Err(format!("past and horizon must be >= 1, got {} and {}", self.past, self.horizon));
        }
        if self.past.saturating_add(self.horizon) > MAX_WINDOW_STEPS {
            return Err(format!(
                "past + horizon must be <= {MAX_WINDOW_STEPS} steps, got {} + {}",
                self.past, self.horizon
            ));
        }
        if !(self.noise_std.is_finite() && (0.0..=0.1).contains(&self.noise_std)) {
            return Err(format!("noise_std must be finite and in 0..=0.1, got {}", self.noise_std));
        }
        Ok(())
    }

    /// Steps per window, `past + horizon`.
    pub fn window_len(&self) -> usize {
        self.past + self.horizon
    }
}

/// Cloud regime of the Markov chain behind the clear-sky index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloudRegime {
    /// Clear sky: k ≈ 0.97, smooth.
    Clear,
    /// Broken clouds: k ≈ 0.62, large fast swings.
    Broken,
    /// Overcast: k ≈ 0.28, smooth.
    Overcast,
}

impl CloudRegime {
    /// All regimes in chain order.
    pub const ALL: [CloudRegime; 3] = [CloudRegime::Clear, CloudRegime::Broken, CloudRegime::Overcast];

    /// Position in [`CloudRegime::ALL`].
    pub fn index(self) -> usize {
        match self {
            CloudRegime::Clear => 0,
            CloudRegime::Broken => 1,
            CloudRegime::Overcast => 2,
        }
    }

    /// Mean clear-sky index in this regime.
    pub fn mean_index(self) -> f64 {
        [0.97, 0.62, 0.28][self.index()]
    }

    /// Std of the clear-sky index in this regime.
    pub fn index_std(self) -> f64 {
        [0.03, 0.18, 0.08][self.index()]
    }

    /// AR(1) coefficient of the index per step in this regime.
    pub fn ar_coefficient(self) -> f64 {
        [0.85, 0.55, 0.92][self.index()]
    }
}

/// Declination of the sun in radians for a (fractional, 1-based) day of the
/// year, by Spencer's (1971) Fourier series.
pub fn declination_rad(day_of_year: f64) -> f64 {
    let g = TAU * (day_of_year - 1.0) / DAYS_PER_YEAR as f64;
    0.006918 - 0.399912 * g.cos() + 0.070257 * g.sin() - 0.006758 * (2.0 * g).cos() + 0.000907 * (2.0 * g).sin()
        - 0.002697 * (3.0 * g).cos()
        + 0.00148 * (3.0 * g).sin()
}

/// Equation of time in minutes (solar minus mean time) for a 1-based day of
/// the year, by Spencer's (1971) Fourier series.
pub fn equation_of_time_min(day_of_year: f64) -> f64 {
    let g = TAU * (day_of_year - 1.0) / DAYS_PER_YEAR as f64;
    229.18
        * (0.000075 + 0.001868 * g.cos() - 0.032077 * g.sin() - 0.014615 * (2.0 * g).cos() - 0.040849 * (2.0 * g).sin())
}

/// Cosine of the solar zenith angle at a latitude (degrees), 1-based day of
/// the year and clock time (hours of local standard time at the time-zone
/// meridian); negative when the sun is below the horizon.
pub fn cos_zenith(latitude_deg: f64, day_of_year: f64, clock_hours: f64) -> f64 {
    SolarDay::new(latitude_deg, day_of_year).cos_zenith(clock_hours)
}

/// The day-dependent terms of the sun's position, climate and cloud chain,
/// computed once per day.
struct SolarDay {
    /// sin φ sin δ.
    ss: f64,
    /// cos φ cos δ.
    cc: f64,
    /// Equation of time in hours.
    eot_h: f64,
    /// Climatological daily mean air temperature in °C.
    mean_temp_c: f64,
    /// Seasonal weight of the day (see [`winterness`]).
    winter: f64,
}

impl SolarDay {
    fn new(latitude_deg: f64, day_of_year: f64) -> Self {
        let (phi, delta) = (latitude_deg.to_radians(), declination_rad(day_of_year));
        let warmest_day = if latitude_deg >= 0.0 { 200.0 } else { 17.0 };
        SolarDay {
            ss: phi.sin() * delta.sin(),
            cc: phi.cos() * delta.cos(),
            eot_h: equation_of_time_min(day_of_year) / 60.0,
            mean_temp_c: 11.0 + 9.0 * (TAU * (day_of_year - warmest_day) / DAYS_PER_YEAR as f64).cos(),
            winter: winterness(latitude_deg, day_of_year),
        }
    }

    fn cos_zenith(&self, clock_hours: f64) -> f64 {
        let omega = (15.0 * (clock_hours + self.eot_h - 12.0)).to_radians();
        self.ss + self.cc * omega.cos()
    }

    fn air_temperature_c(&self, clock_hours: f64) -> f64 {
        self.mean_temp_c + 5.0 * (TAU * (clock_hours - 15.0) / 24.0).cos()
    }
}

/// Clear-sky global horizontal irradiance in W/m² by the Haurwitz (1945)
/// model; 0 when the sun is at or below the horizon.
pub fn haurwitz_ghi(cos_zenith: f64) -> f64 {
    if cos_zenith <= 0.0 {
        return 0.0;
    }
    HAURWITZ_A * cos_zenith * (-HAURWITZ_B / cos_zenith).exp()
}

/// Climatological air temperature in °C (annual plus daily cycle, no weather).
pub fn air_temperature_c(latitude_deg: f64, day_of_year: f64, clock_hours: f64) -> f64 {
    SolarDay::new(latitude_deg, day_of_year).air_temperature_c(clock_hours)
}

/// Relative DC power of the modules at air temperature `t_air_c` and plane
/// irradiance `ghi` (NOCT cell-temperature model, −0.4 %/K from 25 °C).
pub fn temperature_derate(t_air_c: f64, ghi: f64) -> f64 {
    let t_module = t_air_c + (NOCT_C - 20.0) / 800.0 * ghi;
    1.0 + GAMMA_PER_K * (t_module - 25.0)
}

/// Plant output per unit of capacity for irradiance `ghi` at air temperature
/// `t_air_c`, clipped to `0..=1` (inverter AC rating).
pub fn plant_output(ghi: f64, t_air_c: f64) -> f64 {
    (ghi / 1000.0 * temperature_derate(t_air_c, ghi)).clamp(0.0, 1.0)
}

/// 1-based day of the year and clock hours (mid-step) of absolute step `step`
/// counted from 1 January 00:00 of year 0.
pub fn step_time(step: usize) -> (f64, f64) {
    let day = (step / STEPS_PER_DAY) % DAYS_PER_YEAR;
    let hours = ((step % STEPS_PER_DAY) as f64 + 0.5) * STEP_MINUTES as f64 / 60.0;
    (day as f64 + 1.0, hours)
}

/// Clear-sky output per unit of capacity at absolute step `step` (Haurwitz
/// irradiance, climatological temperature).
pub fn clear_sky_output(latitude_deg: f64, step: usize) -> f64 {
    let (doy, hours) = step_time(step);
    let day = SolarDay::new(latitude_deg, doy);
    plant_output(haurwitz_ghi(day.cos_zenith(hours)), day.air_temperature_c(hours))
}

/// Seasonal weight in `-1..=1`: +1 at the winter solstice of the plant's
/// hemisphere, −1 at the summer solstice.
fn winterness(latitude_deg: f64, day_of_year: f64) -> f64 {
    let w = (TAU * (day_of_year - 355.0) / DAYS_PER_YEAR as f64).cos();
    if latitude_deg >= 0.0 {
        w
    } else {
        -w
    }
}

/// Per-step transition matrix of the regime chain, row = from, column = to,
/// for seasonal weight `winter` (see [`winterness`]) and the sun's cosine of
/// zenith `cos_z`: moves into overcast are likelier in winter and into clear
/// in summer; in the warm half of the year convection breaks clear skies up
/// around midday (clear → broken up to 4× likelier with the sun overhead) and
/// its clouds dissolve after sunset (broken → clear up to 3× likelier).
fn transitions(winter: f64, cos_z: f64) -> [[f64; 3]; 3] {
    const BASE: [[f64; 3]; 3] = [[0.0, 0.011, 0.004], [0.020, 0.0, 0.020], [0.004, 0.012, 0.0]];
    let into = [1.0 - 0.6 * winter, 1.0, 1.0 + 0.6 * winter];
    let summer = (1.0 - winter) / 2.0;
    let convection = summer * cos_z.max(0.0);
    let dissipation = if cos_z > 0.0 { 0.0 } else { summer };
    let mut m = [[0.0; 3]; 3];
    for (i, row) in m.iter_mut().enumerate() {
        for j in (0..3).filter(|&j| j != i) {
            row[j] = BASE[i][j] * into[j];
        }
        row[i] = 0.0;
    }
    m[0][1] *= 1.0 + 3.0 * convection;
    m[1][0] *= 1.0 + 2.0 * dissipation;
    for (i, row) in m.iter_mut().enumerate() {
        row[i] = 1.0 - row.iter().sum::<f64>();
    }
    m
}

/// Stationary distribution of a three-state transition matrix, exactly, by
/// the Markov chain tree theorem: state i's weight is the sum over spanning
/// trees directed into i of the product of their transition probabilities.
fn stationary(m: &[[f64; 3]; 3]) -> [f64; 3] {
    let w = [
        m[1][0] * m[2][0] + m[1][2] * m[2][0] + m[2][1] * m[1][0],
        m[0][1] * m[2][1] + m[0][2] * m[2][1] + m[2][0] * m[0][1],
        m[0][2] * m[1][2] + m[0][1] * m[1][2] + m[1][0] * m[0][2],
    ];
    let total: f64 = w.iter().sum();
    if total > 0.0 {
        w.map(|x| x / total)
    } else {
        [1.0 / 3.0; 3]
    }
}

/// Draws a regime from probabilities `p` with a uniform `u` in `[0, 1)`.
fn pick(p: &[f64; 3], u: f64) -> CloudRegime {
    if u < p[0] {
        CloudRegime::Clear
    } else if u < p[0] + p[1] {
        CloudRegime::Broken
    } else {
        CloudRegime::Overcast
    }
}

/// A simulated stretch of plant output, all per unit of [`CAPACITY_KW`].
#[derive(Clone, Debug, PartialEq)]
pub struct PvSeries {
    /// Absolute step of the first value (0 = 1 January 00:00).
    pub start_step: usize,
    /// Clear-sky output (Haurwitz, climatological temperature).
    pub clear_sky: Vec<f32>,
    /// Measured output.
    pub output: Vec<f32>,
    /// Clear-sky index of each step (also defined at night).
    pub clear_sky_index: Vec<f32>,
    /// Cloud regime of each step.
    pub regime: Vec<CloudRegime>,
}

/// Simulates `steps` consecutive steps starting at absolute step `start_step`,
/// the weather starting from the chain's stationary state; fully determined
/// by the arguments.
pub fn simulate(cfg: &PvConfig, start_step: usize, steps: usize, seed: u64) -> Result<PvSeries, String> {
    cfg.validate()?;
    if steps == 0 || steps > MAX_SERIES_STEPS {
        return Err(format!("steps must be in 1..={MAX_SERIES_STEPS}, got {steps}"));
    }
    Ok(simulate_with(cfg, start_step % (DAYS_PER_YEAR * STEPS_PER_DAY), steps, &mut SplitMix64::new(seed)))
}

/// The simulation proper, drawing from `rng` (config already validated).
fn simulate_with(cfg: &PvConfig, start_step: usize, steps: usize, rng: &mut SplitMix64) -> PvSeries {
    let lat = cfg.latitude_deg;
    let (doy0, _) = step_time(start_step);
    let mut day = SolarDay::new(lat, doy0);
    let mut day_of_year = doy0;
    let mut regime = pick(&stationary(&transitions(day.winter, 0.0)), rng.next_f64());
    let mut level = regime.mean_index();
    let mut z = rng.normal();
    let mut anomaly = TEMP_ANOMALY_STD * rng.normal();
    let mut out = PvSeries {
        start_step,
        clear_sky: Vec::with_capacity(steps),
        output: Vec::with_capacity(steps),
        clear_sky_index: Vec::with_capacity(steps),
        regime: Vec::with_capacity(steps),
    };
    let anomaly_gain = (1.0 - TEMP_ANOMALY_PHI * TEMP_ANOMALY_PHI).sqrt() * TEMP_ANOMALY_STD;
    for i in 0..steps {
        let (doy, hours) = step_time(start_step + i);
        if doy != day_of_year {
            day = SolarDay::new(lat, doy);
            day_of_year = doy;
        }
        let cos_z = day.cos_zenith(hours);
        if i > 0 {
            regime = pick(&transitions(day.winter, cos_z)[regime.index()], rng.next_f64());
            level += LEVEL_RATE * (regime.mean_index() - level);
            let phi = regime.ar_coefficient();
            z = phi * z + (1.0 - phi * phi).sqrt() * rng.normal();
            anomaly = TEMP_ANOMALY_PHI * anomaly + anomaly_gain * rng.normal();
        }
        let k = (level + regime.index_std() * z).clamp(K_MIN, K_MAX);
        let ghi_clear = haurwitz_ghi(cos_z);
        let t_clim = day.air_temperature_c(hours);
        let clear = plant_output(ghi_clear, t_clim);
        let measured = if ghi_clear > 0.0 {
            let noise = cfg.noise_std * (clear / 0.1).min(1.0) * rng.normal();
            (plant_output(k * ghi_clear, t_clim + anomaly) + noise).clamp(0.0, 1.0)
        } else {
            0.0
        };
        out.clear_sky.push(clear as f32);
        out.output.push(measured as f32);
        out.clear_sky_index.push(k as f32);
        out.regime.push(regime);
    }
    out
}

/// Generates `n` independent windows (see the module docs), fully determined
/// by `(cfg, n, seed)`. Returns `Err` for an invalid config, `n == 0`, or a
/// dataset larger than [`MAX_ELEMENTS`] values.
pub fn dataset(cfg: &PvConfig, n: usize, seed: u64) -> Result<Dataset, String> {
    cfg.validate()?;
    if n == 0 {
        return Err("n must be > 0".into());
    }
    let len = cfg.window_len();
    let total = n.checked_mul(CHANNELS * len).filter(|&t| t <= MAX_ELEMENTS);
    let total = total.ok_or_else(|| format!("dataset of {n} windows exceeds {MAX_ELEMENTS} values"))?;
    let mut rng = SplitMix64::new(seed);
    let mut inputs = Vec::with_capacity(total);
    let mut targets = Vec::with_capacity(n * cfg.horizon);
    for _ in 0..n {
        let start = rng.next_below((DAYS_PER_YEAR * STEPS_PER_DAY) as u64) as usize;
        let s = simulate_with(cfg, start, len, &mut rng);
        inputs.extend_from_slice(&s.output[..cfg.past]);
        inputs.extend(std::iter::repeat_n(0.0, cfg.horizon));
        inputs.extend_from_slice(&s.clear_sky);
        inputs.extend((0..len).map(|t| if t < cfg.past { 0.0 } else { 1.0 }));
        targets.extend_from_slice(&s.output[cfg.past..]);
    }
    let ds = Dataset {
        inputs,
        input_shape: vec![CHANNELS, len],
        targets: Targets::Values { values: targets, per_sample: cfg.horizon },
        n,
    };
    ds.check()?;
    Ok(ds)
}

/// Smart-persistence forecasts for every sample of `data`, flattened like its
/// targets: the clear-sky index of the last past step whose clear-sky output
/// is at least [`KC_MIN_CLEAR_SKY`] (measured / clear-sky, clipped to
/// `0..=1.2`; 1 when no past step qualifies) times the clear-sky output of
/// each future step. The window layout is read from `data` (as made by
/// [`dataset`]); `cfg` is accepted for uniformity with the other workloads.
/// Returns an empty vector when `data` is not shaped `[3, len]` or fails
/// [`Dataset::check`].
pub fn baseline(_cfg: &PvConfig, data: &Dataset) -> Vec<f32> {
    let (len, horizon) = match (data.input_shape.as_slice(), &data.targets) {
        ([CHANNELS, len], Targets::Values { per_sample, .. }) if *per_sample <= *len && data.check().is_ok() => {
            (*len, *per_sample)
        }
        _ => return Vec::new(),
    };
    let past = len - horizon;
    let mut out = Vec::with_capacity(data.n * horizon);
    for i in 0..data.n {
        let x = data.input(i);
        let (measured, clear) = (&x[..past], &x[len..2 * len]);
        let k = (0..past)
            .rev()
            .find(|&t| clear[t] >= KC_MIN_CLEAR_SKY)
            .map_or(1.0, |t| (measured[t] / clear[t]).clamp(0.0, 1.2));
        out.extend(clear[past..].iter().map(|&c| k * c));
    }
    out
}

/// A per-unit value in kW.
pub fn to_kw(per_unit: f32) -> f64 {
    f64::from(per_unit) * CAPACITY_KW
}

#[cfg(test)]
#[path = "generator_tests.rs"]
mod tests;
