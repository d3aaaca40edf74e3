//! Renewables: clear-sky irradiance and PV output with the PV generator's
//! models (Spencer's solar position, Haurwitz clear sky, NOCT module
//! temperature, -0.4 %/K derating, inverter clipping).

use super::format::round_dp;
use super::key::{AnswerKey, Difficulty, Sector};
use super::set::{number_format, Draft, Template};
use crate::pv_forecast::generator::{cos_zenith, haurwitz_ghi, plant_output, CAPACITY_KW};
use crate::rng::SplitMix64;

const MODELS: &str = "Use Spencer's (1971) Fourier series for the declination and the equation of time \
     (clock time is local standard time at the time-zone meridian, solar time = clock time + equation of time, \
     hour angle = 15 degrees per hour from solar noon), and the Haurwitz clear-sky model \
     GHI = 1098 W/m2 x cos(zenith) x exp(-0.059 / cos(zenith)).";

const NOCT: &str = "Module temperature follows the NOCT model T_mod = T_air + (45 - 20) x G / 800 (NOCT 45 °C); \
     module power falls by 0.4 % per K above 25 °C, and the plant's output is 1000 kW x G / 1000 W/m2 x that derating, \
     limited to its 1000 kW inverter rating.";

/// A place and time with the sun well above the horizon.
fn sunny_moment(rng: &mut SplitMix64) -> (f64, f64, f64) {
    loop {
        let lat = rng.uniform(-60.0, 60.0).round();
        let day = (1 + rng.next_below(365)) as f64;
        let hours = round_dp(rng.uniform(6.0, 18.0), 2);
        if cos_zenith(lat, day, hours) > 0.15 {
            return (lat, day, hours);
        }
    }
}

fn clock(hours: f64) -> String {
    let minutes = (hours * 60.0).round() as i64;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn clear_sky_ghi(rng: &mut SplitMix64) -> Result<Draft, String> {
    let (lat, day, hours) = sunny_moment(rng);
    let value = haurwitz_ghi(cos_zenith(lat, day, (hours * 60.0).round() / 60.0));
    let text = format!(
        "What is the clear-sky global horizontal irradiance at latitude {lat} degrees, day {day} of the year, at {} \
         local standard time? {MODELS} {}",
        clock(hours),
        number_format("W/m2")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "W/m2".into(), rel_tol: 0.02, abs_tol: 2.0 } })
}

fn module_temperature(rng: &mut SplitMix64) -> Result<Draft, String> {
    let air = rng.uniform(-10.0, 40.0).round();
    let g = (rng.uniform(100.0, 1100.0) / 10.0).round() * 10.0;
    let value = air + 25.0 * g / 800.0;
    let text = format!(
        "A crystalline-silicon module with a nominal operating cell temperature (NOCT) of 45 °C receives {g} W/m2 \
         at an air temperature of {air} °C. Using T_mod = T_air + (NOCT - 20) x G / 800, what is the module \
         temperature? {}",
        number_format("°C")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "°C".into(), rel_tol: 0.0, abs_tol: 0.3 } })
}

fn pv_output(rng: &mut SplitMix64) -> Result<Draft, String> {
    let air = rng.uniform(-10.0, 40.0).round();
    let g = (rng.uniform(100.0, 1200.0) / 10.0).round() * 10.0;
    let value = CAPACITY_KW * plant_output(g, air);
    let text = format!(
        "A 1 MW PV plant receives {g} W/m2 at an air temperature of {air} °C. {NOCT} What is the plant's output? {}",
        number_format("kW")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "kW".into(), rel_tol: 0.01, abs_tol: 2.0 } })
}

fn clear_sky_pv(rng: &mut SplitMix64) -> Result<Draft, String> {
    let (lat, day, hours) = sunny_moment(rng);
    let air = rng.uniform(-5.0, 35.0).round();
    let ghi = haurwitz_ghi(cos_zenith(lat, day, (hours * 60.0).round() / 60.0));
    let value = CAPACITY_KW * plant_output(ghi, air);
    let text = format!(
        "A 1 MW PV plant with horizontal modules at latitude {lat} degrees sees a clear sky on day {day} of the year at \
         {} local standard time, with an air temperature of {air} °C. {MODELS} {NOCT} What is the plant's output? {}",
        clock(hours),
        number_format("kW")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "kW".into(), rel_tol: 0.02, abs_tol: 3.0 } })
}

/// Clear-sky GHI at a place and time.
pub const CLEAR_SKY_GHI: Template = Template {
    id: "renewables/clear-sky-ghi",
    sector: Sector::Renewables,
    difficulty: Difficulty::MultiStep,
    draw: clear_sky_ghi,
};
/// Module temperature by NOCT.
pub const MODULE_TEMPERATURE: Template = Template {
    id: "renewables/module-temperature",
    sector: Sector::Renewables,
    difficulty: Difficulty::OneStep,
    draw: module_temperature,
};
/// PV output at a stated irradiance and temperature.
pub const PV_OUTPUT: Template = Template {
    id: "renewables/pv-output",
    sector: Sector::Renewables,
    difficulty: Difficulty::MultiStep,
    draw: pv_output,
};
/// Clear-sky PV output at a place, time and temperature.
pub const CLEAR_SKY_PV: Template = Template {
    id: "renewables/clear-sky-pv",
    sector: Sector::Renewables,
    difficulty: Difficulty::Analysis,
    draw: clear_sky_pv,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy_qa::grid::numbers_after;
    use std::f64::consts::PI;

    /// Spencer (1971), written out again: declination and equation of time.
    fn solar(day: f64) -> (f64, f64) {
        let g = 2.0 * PI * (day - 1.0) / 365.0;
        let (c1, s1, c2, s2, c3, s3) =
            (g.cos(), g.sin(), (2.0 * g).cos(), (2.0 * g).sin(), (3.0 * g).cos(), (3.0 * g).sin());
        let decl =
            0.006918 - 0.399912 * c1 + 0.070257 * s1 - 0.006758 * c2 + 0.000907 * s2 - 0.002697 * c3 + 0.00148 * s3;
        let eot_min = 229.18 * (0.000075 + 0.001868 * c1 - 0.032077 * s1 - 0.014615 * c2 - 0.040849 * s2);
        (decl, eot_min)
    }

    fn ghi(lat: f64, day: f64, clock_h: f64) -> f64 {
        let (decl, eot) = solar(day);
        let omega = (clock_h + eot / 60.0 - 12.0) * 15.0 * PI / 180.0;
        let phi = lat * PI / 180.0;
        let cz = phi.sin() * decl.sin() + phi.cos() * decl.cos() * omega.cos();
        if cz <= 0.0 {
            0.0
        } else {
            1098.0 * cz * (-0.059 / cz).exp()
        }
    }

    fn pv_kw(g: f64, air: f64) -> f64 {
        let t_mod = air + 25.0 * g / 800.0;
        (1000.0 * g / 1000.0 * (1.0 - 0.004 * (t_mod - 25.0))).clamp(0.0, 1000.0)
    }

    fn when(text: &str) -> (f64, f64, f64) {
        let lat = numbers_after(text, "latitude ")[0];
        let day = numbers_after(text, "day ")[0];
        let i = text.find(" local standard time?").or_else(|| text.find(" local standard time,")).unwrap();
        let (h, m) = (text[i - 5..i - 3].parse::<f64>().unwrap(), text[i - 2..i].parse::<f64>().unwrap());
        (lat, day, h + m / 60.0)
    }

    fn value(key: &AnswerKey) -> f64 {
        let AnswerKey::Number { value, .. } = key else { panic!() };
        *value
    }

    #[test]
    fn energy_qa_renewables_answers_are_checked_by_hand() {
        // Solar noon near an equinox at 50° N: zenith about 50°, GHI about 640 W/m2.
        assert!((ghi(50.0, 80.0, 12.13) - 640.0).abs() < 15.0, "{}", ghi(50.0, 80.0, 12.13));
        let mut rng = SplitMix64::new(12);
        for _ in 0..20 {
            let d = clear_sky_ghi(&mut rng).unwrap();
            let (lat, day, h) = when(&d.text);
            assert!((value(&d.key) - ghi(lat, day, h)).abs() < 1e-6, "{}", d.text);
            let d = module_temperature(&mut rng).unwrap();
            let (g, air) = (numbers_after(&d.text, "receives ")[0], numbers_after(&d.text, "temperature of ")[0]);
            assert!((value(&d.key) - (air + 25.0 * g / 800.0)).abs() < 1e-9);
            let d = pv_output(&mut rng).unwrap();
            let (g, air) = (numbers_after(&d.text, "receives ")[0], numbers_after(&d.text, "temperature of ")[0]);
            assert!((value(&d.key) - pv_kw(g, air)).abs() < 1e-6);
            let d = clear_sky_pv(&mut rng).unwrap();
            let (lat, day, h) = when(&d.text);
            let air = numbers_after(&d.text, "temperature of ")[0];
            assert!((value(&d.key) - pv_kw(ghi(lat, day, h), air)).abs() < 1e-6, "{}", d.text);
        }
    }
}
