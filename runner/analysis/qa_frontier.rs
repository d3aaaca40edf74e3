//! The question the sector asks of a question set (`energy-qa`): which runs
//! answer well enough, and at what energy per correct answer? Across runs of
//! one question set (models, engines, devices), accuracy against joules per
//! correct answer: the Pareto frontier (no other run is both more accurate
//! and cheaper), the runs tied with it (their intervals overlap a frontier
//! run's in both figures), and the cheapest passing runs. Runs that fail the
//! gate, are INVALID or have unmeasured energy are listed, never placed.

use serde::Serialize;

use super::pareto::pareto_front;
use super::LoadedResult;
use crate::energy::EnergyMethod;
use crate::stats::uncertainty::intervals_overlap;

/// Where a run stands.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum QaStanding {
    /// On the Pareto frontier.
    Frontier,
    /// Off the frontier, but its intervals overlap those of the frontier run named.
    Tied {
        /// The frontier run it cannot be told apart from.
        with: String,
    },
    /// Another run is better in both figures, beyond the intervals.
    Dominated,
    /// Not placed, and why (fails the gate, INVALID, energy unmeasured).
    NotPlaced {
        /// The reason.
        reason: String,
    },
}

/// One run of the question set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QaRun {
    /// Model, device and backend.
    pub label: String,
    /// Result file.
    pub file: String,
    /// Overall accuracy.
    pub accuracy: f64,
    /// Its 95% interval.
    pub accuracy_ci95: [f64; 2],
    /// Whether the run passes its gate.
    pub passes_gate: Option<bool>,
    /// Gross joules per correct answer (null when unmeasured).
    pub j_per_correct_answer: Option<f64>,
    /// Its interval.
    pub j_per_correct_answer_ci95: Option<[f64; 2]>,
    /// Where it stands.
    pub standing: QaStanding,
}

/// The runs of one question set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QaFrontier {
    /// sha256 of the question set.
    pub question_set_sha256: String,
    /// Its size.
    pub questions: usize,
    /// Every run, placed ones first by J per correct answer.
    pub runs: Vec<QaRun>,
    /// Labels of the passing runs with the least J per correct answer (ties included).
    pub least_energy: Vec<String>,
}

fn label(r: &LoadedResult) -> String {
    let rec = &r.record;
    let model =
        rec.model.architecture.get("model").cloned().unwrap_or_else(|| format!("{} parameters", rec.model.parameters));
    format!("{model}, {} ({}), {} {}", rec.provenance.device.name, rec.device, rec.backend, rec.precision)
}

fn not_placed(r: &LoadedResult) -> Option<String> {
    let rec = &r.record;
    let answers = rec.answers.as_ref()?;
    if rec.quality.passes != Some(true) {
        return Some(format!("fails its gate (accuracy {:.3}): not ranked on efficiency", answers.score.accuracy));
    }
    if !rec.verdict.valid {
        let rules: Vec<&str> = rec.verdict.failed_rules.iter().map(|f| f.rule.as_str()).collect();
        return Some(format!("INVALID ({})", rules.join(", ")));
    }
    match (answers.energy_method, answers.j_per_correct_answer) {
        (EnergyMethod::Scripted, _) => Some("scripted energy (test mode): not placed".into()),
        (EnergyMethod::Unmeasured, _) | (_, None) => Some("J per correct answer unmeasured: not placed".into()),
        _ => None,
    }
}

/// The frontier of every question set found in `results`.
pub fn qa_frontiers(results: &[LoadedResult]) -> Vec<QaFrontier> {
    let mut sets: Vec<(String, usize)> = results
        .iter()
        .filter_map(|r| r.record.answers.as_ref().map(|a| (a.question_set_sha256.clone(), a.score.questions)))
        .collect();
    sets.sort();
    sets.dedup();
    sets.into_iter()
        .map(|(sha, questions)| {
            let group: Vec<&LoadedResult> = results
                .iter()
                .filter(|r| r.record.answers.as_ref().is_some_and(|a| a.question_set_sha256 == sha))
                .collect();
            frontier_of(sha, questions, &group)
        })
        .collect()
}

fn frontier_of(sha: String, questions: usize, group: &[&LoadedResult]) -> QaFrontier {
    let mut runs: Vec<QaRun> = Vec::new();
    for r in group {
        let Some(a) = r.record.answers.as_ref() else { continue };
        runs.push(QaRun {
            label: label(r),
            file: r.path.display().to_string(),
            accuracy: a.score.accuracy,
            accuracy_ci95: a.score.accuracy_ci95,
            passes_gate: r.record.quality.passes,
            j_per_correct_answer: a.j_per_correct_answer,
            j_per_correct_answer_ci95: a.j_per_correct_answer_ci95,
            standing: match not_placed(r) {
                Some(reason) => QaStanding::NotPlaced { reason },
                None => QaStanding::Dominated,
            },
        });
    }
    let placed: Vec<usize> =
        (0..runs.len()).filter(|&i| !matches!(runs[i].standing, QaStanding::NotPlaced { .. })).collect();
    let points: Vec<(f64, f64)> =
        placed.iter().map(|&i| (runs[i].accuracy, runs[i].j_per_correct_answer.unwrap_or(f64::INFINITY))).collect();
    let front: Vec<usize> = pareto_front(&points).into_iter().map(|k| placed[k]).collect();
    let j_interval = |run: &QaRun| {
        let j = run.j_per_correct_answer.unwrap_or(f64::INFINITY);
        run.j_per_correct_answer_ci95.unwrap_or([j, j])
    };
    for &i in &placed {
        if front.contains(&i) {
            runs[i].standing = QaStanding::Frontier;
            continue;
        }
        let tie = front.iter().find(|&&f| {
            intervals_overlap(runs[f].accuracy_ci95, runs[i].accuracy_ci95)
                && intervals_overlap(j_interval(&runs[f]), j_interval(&runs[i]))
        });
        if let Some(&f) = tie {
            runs[i].standing = QaStanding::Tied { with: runs[f].label.clone() };
        }
    }
    // The cheapest passing run, and every run whose interval overlaps its.
    let cheapest = placed.iter().copied().min_by(|&a, &b| {
        let (ja, jb) = (
            runs[a].j_per_correct_answer.unwrap_or(f64::INFINITY),
            runs[b].j_per_correct_answer.unwrap_or(f64::INFINITY),
        );
        ja.total_cmp(&jb)
    });
    let least_energy = match cheapest {
        None => Vec::new(),
        Some(c) => placed
            .iter()
            .filter(|&&i| i == c || intervals_overlap(j_interval(&runs[c]), j_interval(&runs[i])))
            .map(|&i| runs[i].label.clone())
            .collect(),
    };
    runs.sort_by(|a, b| {
        let key = |r: &QaRun| {
            (matches!(r.standing, QaStanding::NotPlaced { .. }), r.j_per_correct_answer.unwrap_or(f64::INFINITY))
        };
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
    });
    QaFrontier { question_set_sha256: sha, questions, runs, least_energy }
}
