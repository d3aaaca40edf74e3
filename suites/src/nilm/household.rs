//! Simulation of one household's appliances, other loads and meter for the
//! NILM generator, at `interval_s` resolution.
//!
//! # Model
//! Appliances are simulated as sequences of constant-power segments with
//! second resolution and averaged exactly over each sampling interval, as an
//! energy meter does (so short spikes are smeared, as in real 6-8 s data).
//! Usage follows daily habits: each use is tied to a time slot (wake-up,
//! lunch, dinner, ...) with a per-house time, a spread, and weekday and
//! weekend probabilities; one appliance never runs twice at once. Days start
//! on a Monday; each house draws its own ratings and habits.
//! * **Fridge**: compressor cycles of 12-22 min on, 25-45 min off (20 %
//!   shorter off-times between 07:00 and 23:00: door openings), running at
//!   90-140 W with a 2 s start-up spike of 6× and a 3-minute settling surplus;
//!   a defrost heater (200-300 W, 15-25 min) about once a day, followed by a
//!   long compressor run.
//! * **Kettle**: 2-3 kW for 1-6 min (fill dependent), about 3 uses a day.
//! * **Washing machine** (2.5-6 runs a week, daytime, more at weekends): fill
//!   and tumble; water heating at 1.8-2.2 kW for as long as heating 10-15 l by
//!   15, 25 or 45 K takes (c = 4186 J/kg/K, so 5-26 min), with the drum
//!   turning; main wash tumbling (drum motor 120-250 W, 8-12 s on, 3-5 s off)
//!   with thermostat reheats on hot programmes; 2-3 rinses with drain pump,
//!   short spin, fill and tumble; final spin at 300-600 W. About 60-130 min.
//! * **Dishwasher** (0.4-1 runs a day, mostly after dinner): pre-wash with the
//!   circulation pump (60-120 W, ±4 % from one half-minute to the next), a
//!   first heating phase (1.8-2.2 kW, 15-25 min), main wash, rinse, a second
//!   heating phase (hot rinse, 10-20 min), drain; passive drying draws
//!   nothing. About 65-105 min.
//! * **Microwave**: 1.0-1.4 kW magnetron plus about 50 W of fan and
//!   turntable, 0.5-5 min at meal times; one use in five on defrost (magnetron
//!   on 35 % of a 30 s cycle).
//! * **Other loads**: lighting (eight 5-60 W lamps switching as two-state
//!   Markov chains whose on-probability follows the hour: morning and evening
//!   peaks), a television in the evenings (60-150 W) and at weekend
//!   afternoons, a computer on some weekdays (40-100 W).
//! * **Base load**: 60-160 W always on, drifting as an AR(1) process (σ 10 W,
//!   about 8 minutes' memory).
//! * **Meter**: aggregate = base + other loads + appliances + Gaussian noise
//!   (`noise_w`), rounded to whole watts.

use super::{samples_per_day, Appliance, NilmConfig, MAX_HOUSE_DAYS};
use crate::rng::SplitMix64;
use std::ops::Range;

/// Seconds per day.
const DAY_S: f64 = 86_400.0;

/// The power of one appliance over a simulated period.
#[derive(Clone, Debug, PartialEq)]
pub struct ApplianceTrace {
    /// Which appliance.
    pub appliance: Appliance,
    /// Mean power of each sampling interval in W.
    pub power_w: Vec<f32>,
    /// Sample ranges of its runs (one compressor cycle, one boil, one programme).
    pub runs: Vec<Range<usize>>,
}

/// One simulated household; all series are sample-aligned.
#[derive(Clone, Debug, PartialEq)]
pub struct Household {
    /// Sampling interval in seconds.
    pub interval_s: u32,
    /// Metered aggregate in W (sum of everything below plus noise, rounded).
    pub aggregate_w: Vec<f32>,
    /// Always-on base load in W.
    pub base_w: Vec<f32>,
    /// Lighting and electronics in W.
    pub other_w: Vec<f32>,
    /// The appliances, in [`Appliance::ALL`] order.
    pub appliances: Vec<ApplianceTrace>,
}

impl Household {
    /// The trace of appliance `a`.
    pub fn trace(&self, a: Appliance) -> Option<&ApplianceTrace> {
        self.appliances.iter().find(|t| t.appliance == a)
    }
}

/// A power series under construction, with its runs, at interval `dt`.
struct Track {
    dt: f64,
    power: Vec<f64>,
    runs: Vec<Range<usize>>,
    busy_until: f64,
}

impl Track {
    fn new(dt: f64, len: usize) -> Self {
        Track { dt, power: vec![0.0; len], runs: Vec::new(), busy_until: f64::NEG_INFINITY }
    }

    /// Adds `watts` over seconds `[start, end)`, averaged exactly into the
    /// sampling intervals it overlaps; parts outside the series are dropped.
    fn add(&mut self, start: f64, end: f64, watts: f64) {
        let span = self.power.len() as f64 * self.dt;
        let (start, end) = (start.max(0.0), end.min(span));
        if end <= start {
            return;
        }
        let first = (start / self.dt) as usize;
        let last = ((end / self.dt).ceil() as usize).min(self.power.len());
        for (j, p) in self.power.iter_mut().enumerate().take(last).skip(first) {
            let (a, b) = (j as f64 * self.dt, (j + 1) as f64 * self.dt);
            *p += watts * (end.min(b) - start.max(a)) / self.dt;
        }
    }

    /// Records a run over seconds `[start, end)` (clipped to the series).
    fn mark_run(&mut self, start: f64, end: f64) {
        let len = self.power.len();
        let first = ((start.max(0.0) / self.dt) as usize).min(len);
        let last = ((end.max(0.0) / self.dt).ceil() as usize).min(len);
        if last > first {
            self.runs.push(first..last);
        }
        self.busy_until = self.busy_until.max(end);
    }
}

/// Appends the phases of an appliance programme to a track one after the
/// other, from second `t` on.
struct Programme<'a> {
    track: &'a mut Track,
    t: f64,
}

impl Programme<'_> {
    /// Constant `watts` for `secs`.
    fn hold(&mut self, secs: f64, watts: f64) {
        self.track.add(self.t, self.t + secs, watts);
        self.t += secs;
    }

    /// About `watts` for `secs`, varying by a relative `spread` (Gaussian)
    /// from one 30-second stretch to the next (load, water, mains voltage).
    fn vary(&mut self, secs: f64, watts: f64, spread: f64, rng: &mut SplitMix64) {
        let end = self.t + secs;
        while self.t < end {
            let chunk = (end - self.t).min(30.0);
            self.hold(chunk, watts * (1.0 + spread * rng.normal()).max(0.5));
        }
    }

    /// `base` watts for `secs` with a drum or pump motor of `motor` watts
    /// (±10 % per turn) running `on` seconds out of every `on + off`.
    fn tumble(&mut self, secs: f64, base: f64, motor: f64, on: f64, off: f64, rng: &mut SplitMix64) {
        let end = self.t + secs;
        self.track.add(self.t, end, base);
        let mut s = self.t;
        while s < end {
            self.track.add(s, (s + on).min(end), motor * (1.0 + 0.1 * rng.normal()).max(0.5));
            s += on + off;
        }
        self.t = end;
    }
}

/// A habitual time slot: mean hour, spread in hours, probability of a use on
/// a weekday and on a weekend day.
type Slot = (f64, f64, f64, f64);

/// Start times in seconds of habitual uses over `days` days, sorted.
fn habit_starts(rng: &mut SplitMix64, days: usize, slots: &[Slot]) -> Vec<f64> {
    let mut starts = Vec::new();
    for day in 0..days {
        let weekend = day % 7 >= 5;
        for &(hour, spread, p_weekday, p_weekend) in slots {
            let (u, z) = (rng.next_f64(), rng.normal());
            if u < if weekend { p_weekend } else { p_weekday } {
                starts.push((day as f64 * 24.0 + hour + spread * z.clamp(-2.5, 2.5)) * 3600.0);
            }
        }
    }
    starts.sort_by(f64::total_cmp);
    starts
}

/// Hour of day (0..24) at second `t`.
fn hour_of(t: f64) -> f64 {
    t.rem_euclid(DAY_S) / 3600.0
}

/// Ratings and habits of one household.
struct House {
    wake_h: f64,
    dinner_h: f64,
    base_w: f64,
    fridge_w: f64,
    fridge_on_min: f64,
    fridge_off_min: f64,
    defrost_w: f64,
    kettle_w: f64,
    kettle_min: f64,
    microwave_w: f64,
    wm_heater_w: f64,
    wm_motor_w: f64,
    wm_spin_w: f64,
    wm_per_week: f64,
    dw_heater_w: f64,
    dw_pump_w: f64,
    dw_per_day: f64,
    lamps_w: [f64; 8],
    tv_w: f64,
    computer_w: f64,
}

impl House {
    fn draw(r: &mut SplitMix64) -> Self {
        House {
            wake_h: r.uniform(6.0, 7.5),
            dinner_h: r.uniform(18.0, 19.5),
            base_w: r.uniform(60.0, 160.0),
            fridge_w: r.uniform(90.0, 140.0),
            fridge_on_min: r.uniform(12.0, 22.0),
            fridge_off_min: r.uniform(25.0, 45.0),
            defrost_w: r.uniform(200.0, 300.0),
            kettle_w: r.uniform(2000.0, 3000.0),
            kettle_min: r.uniform(2.0, 4.0),
            microwave_w: r.uniform(1000.0, 1400.0),
            wm_heater_w: r.uniform(1800.0, 2200.0),
            wm_motor_w: r.uniform(120.0, 250.0),
            wm_spin_w: r.uniform(300.0, 600.0),
            wm_per_week: r.uniform(2.5, 6.0),
            dw_heater_w: r.uniform(1800.0, 2200.0),
            dw_pump_w: r.uniform(60.0, 120.0),
            dw_per_day: r.uniform(0.4, 1.0),
            lamps_w: std::array::from_fn(|_| r.uniform(5.0, 60.0)),
            tv_w: r.uniform(60.0, 150.0),
            computer_w: r.uniform(40.0, 100.0),
        }
    }
}

/// Compressor cycles and defrosts over `span` seconds.
fn fridge(tr: &mut Track, h: &House, span: f64, r: &mut SplitMix64) {
    let mut t = -r.uniform(0.0, (h.fridge_on_min + h.fridge_off_min) * 60.0);
    let mut next_defrost = r.uniform(2.0, 26.0) * 3600.0;
    while t < span {
        let mut on = h.fridge_on_min * 60.0 * r.uniform(0.85, 1.15);
        if t >= next_defrost {
            let secs = r.uniform(15.0, 25.0) * 60.0;
            tr.add(t, t + secs, h.defrost_w);
            tr.mark_run(t, t + secs);
            t += secs + r.uniform(3.0, 6.0) * 60.0;
            on *= 1.6;
            next_defrost += r.uniform(22.0, 26.0) * 3600.0;
        }
        let run = h.fridge_w * r.uniform(0.97, 1.03);
        let mut p = Programme { track: tr, t };
        p.hold(2.0, 6.0 * run);
        p.hold(58.0, 1.12 * run);
        p.hold(120.0, 1.06 * run);
        p.hold(on - 180.0, run);
        tr.mark_run(t, t + on);
        let daytime = (7.0..23.0).contains(&hour_of(t + on));
        t += on + h.fridge_off_min * 60.0 * r.uniform(0.85, 1.15) * if daytime { 0.8 } else { 1.0 };
    }
}

/// Kettle boils at habitual times.
fn kettle(tr: &mut Track, h: &House, days: usize, r: &mut SplitMix64) {
    let slots = [
        (h.wake_h + 0.3, 0.3, 0.9, 0.9),
        (10.5, 1.0, 0.3, 0.6),
        (13.0, 0.8, 0.3, 0.5),
        (15.5, 1.0, 0.5, 0.6),
        (h.dinner_h + 1.0, 1.0, 0.5, 0.6),
        (21.5, 0.7, 0.3, 0.3),
    ];
    for start in habit_starts(r, days, &slots) {
        let secs = h.kettle_min * 60.0 * r.uniform(0.6, 1.4);
        let w = h.kettle_w * r.uniform(0.98, 1.0);
        if start < tr.busy_until {
            continue;
        }
        // The element's resistance rises as it heats: power sags ~2 %.
        let mut p = Programme { track: tr, t: start };
        p.hold(secs / 2.0, w * 1.01);
        p.hold(secs / 2.0, w * 0.99);
        tr.mark_run(start, start + secs);
    }
}

/// Microwave uses at meal times, some on defrost.
fn microwave(tr: &mut Track, h: &House, days: usize, r: &mut SplitMix64) {
    let slots =
        [(h.wake_h + 0.5, 0.4, 0.25, 0.3), (12.5, 0.7, 0.35, 0.6), (h.dinner_h, 0.6, 0.45, 0.5), (21.0, 1.0, 0.2, 0.3)];
    for start in habit_starts(r, days, &slots) {
        let secs = r.uniform(0.5, 5.0) * 60.0;
        let defrost = r.next_f64() < 0.2;
        let w = h.microwave_w * r.uniform(0.98, 1.02);
        if start < tr.busy_until {
            continue;
        }
        tr.add(start, start + secs, 50.0);
        if defrost {
            let mut s = start;
            while s < start + secs {
                tr.add(s, (s + 10.5).min(start + secs), w);
                s += 30.0;
            }
        } else {
            tr.add(start, start + secs, w);
        }
        tr.mark_run(start, start + secs);
    }
}

/// Washing programmes on some days.
fn washing_machine(tr: &mut Track, h: &House, days: usize, r: &mut SplitMix64) {
    let p = h.wm_per_week / 7.0;
    let slots = [(9.5, 1.2, 0.34 * p, 0.56 * p), (14.0, 1.5, 0.30 * p, 0.49 * p), (19.0, 1.0, 0.21 * p, 0.35 * p)];
    for start in habit_starts(r, days, &slots) {
        if start < tr.busy_until + 1800.0 {
            continue;
        }
        let (motor, heater, spin) = (h.wm_motor_w * r.uniform(0.95, 1.05), h.wm_heater_w, h.wm_spin_w);
        let (on, off) = (r.uniform(8.0, 12.0), r.uniform(3.0, 5.0));
        // Heating 10-15 kg of water by 15, 25 or 45 K (30, 40, 60 °C).
        let rise_k = [15.0, 25.0, 45.0][r.next_below(3) as usize];
        let heat_s = r.uniform(10.0, 15.0) * 4186.0 * rise_k / heater;
        let mut g = Programme { track: tr, t: start };
        g.tumble(r.uniform(3.0, 5.0) * 60.0, 8.0, 0.6 * motor, on, off, r);
        g.tumble(heat_s, heater, 0.5 * motor, on, 2.0 * off, r);
        let wash_s = r.uniform(25.0, 45.0) * 60.0;
        let reheats = if rise_k > 20.0 { 1 + r.next_below(2) as usize } else { 0 };
        for _ in 0..reheats {
            g.tumble(wash_s / (reheats as f64 + 1.0), 0.0, motor, on, off, r);
            g.tumble(r.uniform(1.0, 2.0) * 60.0, heater, 0.5 * motor, on, 2.0 * off, r);
        }
        g.tumble(wash_s / (reheats as f64 + 1.0), 0.0, motor, on, off, r);
        for _ in 0..2 + r.next_below(2) {
            g.hold(r.uniform(1.0, 2.0) * 60.0, 35.0);
            g.hold(r.uniform(1.0, 2.0) * 60.0, 0.6 * spin * r.uniform(0.9, 1.1));
            g.tumble(r.uniform(2.0, 3.0) * 60.0, 8.0, 0.6 * motor, on, off, r);
            g.tumble(r.uniform(4.0, 6.0) * 60.0, 0.0, motor, on, off, r);
        }
        g.hold(r.uniform(1.0, 2.0) * 60.0, 35.0);
        g.hold(60.0, 0.3 * spin);
        g.hold(60.0, 0.7 * spin);
        g.vary(r.uniform(5.0, 9.0) * 60.0, spin, 0.03, r);
        g.hold(60.0, 60.0);
        let end = g.t;
        tr.mark_run(start, end);
    }
}

/// Dishwasher programmes, mostly after dinner.
fn dishwasher(tr: &mut Track, h: &House, days: usize, r: &mut SplitMix64) {
    let p = h.dw_per_day;
    let slots =
        [(h.dinner_h + 1.5, 0.7, 0.85 * p, 0.7 * p), (14.0, 1.0, 0.05 * p, 0.3 * p), (8.0, 0.5, 0.1 * p, 0.1 * p)];
    for start in habit_starts(r, days, &slots) {
        if start < tr.busy_until + 1800.0 {
            continue;
        }
        let (pump, heater) = (h.dw_pump_w * r.uniform(0.95, 1.05), h.dw_heater_w);
        let mut g = Programme { track: tr, t: start };
        g.hold(60.0, 5.0);
        g.vary(r.uniform(8.0, 12.0) * 60.0, pump, 0.04, r);
        g.hold(60.0, 30.0);
        g.hold(60.0, 5.0);
        g.vary(r.uniform(15.0, 25.0) * 60.0, heater + pump, 0.01, r);
        g.vary(r.uniform(20.0, 30.0) * 60.0, pump, 0.04, r);
        g.hold(60.0, 30.0);
        g.hold(60.0, 5.0);
        g.vary(r.uniform(6.0, 10.0) * 60.0, pump, 0.04, r);
        g.hold(60.0, 30.0);
        g.hold(60.0, 5.0);
        g.vary(r.uniform(10.0, 20.0) * 60.0, heater + pump, 0.01, r);
        g.hold(60.0, 30.0);
        let end = g.t;
        tr.mark_run(start, end);
    }
}

/// Lighting, television and computer.
fn other_loads(tr: &mut Track, h: &House, days: usize, r: &mut SplitMix64) {
    let minutes = days * 1440;
    let target = |m: usize| {
        let (hour, weekend) = ((m % 1440) as f64 / 60.0, (m / 1440) % 7 >= 5);
        match hour {
            x if x < h.wake_h => 0.02,
            x if x < h.wake_h + 1.5 => 0.3,
            x if x < 17.0 => {
                if weekend {
                    0.1
                } else {
                    0.05
                }
            }
            x if x < 22.5 => 0.45,
            x if x < 23.5 => 0.2,
            _ => 0.02,
        }
    };
    for &lamp in &h.lamps_w {
        let mut since: Option<usize> = None;
        for m in 0..minutes {
            let (lambda, u) = (target(m), r.next_f64());
            match since {
                None if u < lambda / 15.0 => since = Some(m),
                Some(s) if u < (1.0 - lambda) / 15.0 => {
                    tr.add(s as f64 * 60.0, m as f64 * 60.0, lamp);
                    since = None;
                }
                _ => {}
            }
        }
        if let Some(s) = since {
            tr.add(s as f64 * 60.0, minutes as f64 * 60.0, lamp);
        }
    }
    for day in 0..days {
        let d = day as f64 * DAY_S;
        let weekend = day % 7 >= 5;
        let mut sessions = Vec::new();
        if r.next_f64() < 0.8 {
            sessions.push((h.dinner_h + r.uniform(0.3, 1.2), r.uniform(22.0, 23.8), h.tv_w));
        }
        if weekend && r.next_f64() < 0.4 {
            sessions.push((r.uniform(13.5, 15.0), r.uniform(16.0, 17.5), h.tv_w));
        }
        if !weekend && r.next_f64() < 0.3 {
            sessions.push((r.uniform(8.5, 9.5), r.uniform(16.5, 18.0), h.computer_w));
        }
        for (from_h, to_h, w) in sessions {
            // Content and activity vary the draw every five minutes.
            let mut s = d + from_h * 3600.0;
            while s < d + to_h * 3600.0 {
                tr.add(s, (s + 300.0).min(d + to_h * 3600.0), w * r.uniform(0.9, 1.1));
                s += 300.0;
            }
        }
    }
}

/// Always-on base load with an AR(1) drift, minute by minute.
fn base_load(tr: &mut Track, h: &House, days: usize, r: &mut SplitMix64) {
    let phi: f64 = 0.88;
    let mut drift = 10.0 * r.normal();
    for m in 0..days * 1440 {
        drift = phi * drift + (1.0 - phi * phi).sqrt() * 10.0 * r.normal();
        tr.add(m as f64 * 60.0, (m + 1) as f64 * 60.0, (h.base_w + drift).max(20.0));
    }
}

/// Simulates one household for `days` days (config already validated).
pub(super) fn simulate_house(cfg: &NilmConfig, days: usize, rng: &mut SplitMix64) -> Household {
    let dt = f64::from(cfg.interval_s);
    let len = days * samples_per_day(cfg.interval_s);
    let span = days as f64 * DAY_S;
    let house = House::draw(rng);
    let mut stream = || SplitMix64::new(rng.next_u64());
    let mut tracks: Vec<Track> = Appliance::ALL
        .iter()
        .map(|a| {
            let (mut track, r) = (Track::new(dt, len), &mut stream());
            match a {
                Appliance::Fridge => fridge(&mut track, &house, span, r),
                Appliance::Kettle => kettle(&mut track, &house, days, r),
                Appliance::WashingMachine => washing_machine(&mut track, &house, days, r),
                Appliance::Dishwasher => dishwasher(&mut track, &house, days, r),
                Appliance::Microwave => microwave(&mut track, &house, days, r),
            }
            track
        })
        .collect();
    let (mut other, mut base) = (Track::new(dt, len), Track::new(dt, len));
    other_loads(&mut other, &house, days, &mut stream());
    base_load(&mut base, &house, days, &mut stream());
    let noise = &mut stream();
    let aggregate_w = (0..len)
        .map(|j| {
            let sum: f64 = tracks.iter().map(|t| t.power[j]).sum::<f64>() + other.power[j] + base.power[j];
            (sum + cfg.noise_w * noise.normal()).max(0.0).round() as f32
        })
        .collect();
    let to_f32 = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
    let appliances = Appliance::ALL
        .iter()
        .zip(&mut tracks)
        .map(|(&a, t)| ApplianceTrace { appliance: a, power_w: to_f32(&t.power), runs: std::mem::take(&mut t.runs) })
        .collect();
    Household {
        interval_s: cfg.interval_s,
        aggregate_w,
        base_w: to_f32(&base.power),
        other_w: to_f32(&other.power),
        appliances,
    }
}

/// Simulates one household of `cfg` for `days` days, fully determined by
/// `(cfg, days, seed)` (`cfg.houses`, `cfg.days`, `cfg.target` and
/// `cfg.on_fraction` play no part).
pub fn household(cfg: &NilmConfig, days: usize, seed: u64) -> Result<Household, String> {
    cfg.validate()?;
    if days == 0 || days > MAX_HOUSE_DAYS {
        return Err(format!("days must be in 1..={MAX_HOUSE_DAYS}, got {days}"));
    }
    Ok(simulate_house(cfg, days, &mut SplitMix64::new(seed)))
}
