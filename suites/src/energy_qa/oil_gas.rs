//! Oil and gas: acoustic impedance, the normal-incidence reflection
//! coefficient (the seismic generator's reflectivity), and facies from the
//! generator's impedance ranges.

use super::format::round_dp;
use super::key::{AnswerKey, Difficulty, Sector};
use super::set::{choice_text, number_format, shuffled_choice, Draft, Template};
use crate::rng::SplitMix64;
use crate::seismic_facies::facies::Facies;
use crate::seismic_facies::reflectivity::reflectivity;

/// A layer's density (g/cm3) and P-wave velocity (m/s).
fn layer(rng: &mut SplitMix64) -> (f64, f64) {
    (round_dp(rng.uniform(1.9, 2.9), 2), (rng.uniform(1500.0, 6000.0) / 10.0).round() * 10.0)
}

/// Acoustic impedance in MRayl (10^6 kg m^-2 s^-1) of density (g/cm3) and velocity (m/s).
fn impedance_mrayl(density: f64, velocity: f64) -> f64 {
    density * 1000.0 * velocity / 1e6
}

fn impedance(rng: &mut SplitMix64) -> Result<Draft, String> {
    let (rho, v) = layer(rng);
    let value = impedance_mrayl(rho, v);
    let text = format!(
        "A sandstone layer has a bulk density of {rho} g/cm3 and a P-wave velocity of {v} m/s. What is its acoustic \
         impedance, in MRayl (1 MRayl = 10^6 kg m^-2 s^-1)? {}",
        number_format("MRayl")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "MRayl".into(), rel_tol: 0.01, abs_tol: 0.0 } })
}

fn reflection(rng: &mut SplitMix64) -> Result<Draft, String> {
    let (upper, lower) = (layer(rng), layer(rng));
    let z = [impedance_mrayl(upper.0, upper.1), impedance_mrayl(lower.0, lower.1)];
    let value = reflectivity(&z)[1];
    let text = format!(
        "A shale with density {} g/cm3 and P-wave velocity {} m/s overlies a reservoir rock with density {} g/cm3 and \
         velocity {} m/s. What is the normal-incidence reflection coefficient at the interface, for a wave travelling \
         down (positive when impedance increases downwards)? {}",
        upper.0,
        upper.1,
        lower.0,
        lower.1,
        number_format("")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: String::new(), rel_tol: 0.02, abs_tol: 0.003 } })
}

fn ranges() -> String {
    let list: Vec<String> = Facies::ALL
        .iter()
        .map(|f| {
            let (lo, hi) = f.properties().impedance;
            format!("{} {lo}-{hi}", f.name())
        })
        .collect();
    format!("Layer impedance ranges in this basin (MRayl): {}.", list.join(", "))
}

fn facies(rng: &mut SplitMix64) -> Result<Draft, String> {
    loop {
        let f = Facies::ALL[rng.next_below(Facies::ALL.len() as u64) as usize];
        let (lo, hi) = f.properties().impedance;
        let z = round_dp(rng.uniform(lo, hi), 2);
        let holders: Vec<Facies> = Facies::ALL
            .iter()
            .copied()
            .filter(|g| {
                let (a, b) = g.properties().impedance;
                z >= a && z < b
            })
            .collect();
        if holders != [f] {
            continue;
        }
        let names: Vec<String> = Facies::ALL.iter().map(|g| g.name().to_string()).collect();
        let (options, correct) = shuffled_choice(rng, names, f.label());
        let text = format!(
            "{} A layer in a seismic inversion has a mean acoustic impedance of {z} MRayl. Which facies is it? {}",
            ranges(),
            choice_text(&options)
        );
        return Ok(Draft { text, key: AnswerKey::Choice { options, correct } });
    }
}

fn reflection_polarity(rng: &mut SplitMix64) -> Result<Draft, String> {
    loop {
        let a = Facies::ALL[rng.next_below(6) as usize];
        let b = Facies::ALL[rng.next_below(6) as usize];
        let ((a_lo, a_hi), (b_lo, b_hi)) = (a.properties().impedance, b.properties().impedance);
        if a == b || (a_hi > b_lo && b_hi > a_lo) {
            continue; // overlapping ranges leave the sign open
        }
        let r = reflectivity(&[(a_lo + a_hi) / 2.0, (b_lo + b_hi) / 2.0])[1];
        let (options, correct) =
            shuffled_choice(rng, vec!["positive (a peak)".into(), "negative (a trough)".into()], usize::from(r < 0.0));
        let text = format!(
            "{} In this basin, {} lies directly on top of {}. What is the polarity of the normal-incidence reflection \
             coefficient at the top of the {} (SEG convention: positive when impedance increases downwards)? {}",
            ranges(),
            a.name(),
            b.name(),
            b.name(),
            choice_text(&options)
        );
        return Ok(Draft { text, key: AnswerKey::Choice { options, correct } });
    }
}

/// Acoustic impedance from density and velocity.
pub const IMPEDANCE: Template =
    Template { id: "oil-gas/impedance", sector: Sector::OilGas, difficulty: Difficulty::OneStep, draw: impedance };
/// Reflection coefficient between two layers.
pub const REFLECTION: Template =
    Template { id: "oil-gas/reflection", sector: Sector::OilGas, difficulty: Difficulty::MultiStep, draw: reflection };
/// Facies from an impedance.
pub const FACIES: Template =
    Template { id: "oil-gas/facies", sector: Sector::OilGas, difficulty: Difficulty::OneStep, draw: facies };
/// Polarity of the reflection between two facies.
pub const REFLECTION_POLARITY: Template = Template {
    id: "oil-gas/reflection-polarity",
    sector: Sector::OilGas,
    difficulty: Difficulty::MultiStep,
    draw: reflection_polarity,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy_qa::grid::numbers_after;

    /// The generator's impedance ranges, written out: (name, lo, hi).
    const TABLE: [(&str, f64, f64); 6] = [
        ("shale", 5.8, 7.4),
        ("sand", 4.4, 6.2),
        ("carbonate", 10.5, 14.5),
        ("salt", 9.3, 9.9),
        ("coal", 2.8, 3.8),
        ("channel fill", 4.6, 6.6),
    ];

    #[test]
    fn energy_qa_oil_gas_answers_are_checked_by_hand() {
        let mut rng = SplitMix64::new(14);
        for _ in 0..25 {
            let d = impedance(&mut rng).unwrap();
            let (rho, v) = (numbers_after(&d.text, "density of ")[0], numbers_after(&d.text, "velocity of ")[0]);
            let AnswerKey::Number { value, .. } = d.key else { panic!() };
            // kg/m3 x m/s = kg m^-2 s^-1.
            assert!((value - rho * 1000.0 * v / 1e6).abs() < 1e-12);
            let d = reflection(&mut rng).unwrap();
            let rho = numbers_after(&d.text, "density ");
            let v = numbers_after(&d.text, "velocity ");
            let (z1, z2) = (rho[0] * v[0], rho[1] * v[1]);
            let AnswerKey::Number { value, .. } = d.key else { panic!() };
            assert!((value - (z2 - z1) / (z2 + z1)).abs() < 1e-12);
            let d = facies(&mut rng).unwrap();
            let z = numbers_after(&d.text, "impedance of ")[0];
            let names: Vec<&str> = TABLE.iter().filter(|(_, lo, hi)| z >= *lo && z < *hi).map(|t| t.0).collect();
            let AnswerKey::Choice { options, correct } = &d.key else { panic!() };
            assert_eq!(names, [options[*correct].as_str()]);
            let d = reflection_polarity(&mut rng).unwrap();
            let on = d.text.split("basin, ").nth(1).unwrap();
            let upper = TABLE.iter().find(|t| on.starts_with(t.0)).unwrap();
            let lower = TABLE.iter().find(|t| on.contains(&format!("on top of {}.", t.0))).unwrap();
            let positive = lower.1 > upper.2; // the lower layer's range lies wholly above the upper's
            let AnswerKey::Choice { options, correct } = &d.key else { panic!() };
            assert_eq!(options[*correct].starts_with("positive"), positive, "{}", d.text);
        }
    }
}
