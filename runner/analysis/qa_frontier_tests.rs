//! The accuracy-vs-energy frontier of a question set, on the fixture results
//! given an answers section.

use std::path::{Path, PathBuf};

use wattbench_workloads::energy_qa::AnswerScore;

use super::*;
use crate::energy::EnergyMethod;
use crate::results::AnswersRecord;

/// A VALID run of question set `sha` with this accuracy (and interval) and
/// J per correct answer (and interval); `None` leaves energy unmeasured.
fn qa_run(file: &str, sha: &str, acc: f64, acc_ci: [f64; 2], j: Option<(f64, [f64; 2])>) -> LoadedResult {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/results/scripted/01-load-forecast-offline-cpu-f32-b4.json");
    let mut r = load_file(&path).unwrap();
    r.path = PathBuf::from(file);
    let rec = &mut r.record;
    rec.workload = "energy-qa".into();
    rec.verdict.valid = true;
    rec.verdict.failed_rules.clear();
    rec.quality.passes = Some(acc >= 0.6);
    rec.provenance.device.name = file.into();
    let score = AnswerScore {
        questions: 100,
        correct: (acc * 100.0) as usize,
        wrong: 100 - (acc * 100.0) as usize,
        unparseable: 0,
        accuracy: acc,
        accuracy_ci95: acc_ci,
        unparseable_share: 0.0,
        chance: 0.1,
        output_tokens: 1000,
        output_tokens_per_correct: Some(10.0),
        sectors: Vec::new(),
        verdicts: String::new(),
        bootstrap_seed: 1,
    };
    rec.energy.method = if j.is_some() { EnergyMethod::NvmlCounter } else { EnergyMethod::Unmeasured };
    rec.energy.j_per_inference = j.map(|(j, _)| j * acc);
    rec.energy.j_per_inference_ci95 = j.map(|(_, [lo, hi])| [lo * acc, hi * acc]);
    let mut answers = AnswersRecord::new(score, sha, &rec.energy);
    answers.j_per_correct_answer = j.map(|(j, _)| j);
    answers.j_per_correct_answer_ci95 = j.map(|(_, ci)| ci);
    rec.answers = Some(answers);
    r
}

/// Runs of two question sets: on the frontier, tied, dominated, failing, unmeasured.
pub(crate) fn question_set_runs() -> Vec<LoadedResult> {
    vec![
        // Accurate but costly: on the frontier.
        qa_run("big", "set1", 0.90, [0.85, 0.95], Some((10.0, [9.5, 10.5]))),
        // Cheaper, less accurate but passing: on the frontier.
        qa_run("small", "set1", 0.70, [0.62, 0.78], Some((2.0, [1.9, 2.1]))),
        // Dominated by `small` in both, but inside its intervals: tied.
        qa_run("small-b", "set1", 0.69, [0.61, 0.77], Some((2.05, [1.95, 2.15]))),
        // Dominated by `big` beyond the intervals.
        qa_run("mid", "set1", 0.72, [0.70, 0.74], Some((12.0, [11.5, 12.5]))),
        // Cheapest of all, but fails the gate: never placed.
        qa_run("random", "set1", 0.05, [0.03, 0.07], Some((0.5, [0.45, 0.55]))),
        // Passes, energy unmeasured: listed, never placed.
        qa_run("cpu", "set1", 0.80, [0.75, 0.85], None),
        // Another question set: its own frontier.
        qa_run("other", "set2", 0.65, [0.6, 0.7], Some((1.0, [0.9, 1.1]))),
    ]
}

#[test]
fn qa_frontier_places_passing_measured_runs_with_ties_and_lists_the_rest() {
    let runs = question_set_runs();
    let frontiers = qa_frontiers(&runs);
    assert_eq!(frontiers.len(), 2);
    let f = &frontiers[0];
    assert_eq!((f.question_set_sha256.as_str(), f.questions), ("set1", 100));
    let standing = |file: &str| f.runs.iter().find(|r| r.file == file).unwrap().standing.clone();
    assert_eq!(standing("big"), QaStanding::Frontier);
    assert_eq!(standing("small"), QaStanding::Frontier);
    assert!(matches!(standing("small-b"), QaStanding::Tied { with } if with.contains("small")));
    assert_eq!(standing("mid"), QaStanding::Dominated);
    assert!(matches!(standing("random"), QaStanding::NotPlaced { reason } if reason.starts_with("fails its gate")));
    assert!(matches!(standing("cpu"), QaStanding::NotPlaced { reason } if reason.contains("unmeasured")));
    // The cheapest passing run, with the one it cannot be told apart from.
    assert_eq!(f.least_energy.len(), 2);
    assert!(f.least_energy.iter().all(|l| l.contains("small")), "{:?}", f.least_energy);
    // Placed runs first, cheapest first.
    assert_eq!(f.runs[0].file, "small");
    // Runs without answers give no frontier.
    let plain = load_file(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/results/scripted/01-load-forecast-offline-cpu-f32-b4.json"),
    )
    .unwrap();
    assert!(qa_frontiers(&[plain]).is_empty());
}
