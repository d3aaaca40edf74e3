//! The question-set section: accuracy against joules per correct answer for
//! every question set in the report, with error bars on both axes, the
//! Pareto frontier, the runs tied with it, and every run not placed (fails
//! its gate, INVALID, energy unmeasured) listed with its accuracy.

use std::path::PathBuf;

use crate::analysis::{qa_frontiers, LoadedResult, QaFrontier, QaStanding};
use crate::report::svg::{esc, nice_ticks, Chart};
use crate::report::Run;

/// The runs that carry an answers section (others are skipped).
fn loaded(runs: &[Run]) -> Vec<LoadedResult> {
    runs.iter()
        .filter(|r| r.record.answers.is_some())
        .map(|r| LoadedResult { path: PathBuf::from(r.source), record: r.record.clone() })
        .collect()
}

/// Whether any run carries an answers section.
pub fn has_answers(runs: &[Run]) -> bool {
    !loaded(runs).is_empty()
}

fn plot(f: &QaFrontier) -> Option<String> {
    let placed: Vec<_> = f.runs.iter().filter(|r| !matches!(r.standing, QaStanding::NotPlaced { .. })).collect();
    if placed.is_empty() {
        return None;
    }
    let ys: Vec<f64> = placed
        .iter()
        .flat_map(|r| {
            let j = r.j_per_correct_answer.unwrap_or(0.0);
            let [lo, hi] = r.j_per_correct_answer_ci95.unwrap_or([j, j]);
            [lo, hi, j]
        })
        .collect();
    let (ylo, yhi) = ys.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let pad = ((yhi - ylo) * 0.1).max(yhi.abs() * 0.05).max(1e-9);
    let (w, bottom) = (760.0, 330.0);
    let mut c = Chart::new(
        w,
        bottom + 66.0,
        (80.0, 16.0, w - 24.0, bottom),
        (nice_ticks(0.0, 1.0, 6), false),
        (nice_ticks((ylo - pad).max(0.0), yhi + pad, 6), false),
    );
    c.axes("accuracy (share of questions answered correctly)", "energy (J per correct answer)");
    let mut front: Vec<(f64, f64)> = placed
        .iter()
        .filter(|r| r.standing == QaStanding::Frontier)
        .map(|r| (r.accuracy, r.j_per_correct_answer.unwrap_or(0.0)))
        .collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0));
    c.polyline(&front, "#222", 1.6, false);
    for (i, r) in placed.iter().enumerate() {
        let col = crate::report::svg::PALETTE[i % crate::report::svg::PALETTE.len()];
        let j = r.j_per_correct_answer.unwrap_or(0.0);
        let (x, y) = (c.x.map(r.accuracy), c.y.map(j));
        let [alo, ahi] = r.accuracy_ci95;
        c.line_px((c.x.map(alo), y), (c.x.map(ahi), y), col, false);
        if let Some([lo, hi]) = r.j_per_correct_answer_ci95 {
            c.line_px((x, c.y.map(lo)), (x, c.y.map(hi)), col, false);
        }
        if r.standing == QaStanding::Frontier {
            c.raw(&format!(
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"8\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.2\"/>"
            ));
        }
        c.raw(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4.5\" fill=\"{col}\" data-run=\"{}\"/>",
            esc(&r.label)
        ));
        c.text(x + 8.0, y - 8.0, &r.label, "start", "label");
    }
    c.text(
        84.0,
        bottom + 58.0,
        "ringed: Pareto frontier (no other passing run is both more accurate and cheaper per correct answer)",
        "start",
        "legend",
    );
    Some(c.finish("accuracy against J per correct answer"))
}

fn standing(s: &QaStanding) -> String {
    match s {
        QaStanding::Frontier => "frontier".into(),
        QaStanding::Tied { with } => format!("tied with {with}"),
        QaStanding::Dominated => "dominated".into(),
        QaStanding::NotPlaced { reason } => format!("not placed: {reason}"),
    }
}

/// HTML of the section: one plot and one table per question set.
pub fn section(runs: &[Run]) -> String {
    let mut html = String::new();
    for f in qa_frontiers(&loaded(runs)) {
        let short = f.question_set_sha256.get(..12).unwrap_or(&f.question_set_sha256);
        html.push_str(&format!("<h3>question set {} ({} questions)</h3>\n", esc(short), f.questions));
        match plot(&f) {
            Some(svg) => html.push_str(&svg),
            None => {
                html.push_str("<p class=\"notice\">no run passes the gate with measured energy: nothing to plot</p>\n")
            }
        }
        html.push_str(
            "<table><tr><th>run</th><th>accuracy [95%]</th><th>J per correct answer [95%]</th><th>standing</th></tr>\n",
        );
        for r in &f.runs {
            let [lo, hi] = r.accuracy_ci95;
            let j = match (r.j_per_correct_answer, r.j_per_correct_answer_ci95) {
                (Some(j), Some([a, b])) => format!("{j:.4} [{a:.4}, {b:.4}]"),
                (Some(j), None) => format!("{j:.4}"),
                (None, _) => "unmeasured".into(),
            };
            html.push_str(&format!(
                "<tr><td>{}</td><td>{:.3} [{lo:.3}, {hi:.3}]</td><td>{}</td><td>{}</td></tr>\n",
                esc(&r.label),
                r.accuracy,
                esc(&j),
                esc(&standing(&r.standing))
            ));
        }
        html.push_str("</table>\n");
        let least = if f.least_energy.is_empty() {
            "no run passes the gate with measured energy".to_string()
        } else {
            f.least_energy.join("; ")
        };
        html.push_str(&format!("<p>Least energy per correct answer among passing runs: {}</p>\n", esc(&least)));
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::load_file;
    use crate::energy::EnergyMethod;
    use crate::results::AnswersRecord;
    use wattbench_workloads::energy_qa::{score, QaSpec};

    /// The fixture run given the answers of an oracle that is right on every `every`-th question.
    fn doc(every: usize, measured: bool) -> crate::results::RunRecord {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/results/scripted/01-load-forecast-offline-cpu-f32-b4.json");
        let mut rec = load_file(&path).unwrap().record;
        let spec = QaSpec { questions: 60, ..QaSpec::default() };
        let set = spec.questions().unwrap();
        let answers: Vec<String> = set
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| if i % every == 0 { q.key.answer_line() } else { "Answer: ?".into() })
            .collect();
        let s = score(&set.questions, &answers, 600, 1).unwrap();
        rec.quality = spec.quality(&s);
        rec.verdict.valid = rec.quality.passes == Some(true);
        rec.verdict.failed_rules.clear();
        rec.energy.method = if measured { EnergyMethod::NvmlCounter } else { EnergyMethod::Unmeasured };
        rec.energy.j_per_inference = measured.then_some(2.0);
        rec.energy.j_per_inference_ci95 = measured.then_some([1.9, 2.1]);
        rec.answers = Some(AnswersRecord::new(s, &set.sha256, &rec.energy));
        rec
    }

    #[test]
    fn qa_section_plots_passing_measured_runs_and_lists_the_others() {
        let (oracle, random, cpu) = (doc(1, true), doc(20, true), doc(1, false));
        let runs =
            [Run::new("oracle.json", &oracle, 0), Run::new("random.json", &random, 1), Run::new("cpu.json", &cpu, 2)];
        assert!(has_answers(&runs));
        let html = section(&runs);
        let svg_end = html.find("</svg>").unwrap();
        assert_eq!(html[..svg_end].matches("data-run=").count(), 1, "only the passing measured run is placed");
        assert!(html.contains("frontier") && html.contains("fails its gate") && html.contains("unmeasured"), "{html}");
        assert!(html.contains("1.000 [1.000, 1.000]"));
        let plain = load_file(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/results/scripted/01-load-forecast-offline-cpu-f32-b4.json"),
        )
        .unwrap()
        .record;
        assert!(!has_answers(&[Run::new("p", &plain, 0)]));
    }
}
