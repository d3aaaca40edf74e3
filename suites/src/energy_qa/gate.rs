//! What a suite asks of a question set (seed, size, gate), and the quality
//! report a score gives under that gate. Any engine (in-process, endpoint)
//! takes a [`QaSpec`], asks [`QaSpec::questions`], answers them, and calls
//! [`score`](super::score) and [`QaSpec::quality`].

use serde::{Deserialize, Serialize};

use super::score::AnswerScore;
use super::set::QuestionSet;
use crate::workload::QualityReport;

/// The question set and gate of a suite run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QaSpec {
    /// Seed of the question set.
    pub question_seed: u64,
    /// Number of questions (at least 1; 560 gives 20 per template).
    pub questions: usize,
    /// The gate: the least overall accuracy, in 0..=1.
    pub min_accuracy: f64,
}

impl Default for QaSpec {
    /// Seed 2026, 560 questions, gate 0.6.
    fn default() -> Self {
        QaSpec { question_seed: 2026, questions: 560, min_accuracy: 0.6 }
    }
}

/// Most questions a suite may ask for.
pub const MAX_QUESTIONS: usize = 100_000;

impl QaSpec {
    /// Checks the values, naming the first bad one.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.questions == 0 || self.questions > MAX_QUESTIONS {
            return Err(("questions", format!("must be in 1..={MAX_QUESTIONS}, got {}", self.questions)));
        }
        if !(0.0..=1.0).contains(&self.min_accuracy) {
            return Err(("min_accuracy", format!("must be in 0..=1, got {}", self.min_accuracy)));
        }
        Ok(())
    }

    /// The question set.
    pub fn questions(&self) -> Result<QuestionSet, String> {
        QuestionSet::generate(self.question_seed, self.questions)
    }

    /// The quality report of `score` under this gate.
    pub fn quality(&self, score: &AnswerScore) -> QualityReport {
        let [lo, hi] = score.accuracy_ci95;
        QualityReport {
            metric: "answer_accuracy".into(),
            value: score.accuracy,
            lower_is_better: false,
            threshold: Some(self.min_accuracy),
            gate_data_sha256: None,
            passes: Some(score.accuracy >= self.min_accuracy),
            gate: format!(
                "energy-qa: at least {:.0}% of {} questions answered correctly (95% interval of this run {:.1}-{:.1}%, \
                 unparseable {:.1}%, chance {:.1}%)",
                100.0 * self.min_accuracy,
                score.questions,
                100.0 * lo,
                100.0 * hi,
                100.0 * score.unparseable_share,
                100.0 * score.chance
            ),
            baseline: Some(score.chance),
            samples: score.questions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy_qa::score;

    #[test]
    fn energy_qa_gate_passes_the_oracle_and_fails_a_guesser() {
        let spec = QaSpec { questions: 60, ..QaSpec::default() };
        let set = spec.questions().unwrap();
        let right: Vec<String> = set.questions.iter().map(|q| q.key.answer_line()).collect();
        let q = spec.quality(&score(&set.questions, &right, 0, 1).unwrap());
        assert_eq!((q.passes, q.value, q.threshold), (Some(true), 1.0, Some(0.6)));
        let guess: Vec<String> = set.questions.iter().map(|_| "Answer: A".into()).collect();
        let q = spec.quality(&score(&set.questions, &guess, 0, 1).unwrap());
        assert_eq!(q.passes, Some(false));
        assert!(q.gate.contains("unparseable"), "{}", q.gate);
        assert!(QaSpec { min_accuracy: 1.5, ..QaSpec::default() }.check().is_err());
        assert!(QaSpec { questions: 0, ..QaSpec::default() }.check().is_err());
    }
}
