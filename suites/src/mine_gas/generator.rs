//! Deterministic synthetic methane monitoring at a coal longwall face, one
//! reading a minute, cut into windows for forecasting the face methane
//! concentration a few minutes ahead.
//!
//! # Physics
//! The face is ventilated by a U-type system: intake air enters at the
//! headgate end (shearer position 0), sweeps the face and leaves by the
//! tailgate (position 1) into the return airway.
//! * **Coal winning** (bi-directional cutting): in production shifts the
//!   shearer cuts along the face at 3-6 m/min (±10 % per minute), pauses
//!   10-25 min at each end to turn round (sumping, snaking the conveyor), and
//!   stops at random (about one stop per 80 min of cutting, 3-25 min each);
//!   one shift in three is a maintenance shift without cutting.
//! * **Emission** (m³/min of CH4) has four sources: background desorption of
//!   the coal wall (a log-AR(1) drift, σ 15 %, about 3 h memory); gas from
//!   the freshly cut coal, proportional to the winning rate (speed × web ×
//!   height × density, about 3.4 t per metre of face) times the gas released
//!   per tonne, a quarter at once and the rest desorbing with a 10-20 min
//!   time constant (first-order decay of broken-coal desorption); the
//!   freshly exposed wall, which builds up while cutting and decays over
//!   2-4 h; and occasional
//!   surges (Poisson, three times likelier while cutting) of 1.5-4 times the
//!   mean background emission, rising over 1-3 min and decaying over
//!   10-30 min. Goaf gas (log-AR(1), σ 20 %, about 8 h memory) enters at the
//!   tailgate end only.
//! * **Dilution**: fully mixed concentration = 100 × emission / airflow (%).
//!   The airflow (1000-2000 m³/min nominal) fluctuates a little (AR(1),
//!   σ 2 %) and is re-set by ventilation adjustments (±15 %, about one per
//!   8 h, kept within 75-130 % of nominal).
//! * **Transport**: the face sensor, 10 m from the tailgate, sees 90 % of the
//!   wall's background emission (the part upstream of it), the fresh-wall
//!   emission and surges at once, and the cut-coal gas emitted at shearer
//!   position x after (1 − x) × face length / air velocity (air velocity =
//!   airflow / 15 m² of face cross-section); gas cut beyond the sensor
//!   bypasses it. The upper-corner sensor (T0) sees the face air plus goaf
//!   gas in the poorly ventilated corner (half the goaf gas diluted in 35 % of
//!   the airflow). The return-airway sensor (T2), 300-800 m downstream, sees
//!   all of it fully mixed, delayed by distance / velocity (14 m² of
//!   cross-section) and smoothed by longitudinal dispersion (first-order lag,
//!   2 min).
//! * **Other sensors**: CO (background oxidation 2-8 ppm plus up to about
//!   3 ppm from cutting, 10 min lag, 1 ppm resolution) and air temperature
//!   (22-28 °C drifting, plus up to about 0.8 °C from the machines, 30 min
//!   lag, 0.1 °C resolution).
//! * **Measurement**: methane sensors add Gaussian noise (`sensor_noise_pct`)
//!   and read in steps of 0.01 % (catalytic sensors of coal-mine monitoring
//!   systems), never below 0; the airflow sensor has 1 % noise.
//!
//! Sensor naming follows the usual coal-mine monitoring convention: T0
//! upper corner, T1 working face (the forecast target), T2 return airway.
//!
//! # Samples
//! Each sample is an independent stretch of monitoring: face parameters
//! drawn anew (see [`FaceParams::draw`]), a random start in the three-shift
//! day, a burn-in of [`BURN_IN_MIN`] minutes (the lagged states start
//! part-way to their production levels), then `past + horizon` minutes. The input has
//! shape `[CHANNELS, past]` (channel order [`CHANNEL_NAMES`], each divided by
//! its [`CHANNEL_SCALES`] entry); the target is the face methane reading
//! (T1) over the next `horizon` minutes, divided by [`CH4_SCALE_PCT`].
//!
//! The same `(config, n, seed)` always gives bit-identical output.

use crate::dataset::{Dataset, Targets};
use crate::rng::SplitMix64;

/// Input channels per sample.
pub const CHANNELS: usize = 8;

/// Names (with units) of the input channels, in order.
pub const CHANNEL_NAMES: [&str; CHANNELS] = [
    "face_ch4_pct",
    "upper_corner_ch4_pct",
    "return_ch4_pct",
    "airflow_m3_min",
    "shearer_cutting",
    "shearer_position",
    "co_ppm",
    "temperature_c",
];

/// Divisors bringing each channel to roughly unit range: input = physical / scale.
pub const CHANNEL_SCALES: [f64; CHANNELS] = [1.0, 1.0, 1.0, 2000.0, 1.0, 1.0, 20.0, 30.0];

/// Scale of the methane channels and of the target in %CH4.
pub const CH4_SCALE_PCT: f64 = 1.0;

/// Resolution of the methane sensors in %CH4.
pub const CH4_RESOLUTION_PCT: f64 = 0.01;

/// Minutes simulated before each window so that slow states settle.
pub const BURN_IN_MIN: usize = 120;

/// Largest accepted `past + horizon` in minutes (two days).
pub const MAX_WINDOW_MIN: usize = 2 * 1440;

/// Largest accepted length of a simulated series in minutes (a leap year).
pub const MAX_SERIES_MIN: usize = 366 * 1440;

/// Largest accepted total number of `f32` values in a dataset.
pub const MAX_ELEMENTS: usize = 1 << 30;

/// Minutes per shift (three shifts a day).
const SHIFT_MIN: usize = 480;
/// Face cross-section in m².
const FACE_AREA_M2: f64 = 15.0;
/// Return airway cross-section in m².
const RETURN_AREA_M2: f64 = 14.0;
/// Distance of the face sensor from the tailgate end in m.
const SENSOR_FROM_TAIL_M: f64 = 10.0;
/// Fraction of the cut coal's gas released at once; the rest desorbs with
/// the time constant [`FaceParams::cut_decay_min`].
const CUT_PROMPT: f64 = 0.25;
/// Probability per minute of cutting that the shearer stops at random.
const STOP_PER_MIN: f64 = 1.0 / 80.0;
/// Longest transport delay kept in minutes.
const MAX_DELAY_MIN: usize = 30;

/// Settings of the mine-gas generator.
#[derive(Clone, Debug, PartialEq)]
pub struct MineGasConfig {
    /// Minutes of history per window (default 60).
    pub past: usize,
    /// Minutes to forecast per window (default 10).
    pub horizon: usize,
    /// Mean number of emission surges per day, 0..=50 (default 1).
    pub surge_rate_per_day: f64,
    /// Std of the methane sensors' noise in %CH4, 0..=0.1 (default 0.005).
    pub sensor_noise_pct: f64,
}

impl Default for MineGasConfig {
    /// One hour of history, ten minutes ahead, one surge a day, 0.005 % noise.
    fn default() -> Self {
        MineGasConfig { past: 60, horizon: 10, surge_rate_per_day: 1.0, sensor_noise_pct: 0.005 }
    }
}

impl MineGasConfig {
    /// Checks the settings: `past, horizon >= 1`, `past + horizon <=
    /// MAX_WINDOW_MIN`, `surge_rate_per_day` in `0..=50`, `sensor_noise_pct`
    /// in `0..=0.1`.
    pub fn validate(&self) -> Result<(), String> {
        if self.past == 0 || self.horizon == 0 {
            return Err(format!("past and horizon must be >= 1, got {} and {}", self.past, self.horizon));
        }
        if self.past.saturating_add(self.horizon) > MAX_WINDOW_MIN {
            return Err(format!(
                "past + horizon must be <= {MAX_WINDOW_MIN} minutes, got {} + {}",
                self.past, self.horizon
            ));
        }
        if !(0.0..=50.0).contains(&self.surge_rate_per_day) {
            return Err(format!("surge_rate_per_day must be in 0..=50, got {}", self.surge_rate_per_day));
        }
        if !(0.0..=0.1).contains(&self.sensor_noise_pct) {
            return Err(format!("sensor_noise_pct must be in 0..=0.1, got {}", self.sensor_noise_pct));
        }
        Ok(())
    }
}

/// Physical parameters of one longwall face and its monitoring.
#[derive(Clone, Debug, PartialEq)]
pub struct FaceParams {
    /// Nominal face airflow in m³/min.
    pub airflow_m3_min: f64,
    /// Face length in m.
    pub face_length_m: f64,
    /// Distance from the face sensor to the return-airway sensor in m.
    pub return_distance_m: f64,
    /// Mean background emission of the coal wall in m³/min.
    pub background_m3_min: f64,
    /// Gas released per tonne of cut coal in m³/t.
    pub cut_gas_m3_per_t: f64,
    /// Time constant of desorption from broken coal in min.
    pub cut_decay_min: f64,
    /// Emission of freshly exposed wall under continuous cutting in m³/min.
    pub fresh_wall_m3_min: f64,
    /// Time constant of the fresh-wall emission in min.
    pub fresh_wall_decay_min: f64,
    /// Mean goaf emission in m³/min.
    pub goaf_m3_min: f64,
    /// Shearer cutting speed in m/min.
    pub shearer_speed_m_min: f64,
    /// Coal won per metre of shearer travel in t/m.
    pub tonnes_per_m: f64,
    /// Which shift of the day (0, 1, 2) is the maintenance shift.
    pub maintenance_shift: usize,
    /// Minute of the day at the start of the series.
    pub start_minute: usize,
    /// Mean number of emission surges per day.
    pub surge_rate_per_day: f64,
    /// Std of the methane sensors' noise in %CH4.
    pub sensor_noise_pct: f64,
    /// Background CO in ppm.
    pub co_background_ppm: f64,
    /// Mean air temperature in °C.
    pub temperature_c: f64,
}

impl FaceParams {
    /// Draws a face: airflow 1000-2000 m³/min; emissions set so that, fully
    /// mixed in that airflow, the background gives 0.15-0.35 %, steady cutting
    /// 0.12-0.30 %, the fresh wall up to 0.05-0.15 % and the goaf 0.08-0.25 %;
    /// face 150-250 m long, 2.8-3.9 t/m, shearer 3-6 m/min, return sensor
    /// 300-800 m downstream; surge rate and sensor noise from `cfg`.
    pub fn draw(cfg: &MineGasConfig, r: &mut SplitMix64) -> FaceParams {
        let q = r.uniform(1000.0, 2000.0);
        let speed = r.uniform(3.0, 6.0);
        let tonnes_per_m = r.uniform(2.8, 3.9);
        let cut_pct = r.uniform(0.12, 0.30);
        FaceParams {
            airflow_m3_min: q,
            face_length_m: r.uniform(150.0, 250.0),
            return_distance_m: r.uniform(300.0, 800.0),
            background_m3_min: r.uniform(0.15, 0.35) * q / 100.0,
            cut_gas_m3_per_t: cut_pct * q / 100.0 / (speed * tonnes_per_m),
            cut_decay_min: r.uniform(10.0, 20.0),
            fresh_wall_m3_min: r.uniform(0.05, 0.15) * q / 100.0,
            fresh_wall_decay_min: r.uniform(120.0, 240.0),
            goaf_m3_min: r.uniform(0.08, 0.25) * q / 100.0,
            shearer_speed_m_min: speed,
            tonnes_per_m,
            maintenance_shift: r.next_below(3) as usize,
            start_minute: r.next_below(1440) as usize,
            surge_rate_per_day: cfg.surge_rate_per_day,
            sensor_noise_pct: cfg.sensor_noise_pct,
            co_background_ppm: r.uniform(2.0, 8.0),
            temperature_c: r.uniform(22.0, 28.0),
        }
    }

    /// Checks that every quantity is finite and in a physical range.
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("airflow_m3_min", self.airflow_m3_min),
            ("face_length_m", self.face_length_m),
            ("return_distance_m", self.return_distance_m),
            ("cut_decay_min", self.cut_decay_min),
            ("fresh_wall_decay_min", self.fresh_wall_decay_min),
            ("shearer_speed_m_min", self.shearer_speed_m_min),
            ("tonnes_per_m", self.tonnes_per_m),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!("{name} must be finite and > 0, got {v}"));
            }
        }
        let non_negative = [
            ("background_m3_min", self.background_m3_min),
            ("cut_gas_m3_per_t", self.cut_gas_m3_per_t),
            ("fresh_wall_m3_min", self.fresh_wall_m3_min),
            ("goaf_m3_min", self.goaf_m3_min),
            ("surge_rate_per_day", self.surge_rate_per_day),
            ("sensor_noise_pct", self.sensor_noise_pct),
            ("co_background_ppm", self.co_background_ppm),
        ];
        for (name, v) in non_negative {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("{name} must be finite and >= 0, got {v}"));
            }
        }
        if !self.temperature_c.is_finite() {
            return Err(format!("temperature_c must be finite, got {}", self.temperature_c));
        }
        if self.face_length_m <= SENSOR_FROM_TAIL_M {
            return Err(format!("face_length_m must exceed {SENSOR_FROM_TAIL_M}, got {}", self.face_length_m));
        }
        if self.maintenance_shift > 2 || self.start_minute >= 1440 {
            return Err(format!(
                "maintenance_shift must be 0..=2 and start_minute 0..1440, got {} and {}",
                self.maintenance_shift, self.start_minute
            ));
        }
        Ok(())
    }
}

/// A simulated stretch of monitoring data, one value a minute.
#[derive(Clone, Debug, PartialEq)]
pub struct MineSeries {
    /// Sensor readings in physical units, one vector per [`CHANNEL_NAMES`] entry.
    pub channels: Vec<Vec<f32>>,
    /// Noise-free methane at the face sensor in %CH4.
    pub face_true_pct: Vec<f32>,
    /// Noise-free methane at the return sensor in %CH4.
    pub return_true_pct: Vec<f32>,
    /// Methane emitted into the face air in m³/min (background, cut coal,
    /// fresh wall, surges; goaf excluded), before transport.
    pub emission_m3_min: Vec<f32>,
    /// True airflow in m³/min.
    pub airflow_m3_min: Vec<f32>,
}

/// What the shearer does in a minute.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shearer {
    /// Cutting towards the tailgate (+1) or headgate (−1).
    Cutting(f64),
    /// Paused (end turn-round or random stop) for the minutes left, then cutting in that direction.
    Paused(usize, f64),
}

/// The random stream of one simulation: uniforms from [`SplitMix64`] and
/// standard normals in pairs by Marsaglia's polar method (no trigonometry,
/// about a third of the cost of [`SplitMix64::normal`]).
struct Draws {
    rng: SplitMix64,
    spare: Option<f64>,
}

impl Draws {
    fn new(seed: u64) -> Self {
        Draws { rng: SplitMix64::new(seed), spare: None }
    }

    fn next_f64(&mut self) -> f64 {
        self.rng.next_f64()
    }

    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        self.rng.uniform(lo, hi)
    }

    fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            let (u, v) = (2.0 * self.rng.next_f64() - 1.0, 2.0 * self.rng.next_f64() - 1.0);
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let f = (-2.0 * s.ln() / s).sqrt();
                self.spare = Some(v * f);
                return u * f;
            }
        }
    }

    /// Unit-variance AR(1) step from `x` with coefficient `phi`.
    fn ar1(&mut self, x: f64, phi: f64) -> f64 {
        phi * x + (1.0 - phi * phi).sqrt() * self.normal()
    }
}

/// Rounds `x` to the nearest multiple of `step`, never below 0.
/// Methane concentration (% by volume) of `emission_m3_min` of methane fully
/// mixed into `airflow_m3_min` of air: the dilution model of the face and
/// the return.
pub fn dilution_pct(emission_m3_min: f64, airflow_m3_min: f64) -> f64 {
    100.0 * emission_m3_min / airflow_m3_min
}

fn quantise(x: f64, step: f64) -> f64 {
    ((x / step).round() * step).max(0.0)
}

/// Simulates `minutes` minutes of face `p`, fully determined by the arguments.
pub fn simulate(p: &FaceParams, minutes: usize, seed: u64) -> Result<MineSeries, String> {
    p.validate()?;
    if minutes == 0 || minutes > MAX_SERIES_MIN {
        return Err(format!("minutes must be in 1..={MAX_SERIES_MIN}, got {minutes}"));
    }
    Ok(simulate_with(p, minutes, &mut Draws::new(seed)))
}

/// Sum of the surges `(start, rise, decay, amplitude)` at minute `now`.
fn surge_emission(surges: &[(f64, f64, f64, f64)], now: f64) -> f64 {
    let one = |&(start, rise, decay, amplitude): &(f64, f64, f64, f64)| {
        let age = now - start;
        if age < rise {
            amplitude * (age + 1.0) / (rise + 1.0)
        } else {
            amplitude * (-(age - rise) / decay).exp()
        }
    };
    surges.iter().map(one).sum()
}

/// The simulation proper (parameters already validated).
fn simulate_with(p: &FaceParams, minutes: usize, d: &mut Draws) -> MineSeries {
    let length = p.face_length_m;
    let full_cut_gas = p.cut_gas_m3_per_t * p.shearer_speed_m_min * p.tonnes_per_m;
    let mut x = d.next_f64();
    let mut shearer = Shearer::Cutting(if d.next_f64() < 0.5 { 1.0 } else { -1.0 });
    let (mut bg, mut goaf, mut flow_noise, mut co_drift, mut temp_drift) =
        (d.normal(), d.normal(), d.normal(), d.normal(), d.normal());
    let mut flow_setting = 1.0;
    // Lagged states start part-way to their production level, so that a
    // short burn-in settles them.
    let mut broken = (1.0 - CUT_PROMPT) * full_cut_gas * d.uniform(0.0, 0.8); // desorbing cut coal, m³/min
    let mut fresh = p.fresh_wall_m3_min * d.uniform(0.0, 0.8);
    let mut co_cut = 3.0 * d.uniform(0.0, 0.8);
    let mut heat = 0.8 * d.uniform(0.0, 0.8);
    let mut surges: Vec<(f64, f64, f64, f64)> = Vec::new(); // start, rise, decay, amplitude
    let mut arrivals = [0.0; MAX_DELAY_MIN + 1]; // cut gas reaching the face sensor, by minutes from now
    let mut mixed_history = vec![0.0; minutes]; // fully mixed return concentration
    let mut ret_lagged: Option<f64> = None;
    let return_velocity = p.airflow_m3_min / RETURN_AREA_M2;
    let return_delay = (p.return_distance_m / return_velocity).round().clamp(1.0, MAX_DELAY_MIN as f64) as usize;
    let mut out = MineSeries {
        channels: (0..CHANNELS).map(|_| Vec::with_capacity(minutes)).collect(),
        face_true_pct: Vec::with_capacity(minutes),
        return_true_pct: Vec::with_capacity(minutes),
        emission_m3_min: Vec::with_capacity(minutes),
        airflow_m3_min: Vec::with_capacity(minutes),
    };
    let (a_cut, a_fresh) = ((-1.0 / p.cut_decay_min).exp(), (-1.0 / p.fresh_wall_decay_min).exp());
    let (a_co, a_heat, a_mix) = ((-1.0f64 / 10.0).exp(), (-1.0f64 / 30.0).exp(), (-1.0f64 / 2.0).exp());
    let surge_hazard = p.surge_rate_per_day / 1440.0 / 1.9; // about 45 % of the minutes cut, at ×3
    for t in 0..minutes {
        // Shearer.
        let maintenance = ((p.start_minute + t) % 1440) / SHIFT_MIN == p.maintenance_shift;
        let mut cut_m = 0.0;
        if !maintenance {
            shearer = match shearer {
                Shearer::Paused(left, dir) if left > 1 => Shearer::Paused(left - 1, dir),
                Shearer::Paused(_, dir) => Shearer::Cutting(dir),
                Shearer::Cutting(dir) if d.next_f64() < STOP_PER_MIN => {
                    Shearer::Paused(3 + (d.next_f64() * 22.0) as usize, dir)
                }
                Shearer::Cutting(dir) => {
                    let step = p.shearer_speed_m_min * (1.0 + 0.1 * d.normal()).max(0.5) / length;
                    let next = (x + dir * step).clamp(0.0, 1.0);
                    cut_m = (next - x).abs() * length;
                    x = next;
                    if x <= 0.0 || x >= 1.0 {
                        Shearer::Paused(10 + (d.next_f64() * 15.0) as usize, -dir)
                    } else {
                        Shearer::Cutting(dir)
                    }
                }
            };
        }
        let cutting = cut_m > 0.0;
        let on = if cutting { 1.0 } else { 0.0 };
        // Ventilation.
        flow_noise = d.ar1(flow_noise, 0.9);
        if d.next_f64() < 1.0 / 480.0 {
            flow_setting = (flow_setting * d.uniform(0.85, 1.15)).clamp(0.75, 1.3);
        }
        let q = p.airflow_m3_min * flow_setting * (1.0 + 0.02 * flow_noise);
        let velocity = q / FACE_AREA_M2;
        // Emission sources.
        bg = d.ar1(bg, 0.995);
        goaf = d.ar1(goaf, 0.998);
        let background = p.background_m3_min * (0.15 * bg).exp();
        let goaf_m3 = p.goaf_m3_min * (0.2 * goaf).exp();
        let cut_gas = p.cut_gas_m3_per_t * cut_m * p.tonnes_per_m;
        broken = a_cut * broken + (1.0 - a_cut) * (1.0 - CUT_PROMPT) * cut_gas;
        fresh = a_fresh * fresh + (1.0 - a_fresh) * p.fresh_wall_m3_min * on;
        let now = t as f64;
        if d.next_f64() < surge_hazard * (1.0 + 2.0 * on) {
            let (rise, decay) = (d.uniform(1.0, 3.0), d.uniform(10.0, 30.0));
            surges.push((now, rise, decay, d.uniform(1.5, 4.0) * p.background_m3_min));
        }
        surges.retain(|&(s, rise, decay, _)| now - s < rise + 8.0 * decay);
        let surge = surge_emission(&surges, now);
        // Transport of the cut-coal gas to the face sensor, or past it.
        arrivals.rotate_left(1);
        arrivals[MAX_DELAY_MIN] = 0.0;
        let cut_total = CUT_PROMPT * cut_gas + broken;
        let downstream_m = (1.0 - x) * length - SENSOR_FROM_TAIL_M;
        let bypass = if downstream_m >= 0.0 {
            arrivals[(downstream_m / velocity).round().min(MAX_DELAY_MIN as f64) as usize] += cut_total;
            0.0
        } else {
            cut_total
        };
        let at_face = 0.9 * background + fresh + surge + arrivals[0];
        let face = dilution_pct(at_face, q);
        let tail = dilution_pct(at_face + 0.1 * background + bypass, q);
        let corner = tail + 100.0 * 0.5 * goaf_m3 / (0.35 * q);
        mixed_history[t] = tail + 100.0 * goaf_m3 / q;
        let delayed = mixed_history[t.saturating_sub(return_delay)];
        let ret = ret_lagged.map_or(delayed, |prev| a_mix * prev + (1.0 - a_mix) * delayed);
        ret_lagged = Some(ret);
        // Other sensors.
        co_drift = d.ar1(co_drift, 0.995);
        temp_drift = d.ar1(temp_drift, 0.998);
        co_cut = a_co * co_cut + (1.0 - a_co) * 3.0 * on;
        heat = a_heat * heat + (1.0 - a_heat) * 0.8 * on;
        let co = p.co_background_ppm * (0.2 * co_drift).exp() + co_cut;
        let temp = p.temperature_c + 0.7 * temp_drift + heat;
        let mut sensor = |c: f64| quantise(c + p.sensor_noise_pct * d.normal(), CH4_RESOLUTION_PCT);
        let readings = [
            sensor(face),
            sensor(corner),
            sensor(ret),
            q * (1.0 + 0.01 * d.normal()),
            on,
            x,
            quantise(co, 1.0),
            quantise(temp, 0.1),
        ];
        for (channel, v) in out.channels.iter_mut().zip(readings) {
            channel.push(v as f32);
        }
        out.face_true_pct.push(face as f32);
        out.return_true_pct.push(ret as f32);
        out.emission_m3_min.push((background + fresh + surge + cut_total) as f32);
        out.airflow_m3_min.push(q as f32);
    }
    out
}

/// Generates `n` independent windows (see the module docs), fully determined
/// by `(cfg, n, seed)`. Returns `Err` for an invalid config, `n == 0`, or a
/// dataset larger than [`MAX_ELEMENTS`] values.
pub fn dataset(cfg: &MineGasConfig, n: usize, seed: u64) -> Result<Dataset, String> {
    cfg.validate()?;
    if n == 0 {
        return Err("n must be > 0".into());
    }
    let total = n.checked_mul(CHANNELS * cfg.past).filter(|&t| t <= MAX_ELEMENTS);
    let total = total.ok_or_else(|| format!("dataset of {n} windows exceeds {MAX_ELEMENTS} values"))?;
    let mut rng = SplitMix64::new(seed);
    let mut inputs = Vec::with_capacity(total);
    let mut targets = Vec::with_capacity(n * cfg.horizon);
    let minutes = BURN_IN_MIN + cfg.past + cfg.horizon;
    for _ in 0..n {
        let face = FaceParams::draw(cfg, &mut rng);
        let s = simulate_with(&face, minutes, &mut Draws::new(rng.next_u64()));
        for (channel, scale) in s.channels.iter().zip(CHANNEL_SCALES) {
            let past = &channel[BURN_IN_MIN..BURN_IN_MIN + cfg.past];
            inputs.extend(past.iter().map(|&v| (f64::from(v) / scale) as f32));
        }
        let future = &s.channels[0][BURN_IN_MIN + cfg.past..];
        targets.extend(future.iter().map(|&v| (f64::from(v) / CH4_SCALE_PCT) as f32));
    }
    let ds = Dataset {
        inputs,
        input_shape: vec![CHANNELS, cfg.past],
        targets: Targets::Values { values: targets, per_sample: cfg.horizon },
        n,
    };
    ds.check()?;
    Ok(ds)
}

/// Persistence forecasts for every sample of `data`, flattened like its
/// targets: the last face methane reading (channel 0) repeated over the
/// horizon. The layout is read from `data` (as made by [`dataset`]); `cfg` is
/// accepted for uniformity with the other workloads. Returns an empty vector
/// when `data` is not shaped `[CHANNELS, past]` or fails [`Dataset::check`].
pub fn baseline(_cfg: &MineGasConfig, data: &Dataset) -> Vec<f32> {
    let (past, horizon) = match (data.input_shape.as_slice(), &data.targets) {
        ([CHANNELS, past], Targets::Values { per_sample, .. }) if *past > 0 && data.check().is_ok() => {
            (*past, *per_sample)
        }
        _ => return Vec::new(),
    };
    (0..data.n).flat_map(|i| std::iter::repeat_n(data.input(i)[past - 1], horizon)).collect()
}

/// A normalised methane value in %CH4.
pub fn ch4_to_percent(v: f32) -> f64 {
    f64::from(v) * CH4_SCALE_PCT
}

#[cfg(test)]
#[path = "generator_tests.rs"]
mod tests;
