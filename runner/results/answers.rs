//! The answers section of a question-answering run (`energy-qa`): the
//! score, and the joules each correct answer cost.

use serde::{Deserialize, Serialize};
use wattbench_workloads::energy_qa::AnswerScore;

use crate::energy::{EnergyMethod, EnergyReport};

/// What a question-answering run's answers were worth, and what they cost.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AnswersRecord {
    /// sha256 of the question set (its questions and keys).
    pub question_set_sha256: String,
    /// The score of the accuracy pass.
    #[serde(flatten)]
    pub score: AnswerScore,
    /// Gross joules per correct answer: the window's joules per question
    /// answered, divided by the accuracy of the accuracy pass (the window
    /// answers the same questions with the same greedy decoding and answer
    /// budget, batched as the run says). Null when energy is unmeasured
    /// (never estimated) or no answer was correct.
    pub j_per_correct_answer: Option<f64>,
    /// Its interval: the J/question interval over the accuracy interval
    /// (low over high, high over low); null when either is missing or the
    /// accuracy's low end is 0.
    pub j_per_correct_answer_ci95: Option<[f64; 2]>,
    /// Net (above idle) joules per correct answer.
    pub net_j_per_correct_answer: Option<f64>,
    /// How the energy was obtained (`unmeasured` where nothing measured it).
    pub energy_method: EnergyMethod,
    /// Why a figure is null, when one is.
    pub note: Option<String>,
}

impl AnswersRecord {
    /// Joins a score with the run's energy.
    pub fn new(score: AnswerScore, question_set_sha256: &str, energy: &EnergyReport) -> AnswersRecord {
        let acc = score.accuracy;
        let per = |j: Option<f64>| j.filter(|_| acc > 0.0).map(|j| j / acc);
        let [lo, hi] = score.accuracy_ci95;
        let ci = energy.j_per_inference_ci95.filter(|_| lo > 0.0).map(|[jl, jh]| [jl / hi, jh / lo]);
        let j = per(energy.j_per_inference);
        let note = if energy.method == EnergyMethod::Unmeasured || energy.j_per_inference.is_none() {
            Some("energy unmeasured on this device: J per correct answer is not estimated".to_string())
        } else if acc == 0.0 {
            Some("no answer was correct: J per correct answer is unbounded".to_string())
        } else {
            None
        };
        AnswersRecord {
            question_set_sha256: question_set_sha256.to_string(),
            j_per_correct_answer: j,
            j_per_correct_answer_ci95: ci,
            net_j_per_correct_answer: per(energy.net_j_per_inference),
            energy_method: energy.method,
            note,
            score,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wattbench_workloads::energy_qa::{score, QaSpec};

    fn oracle_score(right_every: usize) -> AnswerScore {
        let set = QaSpec { questions: 40, ..QaSpec::default() }.questions().unwrap();
        let answers: Vec<String> = set
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| if i % right_every == 0 { q.key.answer_line() } else { String::new() })
            .collect();
        score(&set.questions, &answers, 400, 1).unwrap()
    }

    #[test]
    fn j_per_correct_answer_is_j_per_question_over_accuracy_and_never_estimated() {
        let unmeasured = EnergyReport::unmeasured("cpu", 2.0);
        let r = AnswersRecord::new(oracle_score(2), "abc", &unmeasured);
        assert_eq!((r.j_per_correct_answer, r.energy_method), (None, EnergyMethod::Unmeasured));
        assert!(r.note.as_deref().unwrap_or("").contains("unmeasured"));
        let mut measured = EnergyReport::unmeasured("cpu", 2.0);
        measured.method = EnergyMethod::Rapl;
        measured.j_per_inference = Some(3.0);
        measured.net_j_per_inference = Some(1.0);
        measured.j_per_inference_ci95 = Some([2.5, 3.5]);
        let r = AnswersRecord::new(oracle_score(2), "abc", &measured);
        // Half the answers correct: each correct one cost two questions' joules.
        assert_eq!((r.j_per_correct_answer, r.net_j_per_correct_answer), (Some(6.0), Some(2.0)));
        let [lo, hi] = r.j_per_correct_answer_ci95.unwrap();
        assert!(lo < 6.0 && hi > 6.0 && lo >= 2.5 && hi <= 3.5 / 0.2, "{lo} {hi}");
        assert_eq!(r.note, None);
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<AnswersRecord>(&json).unwrap(), r);
        let none = AnswersRecord::new(oracle_score(1000), "abc", &measured);
        let zero = AnswersRecord::new(
            score(
                &QaSpec { questions: 3, ..QaSpec::default() }.questions().unwrap().questions,
                &vec![String::new(); 3],
                0,
                1,
            )
            .unwrap(),
            "abc",
            &measured,
        );
        assert!(none.j_per_correct_answer.is_some());
        assert_eq!(zero.j_per_correct_answer, None);
    }
}
