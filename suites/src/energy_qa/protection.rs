//! Protection: the fault type from the RMS phase currents, voltages and
//! residual current of a window drawn by the fault-detect generator, whether
//! ground is involved, and the bolted three-phase fault current.

use super::format::round_dp;
use super::key::{AnswerKey, Difficulty, Sector};
use super::set::{choice_text, number_format, shuffled_choice, Draft, Template};
use crate::fault_detect::fault_type::FaultType;
use crate::fault_detect::waveform::{waveform, WaveformConfig};
use crate::rng::SplitMix64;

/// RMS magnitudes over the window's last cycle (per unit): phase voltages,
/// phase currents and the residual current `|ia + ib + ic|`.
struct Magnitudes {
    v: [f64; 3],
    i: [f64; 3],
    residual: f64,
}

fn magnitudes(fault: FaultType, rng: &mut SplitMix64) -> Result<Magnitudes, String> {
    let cfg = WaveformConfig::default();
    let w = waveform(&cfg, fault, rng)?;
    let n = cfg.samples;
    let cycle = (cfg.sample_rate_hz / cfg.frequency_hz).round() as usize;
    let rms = |ch: usize| {
        let s = &w[ch * n + n - cycle..(ch + 1) * n];
        (s.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / cycle as f64).sqrt()
    };
    let residual = (n - cycle..n)
        .map(|t| (f64::from(w[3 * n + t]) + f64::from(w[4 * n + t]) + f64::from(w[5 * n + t])).powi(2))
        .sum::<f64>()
        / cycle as f64;
    let r = |x: f64| round_dp(x, 2);
    Ok(Magnitudes {
        v: [r(rms(0)), r(rms(1)), r(rms(2))],
        i: [r(rms(3)), r(rms(4)), r(rms(5))],
        residual: r(residual.sqrt()),
    })
}

fn describe(m: &Magnitudes) -> String {
    format!(
        "A relay records, over the last cycle of a window, RMS phase voltages Va = {} pu, Vb = {} pu, Vc = {} pu, \
         RMS phase currents Ia = {} pu, Ib = {} pu, Ic = {} pu (of rated current), and a residual current |Ia + Ib + Ic| of {} pu. \
         Load current is at most 1 pu.",
        m.v[0], m.v[1], m.v[2], m.i[0], m.i[1], m.i[2], m.residual
    )
}

fn fault_type(rng: &mut SplitMix64) -> Result<Draft, String> {
    let fault = FaultType::ALL[rng.next_below(FaultType::ALL.len() as u64) as usize];
    let m = magnitudes(fault, rng)?;
    let labels: Vec<String> = FaultType::ALL.iter().map(|f| f.name().to_string()).collect();
    let text = format!(
        "{} Classify the fault as one of: {}. End with the line `Answer: <label>`.",
        describe(&m),
        labels.join(", ")
    );
    Ok(Draft { text, key: AnswerKey::Label { labels, correct: fault.label() } })
}

fn grounded(rng: &mut SplitMix64) -> Result<Draft, String> {
    let fault = FaultType::ALL[1 + rng.next_below(FaultType::ALL.len() as u64 - 1) as usize];
    let m = magnitudes(fault, rng)?;
    let (options, correct) = shuffled_choice(
        rng,
        vec!["yes, ground is involved".into(), "no, the fault is clear of ground".into()],
        usize::from(!fault.grounded()),
    );
    let text = format!("{} Does this fault involve ground? {}", describe(&m), choice_text(&options));
    Ok(Draft { text, key: AnswerKey::Choice { options, correct } })
}

fn fault_current(rng: &mut SplitMix64) -> Result<Draft, String> {
    let kv = [11.0, 20.0, 33.0, 66.0, 110.0, 132.0, 220.0, 400.0][rng.next_below(8) as usize];
    let mva = (rng.uniform(100.0, 20_000.0) / 10.0).round() * 10.0;
    let value = mva / (3f64.sqrt() * kv);
    let text = format!(
        "A {kv} kV busbar has a three-phase short-circuit level of {mva} MVA. What is the symmetrical three-phase \
         fault current? {}",
        number_format("kA")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "kA".into(), rel_tol: 0.01, abs_tol: 0.0 } })
}

/// The fault type from RMS magnitudes.
pub const FAULT_TYPE: Template = Template {
    id: "protection/fault-type",
    sector: Sector::Protection,
    difficulty: Difficulty::MultiStep,
    draw: fault_type,
};
/// Whether ground is involved.
pub const GROUNDED: Template =
    Template { id: "protection/grounded", sector: Sector::Protection, difficulty: Difficulty::OneStep, draw: grounded };
/// The bolted three-phase fault current from the short-circuit level.
pub const FAULT_CURRENT: Template = Template {
    id: "protection/fault-current",
    sector: Sector::Protection,
    difficulty: Difficulty::OneStep,
    draw: fault_current,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy_qa::grid::numbers_after;

    /// A protection engineer's rule: phases above 1 pu RMS are faulted (load is at most 0.71 pu RMS, a fault at least 2.1 pu less the load), a
    /// residual above 0.5 pu means ground; a two-phase fault with ground is
    /// named by its phases in cyclic order (AB, BC, CA).
    fn classify(text: &str) -> String {
        let i: Vec<f64> = ["Ia = ", "Ib = ", "Ic = "].iter().map(|l| numbers_after(text, l)[0]).collect();
        let residual = numbers_after(text, "| of ")[0];
        let faulted: Vec<usize> = (0..3).filter(|&k| i[k] > 1.0).collect();
        let name = match faulted.as_slice() {
            [] => return "no-fault".into(),
            [k] => ["A", "B", "C"][*k].to_string(),
            [0, 1] => "AB".into(),
            [1, 2] => "BC".into(),
            [0, 2] => "CA".into(),
            _ => return "ABC".into(),
        };
        if residual > 0.5 && faulted.len() == 2 || faulted.len() == 1 {
            format!("{name}G")
        } else {
            name
        }
    }

    #[test]
    fn energy_qa_protection_fault_type_follows_from_the_magnitudes() {
        let mut rng = SplitMix64::new(5);
        for _ in 0..60 {
            let d = fault_type(&mut rng).unwrap();
            let AnswerKey::Label { labels, correct } = &d.key else { panic!() };
            assert_eq!(classify(&d.text), labels[*correct], "{}", d.text);
            let d = grounded(&mut rng).unwrap();
            let AnswerKey::Choice { options, correct } = &d.key else { panic!() };
            assert_eq!(classify(&d.text).ends_with('G'), options[*correct].starts_with("yes"), "{}", d.text);
        }
    }

    #[test]
    fn energy_qa_protection_fault_current_is_s_over_root3_v() {
        let mut rng = SplitMix64::new(6);
        for _ in 0..20 {
            let d = fault_current(&mut rng).unwrap();
            let kv = numbers_after(&d.text, "A ")[0];
            let mva = numbers_after(&d.text, "level of ")[0];
            let AnswerKey::Number { value, .. } = d.key else { panic!() };
            // I = S / (sqrt(3) V): MVA / kV gives kA.
            assert!((value - mva * 1e6 / (1.7320508075688772 * kv * 1e3) / 1e3).abs() < 1e-9);
        }
    }
}
