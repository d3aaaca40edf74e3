//! Deterministic synthetic households for non-intrusive load monitoring
//! (NILM) in the sequence-to-point form (Zhang et al. 2018): from a window of
//! the aggregate active power, estimate one appliance's power at the window's
//! midpoint.
//!
//! The household simulator is described in the [`household`](mod@household) module.
//!
//! # Samples
//! A dataset simulates `houses` households for `days` days each and cuts
//! windows of `window` samples (599 by default, about 80 min at 8 s) centred
//! on drawn midpoints: a fraction `on_fraction` of the midpoints lies inside
//! a run of the target appliance (from its start to its end, pauses
//! included), the rest outside every run; the order is then shuffled. Input
//! = aggregate / [`AGGREGATE_SCALE_W`], shape `[1, window]`; target = the
//! target appliance's power at the midpoint / [`Appliance::target_scale_w`].
//! Windows of one dataset may overlap in time, so hold out test data by
//! generating it with another seed (other houses, other days).
//!
//! The same `(config, n, seed)` always gives bit-identical output.

#[path = "household.rs"]
pub mod household;

pub use household::{household, ApplianceTrace, Household};

use crate::dataset::{Dataset, Targets};
use crate::rng::SplitMix64;
use std::ops::Range;

/// Default window length in samples (seq2point's 599).
pub const WINDOW: usize = 599;

/// Scale of the aggregate input in W: input = aggregate W / this.
pub const AGGREGATE_SCALE_W: f64 = 2000.0;

/// Largest accepted window length in samples.
pub const MAX_WINDOW: usize = 8191;

/// Largest accepted `houses × days`.
pub const MAX_HOUSE_DAYS: usize = 3650;

/// Largest accepted total number of `f32` values in a dataset.
pub const MAX_ELEMENTS: usize = 1 << 30;

/// Seconds per day.
const DAY_S: f64 = 86_400.0;

/// A household appliance that can be the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Appliance {
    /// Refrigerator (compressor cycles, defrost).
    Fridge,
    /// Electric kettle.
    Kettle,
    /// Washing machine (heating, tumbling, spinning).
    WashingMachine,
    /// Dishwasher (two heating phases).
    Dishwasher,
    /// Microwave oven.
    Microwave,
}

impl Appliance {
    /// All appliances, in the order of [`Household::appliances`].
    pub const ALL: [Appliance; 5] =
        [Appliance::Fridge, Appliance::Kettle, Appliance::WashingMachine, Appliance::Dishwasher, Appliance::Microwave];

    /// Position in [`Appliance::ALL`].
    pub fn index(self) -> usize {
        match self {
            Appliance::Fridge => 0,
            Appliance::Kettle => 1,
            Appliance::WashingMachine => 2,
            Appliance::Dishwasher => 3,
            Appliance::Microwave => 4,
        }
    }

    /// Kebab-case name, as in parameters and reports.
    pub fn name(self) -> &'static str {
        ["fridge", "kettle", "washing-machine", "dishwasher", "microwave"][self.index()]
    }

    /// The appliance called `name` (see [`Appliance::name`]).
    pub fn from_name(name: &str) -> Option<Appliance> {
        Appliance::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Scale of the target in W: target = appliance W / this.
    pub fn target_scale_w(self) -> f64 {
        [300.0, 3000.0, 2500.0, 2500.0, 1500.0][self.index()]
    }

    /// Power in W above which the appliance counts as on (close to the
    /// thresholds of Kelly & Knottenbelt 2015).
    pub fn on_threshold_w(self) -> f64 {
        [50.0, 1000.0, 20.0, 10.0, 200.0][self.index()]
    }

    /// Threshold and cap in W of the [`baseline`] rule: excess power over the
    /// window's minimum at or above the threshold is taken as the
    /// appliance's, up to the cap.
    pub fn baseline_rule_w(self) -> (f64, f64) {
        [(50.0, 300.0), (1500.0, 3100.0), (1500.0, 2500.0), (1500.0, 2500.0), (800.0, 1600.0)][self.index()]
    }

    /// Label of this appliance's channels in the REDD data set, if it has one.
    pub fn redd_label(self) -> Option<&'static str> {
        // REDD spells the dishwasher "dishwaser".
        [Some("refrigerator"), None, Some("washer_dryer"), Some("dishwaser"), Some("microwave")][self.index()]
    }
}

/// Settings of the NILM generator.
#[derive(Clone, Debug, PartialEq)]
pub struct NilmConfig {
    /// Appliance whose midpoint power is the target (default washing machine).
    pub target: Appliance,
    /// Samples per window, odd (default [`WINDOW`]).
    pub window: usize,
    /// Sampling interval in seconds, 1..=60 (default 8).
    pub interval_s: u32,
    /// Simulated households per dataset (default 8).
    pub houses: usize,
    /// Simulated days per household (default 7).
    pub days: usize,
    /// Fraction of windows centred inside a run of the target, 0..=1 (default 0.5).
    pub on_fraction: f64,
    /// Std of the meter noise in W, 0..=100 (default 3).
    pub noise_w: f64,
}

impl Default for NilmConfig {
    /// Washing machine, 599 samples at 8 s, 8 houses × 7 days, half the
    /// windows on, 3 W noise.
    fn default() -> Self {
        NilmConfig {
            target: Appliance::WashingMachine,
            window: WINDOW,
            interval_s: 8,
            houses: 8,
            days: 7,
            on_fraction: 0.5,
            noise_w: 3.0,
        }
    }
}

impl NilmConfig {
    /// Checks the settings: odd `window` in `3..=MAX_WINDOW`, `interval_s` in
    /// `1..=60`, `houses, days >= 1` with `houses × days <= MAX_HOUSE_DAYS`,
    /// a day holding at least one window, `on_fraction` in `0..=1` and
    /// `noise_w` in `0..=100`.
    pub fn validate(&self) -> Result<(), String> {
        if self.window < 3 || self.window > MAX_WINDOW || self.window.is_multiple_of(2) {
            return Err(format!("window must be odd and in 3..={MAX_WINDOW}, got {}", self.window));
        }
        if !(1..=60).contains(&self.interval_s) {
            return Err(format!("interval_s must be in 1..=60, got {}", self.interval_s));
        }
        if self.houses == 0 || self.days == 0 || self.houses.saturating_mul(self.days) > MAX_HOUSE_DAYS {
            return Err(format!(
                "houses and days must be >= 1 with houses × days <= {MAX_HOUSE_DAYS}, got {} × {}",
                self.houses, self.days
            ));
        }
        if samples_per_day(self.interval_s) < self.window {
            return Err(format!(
                "window must fit in a day ({} samples), got {}",
                samples_per_day(self.interval_s),
                self.window
            ));
        }
        if !(0.0..=1.0).contains(&self.on_fraction) {
            return Err(format!("on_fraction must be in 0..=1, got {}", self.on_fraction));
        }
        if !(0.0..=100.0).contains(&self.noise_w) {
            return Err(format!("noise_w must be in 0..=100, got {}", self.noise_w));
        }
        Ok(())
    }
}

/// Samples per day at `interval_s`.
fn samples_per_day(interval_s: u32) -> usize {
    (DAY_S / f64::from(interval_s.max(1))).ceil() as usize
}

/// Whether each sample lies inside one of `runs`.
pub fn run_mask(runs: &[Range<usize>], len: usize) -> Vec<bool> {
    let mut mask = vec![false; len];
    for r in runs {
        for m in &mut mask[r.start.min(len)..r.end.min(len)] {
            *m = true;
        }
    }
    mask
}

/// Generates `n` windows (see the module docs), fully determined by
/// `(cfg, n, seed)`. Returns `Err` for an invalid config, `n == 0`, a dataset
/// larger than [`MAX_ELEMENTS`] values, or when the simulated days hold no
/// run of the target (or no time outside one) but windows of that kind are
/// asked for.
pub fn dataset(cfg: &NilmConfig, n: usize, seed: u64) -> Result<Dataset, String> {
    cfg.validate()?;
    if n == 0 {
        return Err("n must be > 0".into());
    }
    let total = n.checked_mul(cfg.window).filter(|&t| t <= MAX_ELEMENTS);
    let total = total.ok_or_else(|| format!("dataset of {n} windows exceeds {MAX_ELEMENTS} values"))?;
    let mut rng = SplitMix64::new(seed);
    let houses: Vec<Household> = (0..cfg.houses)
        .map(|_| household::simulate_house(cfg, cfg.days, &mut SplitMix64::new(rng.next_u64())))
        .collect();
    let len = cfg.days * samples_per_day(cfg.interval_s);
    let half = cfg.window / 2;
    let (mut on, mut off) = (Vec::new(), Vec::new());
    for (h, house) in houses.iter().enumerate() {
        let runs = house.trace(cfg.target).map_or(&[][..], |t| &t.runs);
        let mask = run_mask(runs, len);
        for (m, &is_on) in mask.iter().enumerate().take(len - half).skip(half) {
            if is_on { &mut on } else { &mut off }.push(h * len + m);
        }
    }
    let n_on = ((n as f64 * cfg.on_fraction).round() as usize).min(n);
    let what = format!("{} houses × {} days", cfg.houses, cfg.days);
    if n_on > 0 && on.is_empty() {
        return Err(format!("no {} run in {what}: raise days or houses", cfg.target.name()));
    }
    if n_on < n && off.is_empty() {
        return Err(format!("no time without a {} run in {what}", cfg.target.name()));
    }
    let mut centres: Vec<usize> = (0..n)
        .map(|i| {
            let pool = if i < n_on { &on } else { &off };
            pool[rng.next_below(pool.len() as u64) as usize]
        })
        .collect();
    rng.shuffle(&mut centres);
    let mut inputs = Vec::with_capacity(total);
    let mut targets = Vec::with_capacity(n);
    let scale = cfg.target.target_scale_w();
    for c in centres {
        let (house, m) = (&houses[c / len], c % len);
        let window = &house.aggregate_w[m - half..=m + half];
        inputs.extend(window.iter().map(|&w| (f64::from(w) / AGGREGATE_SCALE_W) as f32));
        let target = house.trace(cfg.target).map_or(0.0, |t| f64::from(t.power_w[m]));
        targets.push((target / scale) as f32);
    }
    let ds = Dataset {
        inputs,
        input_shape: vec![1, cfg.window],
        targets: Targets::Values { values: targets, per_sample: 1 },
        n,
    };
    ds.check()?;
    Ok(ds)
}

/// The naive estimate for every sample of `data`, a threshold rule on the
/// aggregate: the midpoint's excess over the window's minimum (the base load
/// and whatever else runs throughout), clipped at the target's
/// [`Appliance::baseline_rule_w`] cap when it reaches the rule's threshold,
/// else 0. Returns an empty vector when `data` is not shaped `[1, odd]` or
/// fails [`Dataset::check`].
pub fn baseline(cfg: &NilmConfig, data: &Dataset) -> Vec<f32> {
    let len = match data.input_shape.as_slice() {
        [1, len] if len % 2 == 1 && data.check().is_ok() => *len,
        _ => return Vec::new(),
    };
    let (threshold, cap) = cfg.target.baseline_rule_w();
    let scale = cfg.target.target_scale_w();
    (0..data.n)
        .map(|i| {
            let x = data.input(i);
            let floor = x.iter().copied().fold(f32::INFINITY, f32::min);
            let excess = aggregate_to_watts(x[len / 2] - floor);
            if excess >= threshold {
                (excess.min(cap) / scale) as f32
            } else {
                0.0
            }
        })
        .collect()
}

/// A normalised aggregate value in W.
pub fn aggregate_to_watts(v: f32) -> f64 {
    f64::from(v) * AGGREGATE_SCALE_W
}

/// A normalised target of appliance `a` in W.
pub fn target_to_watts(a: Appliance, v: f32) -> f64 {
    f64::from(v) * a.target_scale_w()
}

#[cfg(test)]
#[path = "generator_tests.rs"]
mod tests;
