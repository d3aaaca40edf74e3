//! The templates of every sector and the seeded question set drawn from them.

use serde::{Deserialize, Serialize};

use super::key::{letter, AnswerKey, Difficulty, Question, Sector};
use super::{coal, electricity, grid, oil_gas, protection, renewables};
use crate::fingerprint::sha256_hex;
use crate::rng::SplitMix64;

/// The fewest questions a set may hold.
pub const MIN_QUESTIONS: usize = 1;

/// Most draws of one template to find a question not already in the set.
const MAX_TRIES: usize = 50;

/// A question as a template draws it, before it gets its place in a set.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// The question with its answer format.
    pub text: String,
    /// The key.
    pub key: AnswerKey,
}

/// A question template: its id, sector, difficulty and drawing function.
#[derive(Clone, Copy, Debug)]
pub struct Template {
    /// `sector/name`.
    pub id: &'static str,
    /// Its sector.
    pub sector: Sector,
    /// Its difficulty.
    pub difficulty: Difficulty,
    /// Draws one question.
    pub draw: fn(&mut SplitMix64) -> Result<Draft, String>,
}

/// Every template, sector by sector.
pub const TEMPLATES: &[Template] = &[
    grid::TOTAL_LOAD,
    grid::LINE_FLOW,
    grid::MARGINAL_UNIT,
    grid::LINE_LIMIT,
    grid::DISPATCH_COST,
    protection::FAULT_TYPE,
    protection::GROUNDED,
    protection::FAULT_CURRENT,
    electricity::PEAK_HOUR,
    electricity::DAILY_ENERGY,
    electricity::LOAD_FACTOR,
    electricity::PER_UNIT,
    electricity::THREE_PHASE_POWER,
    electricity::TOP_OIL,
    electricity::HOT_SPOT,
    renewables::CLEAR_SKY_GHI,
    renewables::MODULE_TEMPERATURE,
    renewables::PV_OUTPUT,
    renewables::CLEAR_SKY_PV,
    coal::RETURN_METHANE,
    coal::REQUIRED_AIRFLOW,
    coal::METHANE_LIMIT,
    coal::TO_COAL_EQUIVALENT,
    coal::COAL_ENERGY,
    oil_gas::IMPEDANCE,
    oil_gas::REFLECTION,
    oil_gas::FACIES,
    oil_gas::REFLECTION_POLARITY,
];

/// The answer format of a number in `unit`.
pub fn number_format(unit: &str) -> String {
    if unit.is_empty() {
        "End with the line `Answer: <number>`.".into()
    } else {
        format!("End with the line `Answer: <number> {unit}`.")
    }
}

/// The listed options and the format of a choice.
pub fn choice_text(options: &[String]) -> String {
    let list: Vec<String> = options.iter().enumerate().map(|(i, o)| format!("({}) {o}", letter(i))).collect();
    let last = letter(options.len().saturating_sub(1));
    format!("Options: {}. End with the line `Answer: <letter A-{last}>`.", list.join("; "))
}

/// A choice whose correct option lands at a drawn position (so that no letter pays).
pub fn shuffled_choice(rng: &mut SplitMix64, mut options: Vec<String>, correct: usize) -> (Vec<String>, usize) {
    let right = options[correct].clone();
    rng.shuffle(&mut options);
    let at = options.iter().position(|o| *o == right).unwrap_or(0);
    (options, at)
}

/// A generated question set: deterministic from its seed and size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionSet {
    /// The seed it was drawn with.
    pub seed: u64,
    /// The questions, each with its key.
    pub questions: Vec<Question>,
    /// sha256 of the questions and keys (canonical JSON).
    pub sha256: String,
}

impl QuestionSet {
    /// Draws `count` distinct questions from `seed`, the templates taken in
    /// turn so that every sector and difficulty is represented.
    pub fn generate(seed: u64, count: usize) -> Result<QuestionSet, String> {
        if count < MIN_QUESTIONS {
            return Err(format!("a question set needs at least {MIN_QUESTIONS} question"));
        }
        let mut rng = SplitMix64::new(seed);
        let mut seen = std::collections::HashSet::new();
        let mut questions = Vec::with_capacity(count);
        for id in 0..count {
            let t = &TEMPLATES[id % TEMPLATES.len()];
            let mut tries = 0;
            let draft = loop {
                let d = (t.draw)(&mut rng).map_err(|e| format!("template {}: {e}", t.id))?;
                if seen.insert(d.text.clone()) {
                    break d;
                }
                tries += 1;
                if tries >= MAX_TRIES {
                    return Err(format!("template {} gave no new question in {MAX_TRIES} draws", t.id));
                }
            };
            questions.push(Question {
                id,
                template: t.id.into(),
                sector: t.sector,
                difficulty: t.difficulty,
                text: draft.text,
                key: draft.key,
            });
        }
        let bytes = serde_json::to_vec(&questions).map_err(|e| e.to_string())?;
        Ok(QuestionSet { seed, sha256: sha256_hex(&bytes), questions })
    }

    /// The expected accuracy of uniform guessing over this set.
    pub fn chance(&self) -> f64 {
        self.questions.iter().map(|q| q.key.chance()).sum::<f64>() / self.questions.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energy_qa_set_is_deterministic_and_distinct() {
        let a = QuestionSet::generate(7, 560).unwrap();
        let b = QuestionSet::generate(7, 560).unwrap();
        let c = QuestionSet::generate(8, 560).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.sha256, b.sha256);
        assert_ne!(a.sha256, c.sha256);
        let mut texts: Vec<&str> = a.questions.iter().map(|q| q.text.as_str()).collect();
        texts.sort_unstable();
        texts.dedup();
        assert_eq!(texts.len(), 560);
        for sector in Sector::ALL {
            let templates: std::collections::HashSet<_> =
                a.questions.iter().filter(|q| q.sector == sector).map(|q| q.template.clone()).collect();
            assert!(templates.len() >= 3, "{} has {} templates", sector.name(), templates.len());
        }
        for d in [Difficulty::OneStep, Difficulty::MultiStep, Difficulty::Analysis] {
            assert!(a.questions.iter().filter(|q| q.difficulty == d).count() >= 50, "{d:?}");
        }
        // Every question states its format, and its own key's answer line is judged correct.
        for q in &a.questions {
            assert!(q.text.contains("`Answer: <"), "{}", q.text);
            assert_eq!(q.key.judge(&q.key.answer_line()), super::super::Verdict::Correct, "{}", q.text);
        }
        // Guessing does not pay: chance is far below a 60% gate.
        assert!(a.chance() < 0.25, "{}", a.chance());
        assert!(QuestionSet::generate(1, 0).is_err());
    }
}
