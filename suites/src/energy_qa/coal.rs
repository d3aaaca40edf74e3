//! Coal: methane at the return by the mine-gas simulator's dilution model,
//! the airflow a limit needs, and energy in tonnes of standard coal
//! equivalent (tce, 29.3076 GJ = 7,000 kcal/kg).

use super::format::round_dp;
use super::key::{AnswerKey, Difficulty, Sector};
use super::set::{choice_text, number_format, shuffled_choice, Draft, Template};
use super::units::MJ_PER_TCE;
use crate::mine_gas::generator::dilution_pct;
use crate::rng::SplitMix64;

fn return_methane(rng: &mut SplitMix64) -> Result<Draft, String> {
    let emission = round_dp(rng.uniform(2.0, 30.0), 1);
    let airflow = (rng.uniform(600.0, 3000.0) / 10.0).round() * 10.0;
    let value = dilution_pct(emission, airflow);
    let text = format!(
        "A longwall face emits {emission} m3/min of methane (face, cut coal and goaf together), fully mixed into a \
         ventilation airflow of {airflow} m3/min of fresh air. What is the methane concentration at the return? {}",
        number_format("%")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "%".into(), rel_tol: 0.01, abs_tol: 0.005 } })
}

fn required_airflow(rng: &mut SplitMix64) -> Result<Draft, String> {
    let emission = round_dp(rng.uniform(2.0, 30.0), 1);
    let limit = [0.75, 0.8, 1.0, 1.25][rng.next_below(4) as usize];
    // The dilution relation c = 100 E / Q solved for Q (m3/min), then in m3/s.
    let value = dilution_pct(emission, limit) / 60.0;
    let text = format!(
        "Methane emission into a coal face's ventilation is {emission} m3/min. Intake air carries no methane. What is \
         the least airflow that keeps the fully mixed return at or below {limit}% methane? {}",
        number_format("m3/s")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "m3/s".into(), rel_tol: 0.01, abs_tol: 0.0 } })
}

fn methane_limit(rng: &mut SplitMix64) -> Result<Draft, String> {
    let airflow_s = (rng.uniform(10.0, 50.0)).round();
    let exceeds = rng.next_f64() < 0.5;
    let target = if exceeds { rng.uniform(1.06, 1.6) } else { rng.uniform(0.4, 0.94) };
    let emission = round_dp(target * airflow_s * 60.0 / 100.0, 1);
    let concentration = dilution_pct(emission, airflow_s * 60.0);
    let (options, correct) = shuffled_choice(
        rng,
        vec!["yes: withdraw power and stop cutting".into(), "no: the return is below the limit".into()],
        usize::from(concentration <= 1.0),
    );
    let text = format!(
        "A coal mine's return airway carries {airflow_s} m3/s of air, into which the face emits {emission} m3/min of \
         methane (fully mixed, fresh intake). The regulations require power to be cut off when return methane reaches \
         1.0%. Is that limit exceeded? {}",
        choice_text(&options)
    );
    Ok(Draft { text, key: AnswerKey::Choice { options, correct } })
}

fn to_coal_equivalent(rng: &mut SplitMix64) -> Result<Draft, String> {
    let (amount, unit, gj_each) = match rng.next_below(3) {
        0 => ((rng.uniform(100.0, 50_000.0)).round(), "MWh", 3.6),
        1 => (round_dp(rng.uniform(1.0, 500.0), 1), "GWh", 3600.0),
        _ => ((rng.uniform(1_000.0, 900_000.0)).round(), "GJ", 1.0),
    };
    let value = amount * gj_each * 1000.0 / MJ_PER_TCE;
    let text = format!(
        "Express {amount} {unit} of energy (calorific equivalent, 1 kWh = 3.6 MJ) in tonnes of standard coal \
         equivalent, where 1 tce = 29.3076 GJ (7,000 kcal/kg). {}",
        number_format("tce")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "tce".into(), rel_tol: 0.005, abs_tol: 0.0 } })
}

fn coal_energy(rng: &mut SplitMix64) -> Result<Draft, String> {
    let tonnes = (rng.uniform(1_000.0, 500_000.0) / 100.0).round() * 100.0;
    let kcal = (rng.uniform(3_500.0, 6_500.0) / 50.0).round() * 50.0;
    let value = tonnes * kcal / 7_000.0;
    let text = format!(
        "A power plant burns {tonnes} t of raw coal with a net calorific value of {kcal} kcal/kg. How much is that in \
         tonnes of standard coal equivalent (1 tce = 7,000 kcal/kg)? {}",
        number_format("tce")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "tce".into(), rel_tol: 0.005, abs_tol: 0.0 } })
}

/// Methane at the return by dilution.
pub const RETURN_METHANE: Template =
    Template { id: "coal/return-methane", sector: Sector::Coal, difficulty: Difficulty::OneStep, draw: return_methane };
/// The airflow that keeps methane under a limit.
pub const REQUIRED_AIRFLOW: Template = Template {
    id: "coal/required-airflow",
    sector: Sector::Coal,
    difficulty: Difficulty::MultiStep,
    draw: required_airflow,
};
/// Whether the return exceeds the 1% limit.
pub const METHANE_LIMIT: Template =
    Template { id: "coal/methane-limit", sector: Sector::Coal, difficulty: Difficulty::MultiStep, draw: methane_limit };
/// Energy in tonnes of standard coal equivalent.
pub const TO_COAL_EQUIVALENT: Template = Template {
    id: "coal/to-coal-equivalent",
    sector: Sector::Coal,
    difficulty: Difficulty::OneStep,
    draw: to_coal_equivalent,
};
/// Raw coal in tonnes of standard coal equivalent.
pub const COAL_ENERGY: Template =
    Template { id: "coal/coal-energy", sector: Sector::Coal, difficulty: Difficulty::MultiStep, draw: coal_energy };

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy_qa::grid::numbers_after;

    fn value(key: &AnswerKey) -> f64 {
        let AnswerKey::Number { value, .. } = key else { panic!() };
        *value
    }

    #[test]
    fn energy_qa_coal_answers_are_checked_by_hand() {
        let mut rng = SplitMix64::new(13);
        let mut exceeded = [0; 2];
        for _ in 0..20 {
            let d = return_methane(&mut rng).unwrap();
            let (e, q) = (numbers_after(&d.text, "emits ")[0], numbers_after(&d.text, "airflow of ")[0]);
            assert!((value(&d.key) - e / q * 100.0).abs() < 1e-12);
            let d = required_airflow(&mut rng).unwrap();
            let (e, limit) = (numbers_after(&d.text, "ventilation is ")[0], numbers_after(&d.text, "at or below ")[0]);
            // e / Q = limit / 100 with Q in m3/min, then / 60 for m3/s.
            assert!((value(&d.key) - e / (limit / 100.0) / 60.0).abs() < 1e-9);
            let d = methane_limit(&mut rng).unwrap();
            let (q, e) = (numbers_after(&d.text, "carries ")[0], numbers_after(&d.text, "emits ")[0]);
            let over = e / (q * 60.0) > 0.01;
            exceeded[usize::from(over)] += 1;
            let AnswerKey::Choice { options, correct } = &d.key else { panic!() };
            assert_eq!(options[*correct].starts_with("yes"), over);
            let d = to_coal_equivalent(&mut rng).unwrap();
            let amount = numbers_after(&d.text, "Express ")[0];
            let gj = if d.text.contains(" MWh ") {
                amount * 3.6
            } else if d.text.contains(" GWh ") {
                amount * 3600.0
            } else {
                amount
            };
            assert!((value(&d.key) - gj / 29.3076).abs() < 1e-9 * value(&d.key).max(1.0));
            let d = coal_energy(&mut rng).unwrap();
            let (t, kcal) = (numbers_after(&d.text, "burns ")[0], numbers_after(&d.text, "value of ")[0]);
            // kcal/kg x 4.1868 kJ/kcal -> GJ per tonne, over 29.3076 GJ/tce.
            assert!((value(&d.key) - t * kcal * 4.1868 / 1000.0 / 29.3076).abs() < 1e-6 * value(&d.key));
        }
        assert!(exceeded[0] > 3 && exceeded[1] > 3, "{exceeded:?}");
    }
}
