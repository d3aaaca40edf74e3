//! Scoring: every answer judged against its key; accuracy overall and per
//! sector with percentile-bootstrap 95% intervals; the share of answers
//! that could not be read; output tokens per correct answer.

use super::key::{Question, Sector, Verdict};
use crate::rng::SplitMix64;

/// Resamples of the bootstrap.
pub const BOOTSTRAP_RESAMPLES: usize = 1000;

pub use crate::workload::answers::{AnswerScore, Interval, SectorScore};

/// Percentile-bootstrap 95% interval of the mean of 0/1 `hits`.
fn bootstrap(hits: &[bool], seed: u64) -> Interval {
    let n = hits.len();
    if n == 0 {
        return [0.0, 0.0];
    }
    let mut rng = SplitMix64::new(seed);
    let mut means: Vec<f64> = (0..BOOTSTRAP_RESAMPLES)
        .map(|_| (0..n).filter(|_| hits[rng.next_below(n as u64) as usize]).count() as f64 / n as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    let at = |q: f64| means[((q * (BOOTSTRAP_RESAMPLES - 1) as f64).round() as usize).min(BOOTSTRAP_RESAMPLES - 1)];
    [at(0.025), at(0.975)]
}

/// Judges `answers[i]` (a model's whole output) against `questions[i]`'s key
/// and summarises; `output_tokens` is what the model generated for them all.
pub fn score(questions: &[Question], answers: &[String], output_tokens: u64, seed: u64) -> Result<AnswerScore, String> {
    if questions.len() != answers.len() {
        return Err(format!("{} answers for {} questions", answers.len(), questions.len()));
    }
    if questions.is_empty() {
        return Err("no questions to score".into());
    }
    let verdicts: Vec<Verdict> = questions.iter().zip(answers).map(|(q, a)| q.key.judge(a)).collect();
    let count = |v: Verdict, idx: &[usize]| idx.iter().filter(|&&i| verdicts[i] == v).count();
    let all: Vec<usize> = (0..questions.len()).collect();
    let hits = |idx: &[usize]| idx.iter().map(|&i| verdicts[i] == Verdict::Correct).collect::<Vec<bool>>();
    let n = questions.len();
    let correct = count(Verdict::Correct, &all);
    let sectors = Sector::ALL
        .iter()
        .enumerate()
        .filter_map(|(k, &sector)| {
            let idx: Vec<usize> = all.iter().copied().filter(|&i| questions[i].sector == sector).collect();
            (!idx.is_empty()).then(|| SectorScore {
                sector,
                questions: idx.len(),
                correct: count(Verdict::Correct, &idx),
                unparseable: count(Verdict::Unparseable, &idx),
                accuracy: count(Verdict::Correct, &idx) as f64 / idx.len() as f64,
                accuracy_ci95: bootstrap(&hits(&idx), seed.wrapping_add(1 + k as u64)),
            })
        })
        .collect();
    Ok(AnswerScore {
        questions: n,
        correct,
        wrong: count(Verdict::Wrong, &all),
        unparseable: count(Verdict::Unparseable, &all),
        accuracy: correct as f64 / n as f64,
        accuracy_ci95: bootstrap(&hits(&all), seed),
        unparseable_share: count(Verdict::Unparseable, &all) as f64 / n as f64,
        chance: questions.iter().map(|q| q.key.chance()).sum::<f64>() / n as f64,
        output_tokens,
        output_tokens_per_correct: (correct > 0).then(|| output_tokens as f64 / correct as f64),
        sectors,
        verdicts: verdicts
            .iter()
            .map(|v| match v {
                Verdict::Correct => 'c',
                Verdict::Wrong => 'w',
                Verdict::Unparseable => 'u',
            })
            .collect(),
        bootstrap_seed: seed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy_qa::key::AnswerKey;
    use crate::energy_qa::set::QuestionSet;

    fn set() -> QuestionSet {
        QuestionSet::generate(2026, 560).unwrap()
    }

    #[test]
    fn energy_qa_oracle_from_the_key_scores_everything() {
        let s = set();
        let answers: Vec<String> =
            s.questions.iter().map(|q| format!("Let me work.\n{}\n", q.key.answer_line())).collect();
        let r = score(&s.questions, &answers, 5600, 1).unwrap();
        assert_eq!((r.correct, r.wrong, r.unparseable), (560, 0, 0));
        assert_eq!(r.accuracy, 1.0);
        assert_eq!(r.accuracy_ci95, [1.0, 1.0]);
        assert_eq!(r.output_tokens_per_correct, Some(10.0));
        assert_eq!(r.sectors.len(), 6);
        assert!(r.sectors.iter().all(|s| s.accuracy == 1.0 && s.questions >= 60));
        assert_eq!(r.verdicts, "c".repeat(560));
    }

    #[test]
    fn energy_qa_shuffled_key_scores_at_chance() {
        let s = set();
        // Each question answered with the key of another question of the same template.
        let mut rng = SplitMix64::new(99);
        let mut answers = vec![String::new(); s.questions.len()];
        let mut templates: Vec<&str> = s.questions.iter().map(|q| q.template.as_str()).collect();
        templates.sort_unstable();
        templates.dedup();
        for t in templates {
            let idx: Vec<usize> = (0..s.questions.len()).filter(|&i| s.questions[i].template == t).collect();
            // A derangement: in a shuffled order, each question takes the next one's key.
            let mut order = idx.clone();
            rng.shuffle(&mut order);
            for k in 0..order.len() {
                answers[order[k]] = s.questions[order[(k + 1) % order.len()]].key.answer_line();
            }
        }
        let r = score(&s.questions, &answers, 0, 2).unwrap();
        assert_eq!(r.unparseable, 0);
        assert_eq!(r.output_tokens_per_correct.map(|_| ()), (r.correct > 0).then_some(()));
        // Choices and labels: within 3 standard errors of 1/options.
        let picks: Vec<usize> =
            (0..s.questions.len()).filter(|&i| !matches!(s.questions[i].key, AnswerKey::Number { .. })).collect();
        let expect: f64 = picks.iter().map(|&i| s.questions[i].key.chance()).sum::<f64>() / picks.len() as f64;
        let got = picks.iter().filter(|&&i| r.verdicts.as_bytes()[i] == b'c').count() as f64 / picks.len() as f64;
        let se = (expect * (1.0 - expect) / picks.len() as f64).sqrt();
        assert!((got - expect).abs() < 3.0 * se, "choices: {got} vs chance {expect}");
        // Numbers: another question's value almost never lands within tolerance.
        let numbers = s.questions.len() - picks.len();
        let number_hits = (0..s.questions.len())
            .filter(|&i| matches!(s.questions[i].key, AnswerKey::Number { .. }) && r.verdicts.as_bytes()[i] == b'c')
            .count();
        let by_template: Vec<(&str, usize)> = s
            .questions
            .iter()
            .enumerate()
            .filter(|(i, q)| matches!(q.key, AnswerKey::Number { .. }) && r.verdicts.as_bytes()[*i] == b'c')
            .map(|(_, q)| (q.template.as_str(), 1))
            .collect();
        assert!((number_hits as f64) < 0.08 * numbers as f64, "{number_hits} of {numbers}: {by_template:?}");
        // Overall: at chance, far under a 60% gate, and the interval holds the chance level.
        assert!(r.accuracy < 0.2, "{}", r.accuracy);
        assert!(r.accuracy_ci95[0] <= r.chance + 0.03 && r.chance - 0.03 <= r.accuracy_ci95[1], "{r:?}");
    }

    #[test]
    fn energy_qa_wrong_format_counts_unparseable() {
        let s = set();
        // The right values, but not in the stated format.
        let answers: Vec<String> =
            s.questions.iter().map(|q| q.key.answer_line().replace("Answer:", "The result is")).collect();
        let r = score(&s.questions, &answers, 100, 3).unwrap();
        assert_eq!((r.correct, r.unparseable), (0, 560));
        assert_eq!(r.unparseable_share, 1.0);
        assert_eq!(r.output_tokens_per_correct, None);
        assert!(r.sectors.iter().all(|s| s.unparseable == s.questions));
        assert!(score(&s.questions, &answers[1..], 0, 3).is_err());
    }

    #[test]
    fn energy_qa_bootstrap_interval_covers_the_accuracy() {
        let s = set();
        let answers: Vec<String> = s
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| if i % 3 == 0 { "Answer: nonsense".into() } else { q.key.answer_line() })
            .collect();
        let r = score(&s.questions, &answers, 0, 4).unwrap();
        assert!((r.accuracy - 373.0 / 560.0).abs() < 1e-12, "{}", r.accuracy);
        let [lo, hi] = r.accuracy_ci95;
        assert!(lo < r.accuracy && r.accuracy < hi && hi - lo < 0.1 && hi - lo > 0.04, "{lo} {hi}");
        assert_eq!(r, score(&s.questions, &answers, 0, 4).unwrap());
    }
}
