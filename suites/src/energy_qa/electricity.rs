//! Electricity: a day of the load generator's profile (peak hour, daily
//! energy, load factor), per-unit conversion, three-phase power, the
//! transformer-temp generator's top-oil model, and the IEEE C57.91 hot spot.

use super::format::round_dp;
use super::key::{AnswerKey, Difficulty, Sector};
use super::set::{number_format, Draft, Template};
use crate::load_forecast::synthetic::{generate, SyntheticLoadConfig};
use crate::rng::SplitMix64;
use crate::transformer_temp::synthetic::{top_oil_step_c, ultimate_top_oil_c, RATED_LOAD};

/// A day of hourly load (whole MW) from the load workload's generator, with
/// a single highest hour.
fn day_profile(rng: &mut SplitMix64) -> Result<Vec<f64>, String> {
    loop {
        let days = 1 + rng.next_below(60) as usize;
        let cfg = SyntheticLoadConfig {
            seed: rng.next_u64(),
            hours: 24 * days,
            start_day_of_week: rng.next_below(7) as u8,
            base_load_mw: rng.uniform(200.0, 3000.0).round() as f32,
            noise_std_frac: 0.02,
        };
        let series = generate(&cfg).map_err(|e| e.to_string())?;
        let day: Vec<f64> = series.target[24 * (days - 1)..].iter().map(|&v| f64::from(v).round()).collect();
        let peak = day.iter().copied().fold(f64::MIN, f64::max);
        if day.iter().filter(|&&v| v == peak).count() == 1 {
            return Ok(day);
        }
    }
}

fn profile_text(day: &[f64]) -> String {
    let list: Vec<String> = day.iter().enumerate().map(|(h, v)| format!("{h:02}:00 {v}")).collect();
    format!("Hourly average load of a utility (MW), hour starting: {}.", list.join(", "))
}

fn peak_hour(rng: &mut SplitMix64) -> Result<Draft, String> {
    let day = day_profile(rng)?;
    let peak = (0..24).max_by(|&a, &b| day[a].total_cmp(&day[b])).unwrap_or(0);
    let text = format!(
        "{} At which hour does the load peak? Give the starting hour 0-23. {}",
        profile_text(&day),
        number_format("h")
    );
    Ok(Draft { text, key: AnswerKey::Number { value: peak as f64, unit: "h".into(), rel_tol: 0.0, abs_tol: 0.0 } })
}

fn daily_energy(rng: &mut SplitMix64) -> Result<Draft, String> {
    let day = day_profile(rng)?;
    let value: f64 = day.iter().sum();
    let text = format!("{} How much energy is consumed over the day? {}", profile_text(&day), number_format("MWh"));
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "MWh".into(), rel_tol: 0.002, abs_tol: 0.0 } })
}

fn load_factor(rng: &mut SplitMix64) -> Result<Draft, String> {
    let day = day_profile(rng)?;
    let peak = day.iter().copied().fold(f64::MIN, f64::max);
    let value = 100.0 * day.iter().sum::<f64>() / 24.0 / peak;
    let text = format!(
        "{} What is the daily load factor (average load over peak load)? {}",
        profile_text(&day),
        number_format("%")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "%".into(), rel_tol: 0.0, abs_tol: 0.3 } })
}

fn per_unit(rng: &mut SplitMix64) -> Result<Draft, String> {
    let kv = [11.0, 33.0, 66.0, 110.0, 132.0, 220.0, 400.0][rng.next_below(7) as usize];
    let s_old = [10.0, 50.0, 100.0][rng.next_below(3) as usize];
    let s_new = [100.0, 500.0, 1000.0][rng.next_below(3) as usize];
    let ohm = round_dp(rng.uniform(0.05, 0.5) * kv * kv / s_old, 2);
    let value = ohm * s_new / (kv * kv);
    let text = format!(
        "A line has a series reactance of {ohm} ohm at {kv} kV. Express it in per unit on a {s_new} MVA, {kv} kV base \
         (the equipment's own {s_old} MVA rating is not the system base). {}",
        number_format("pu")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "pu".into(), rel_tol: 0.01, abs_tol: 0.0 } })
}

fn three_phase_power(rng: &mut SplitMix64) -> Result<Draft, String> {
    let kv = [0.4, 0.69, 3.3, 6.6, 11.0, 33.0][rng.next_below(6) as usize];
    let amps = (rng.uniform(20.0, 2000.0)).round();
    let pf = round_dp(rng.uniform(0.7, 0.99), 2);
    let value = 3f64.sqrt() * kv * amps * pf;
    let text = format!(
        "A balanced three-phase load draws {amps} A at a line-to-line voltage of {kv} kV with a lagging power factor of \
         {pf}. What active power does it draw? {}",
        number_format("kW")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "kW".into(), rel_tol: 0.01, abs_tol: 0.0 } })
}

fn top_oil(rng: &mut SplitMix64) -> Result<Draft, String> {
    let ambient = rng.uniform(-5.0, 35.0).round();
    let load = round_dp(rng.uniform(5.0, 20.0), 1);
    let start = (ambient + rng.uniform(0.0, 30.0)).round();
    let hours = 1 + rng.next_below(3) as usize;
    let ultimate = ultimate_top_oil_c(ambient, load);
    let value = (0..hours).fold(start, |oil, _| top_oil_step_c(oil, ultimate));
    let text = format!(
        "A distribution transformer's top-oil temperature follows a first-order model updated hourly: the ultimate \
         top oil is ambient + 25 K x (load / {RATED_LOAD} units)^2, and each hour the oil moves one third of the way from its \
         present value to the ultimate. Ambient is {ambient} °C, the load holds at {load} units, and the oil is now at \
         {start} °C. What is the top-oil temperature after {hours} hour(s)? {}",
        number_format("°C")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "°C".into(), rel_tol: 0.0, abs_tol: 0.3 } })
}

/// IEEE C57.91 steady-state hot spot: ambient + top-oil rise + hot-spot gradient.
pub fn hot_spot_c(ambient: f64, k: f64, r: f64, top_oil_rise: f64, gradient: f64, n: f64, m: f64) -> f64 {
    ambient + top_oil_rise * ((k * k * r + 1.0) / (r + 1.0)).powf(n) + gradient * k.powf(2.0 * m)
}

fn hot_spot(rng: &mut SplitMix64) -> Result<Draft, String> {
    let ambient = rng.uniform(0.0, 40.0).round();
    let k = round_dp(rng.uniform(0.6, 1.5), 2);
    let r = round_dp(rng.uniform(3.0, 8.0), 1);
    let rise = [45.0, 50.0, 55.0, 60.0][rng.next_below(4) as usize];
    let gradient = rng.uniform(15.0, 30.0).round();
    let (cooling, n, m) = [("ONAN", 0.8, 0.8), ("ONAF", 0.9, 0.8), ("OFAF", 0.9, 0.8)][rng.next_below(3) as usize];
    let value = hot_spot_c(ambient, k, r, rise, gradient, n, m);
    let text = format!(
        "An {cooling} power transformer (IEEE C57.91 exponents n = {n}, m = {m}) has a rated top-oil rise of {rise} K, \
         a rated hot-spot rise over top oil of {gradient} K and a ratio of load losses to no-load losses R = {r}. \
         At an ambient of {ambient} °C it carries {k} per unit load steadily. What is the steady-state winding hot-spot \
         temperature? {}",
        number_format("°C")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "°C".into(), rel_tol: 0.0, abs_tol: 0.5 } })
}

/// Peak hour of a generated load day.
pub const PEAK_HOUR: Template = Template {
    id: "electricity/peak-hour",
    sector: Sector::Electricity,
    difficulty: Difficulty::OneStep,
    draw: peak_hour,
};
/// Energy of a generated load day.
pub const DAILY_ENERGY: Template = Template {
    id: "electricity/daily-energy",
    sector: Sector::Electricity,
    difficulty: Difficulty::OneStep,
    draw: daily_energy,
};
/// Load factor of a generated load day.
pub const LOAD_FACTOR: Template = Template {
    id: "electricity/load-factor",
    sector: Sector::Electricity,
    difficulty: Difficulty::MultiStep,
    draw: load_factor,
};
/// An impedance in per unit on a new base.
pub const PER_UNIT: Template = Template {
    id: "electricity/per-unit",
    sector: Sector::Electricity,
    difficulty: Difficulty::OneStep,
    draw: per_unit,
};
/// Active power of a three-phase load.
pub const THREE_PHASE_POWER: Template = Template {
    id: "electricity/three-phase-power",
    sector: Sector::Electricity,
    difficulty: Difficulty::OneStep,
    draw: three_phase_power,
};
/// Top-oil temperature after some hours (the transformer-temp generator's model).
pub const TOP_OIL: Template = Template {
    id: "electricity/top-oil",
    sector: Sector::Electricity,
    difficulty: Difficulty::MultiStep,
    draw: top_oil,
};
/// Steady-state hot spot by IEEE C57.91.
pub const HOT_SPOT: Template = Template {
    id: "electricity/hot-spot",
    sector: Sector::Electricity,
    difficulty: Difficulty::Analysis,
    draw: hot_spot,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy_qa::grid::numbers_after;

    fn value(key: &AnswerKey) -> f64 {
        let AnswerKey::Number { value, .. } = key else { panic!() };
        *value
    }

    fn loads(text: &str) -> Vec<f64> {
        (0..24).map(|h| numbers_after(text, &format!("{h:02}:00 "))[0]).collect()
    }

    #[test]
    fn energy_qa_electricity_profile_answers_follow_from_the_listed_day() {
        let mut rng = SplitMix64::new(9);
        for _ in 0..15 {
            let d = peak_hour(&mut rng).unwrap();
            let l = loads(&d.text);
            let mut best = 0;
            for h in 1..24 {
                if l[h] > l[best] {
                    best = h;
                }
            }
            assert_eq!(value(&d.key), best as f64);
            let d = daily_energy(&mut rng).unwrap();
            let l = loads(&d.text);
            let mut total = 0.0;
            for v in &l {
                total += v * 1.0; // MW for one hour each
            }
            assert!((value(&d.key) - total).abs() < 1e-9);
            let d = load_factor(&mut rng).unwrap();
            let l = loads(&d.text);
            let max = l.iter().cloned().fold(0.0, f64::max);
            assert!((value(&d.key) - l.iter().sum::<f64>() / (24.0 * max) * 100.0).abs() < 1e-9);
            assert!(value(&d.key) > 50.0 && value(&d.key) < 100.0);
        }
    }

    #[test]
    fn energy_qa_electricity_formulas_are_checked_by_hand() {
        let mut rng = SplitMix64::new(10);
        for _ in 0..15 {
            let d = per_unit(&mut rng).unwrap();
            let (ohm, kv) = (numbers_after(&d.text, "reactance of ")[0], numbers_after(&d.text, "ohm at ")[0]);
            let base_ohm = kv * kv / numbers_after(&d.text, "per unit on a ")[0];
            assert!((value(&d.key) - ohm / base_ohm).abs() < 1e-12);
            let d = three_phase_power(&mut rng).unwrap();
            let (a, kv, pf) = (
                numbers_after(&d.text, "draws ")[0],
                numbers_after(&d.text, "voltage of ")[0],
                numbers_after(&d.text, "power factor of ")[0],
            );
            // P = 3 x V_phase x I x pf with V_phase = V_LL / sqrt(3).
            assert!((value(&d.key) - 3.0 * (kv * 1000.0 / 3f64.sqrt()) * a * pf / 1000.0).abs() < 1e-6);
        }
    }

    #[test]
    fn energy_qa_electricity_transformer_temperatures_are_checked_by_hand() {
        let mut rng = SplitMix64::new(11);
        for _ in 0..15 {
            let d = top_oil(&mut rng).unwrap();
            let ambient = numbers_after(&d.text, "Ambient is ")[0];
            let load = numbers_after(&d.text, "holds at ")[0];
            let mut oil = numbers_after(&d.text, "now at ")[0];
            let hours = numbers_after(&d.text, "after ")[0] as usize;
            let target = ambient + 25.0 * load * load / 225.0;
            for _ in 0..hours {
                oil += (target - oil) / 3.0;
            }
            assert!((value(&d.key) - oil).abs() < 1e-9);
            let d = hot_spot(&mut rng).unwrap();
            let g = |l: &str| numbers_after(&d.text, l)[0];
            let (k, r, n, m) = (g("carries "), g("R = "), g("n = "), g("m = "));
            let top = g("top-oil rise of ") * ((k * k * r + 1.0) / (r + 1.0)).powf(n);
            let expect = g("ambient of ") + top + g("over top oil of ") * k.powf(2.0 * m);
            assert!((value(&d.key) - expect).abs() < 1e-9, "{}", d.text);
        }
        // At rated load the hot spot is ambient + both rated rises.
        assert!((hot_spot_c(30.0, 1.0, 5.0, 55.0, 25.0, 0.8, 0.8) - 110.0).abs() < 1e-12);
    }
}
