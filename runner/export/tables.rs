//! The tables that the text formats share (the terminal and Markdown): the
//! cells are built once here, each format frames and escapes them.

use std::fmt::Write;

use crate::analysis::{Change, CompareReport, QaFrontier, QaStanding, RankBy, Ranking};
use crate::table::Table;

fn number(v: f64, by: RankBy) -> String {
    match by {
        RankBy::Energy => format!("{v:.4}"),
        RankBy::Throughput => format!("{v:.1}"),
        RankBy::P99 => format!("{v:.3}"),
    }
}

fn interval(i: Option<[f64; 2]>, by: RankBy) -> String {
    i.map(|[lo, hi]| format!("[{}, {}]", number(lo, by), number(hi, by))).unwrap_or_else(|| "-".into())
}

fn rank_cell(rank: usize, tied: bool) -> String {
    if tied {
        format!("={rank}")
    } else {
        rank.to_string()
    }
}

/// The heading of one leaderboard (unescaped).
pub fn ranking_title(r: &Ranking) -> String {
    format!("{} / {} by {} ({} ranked, {} excluded)", r.workload, r.scenario, r.by, r.ranked.len(), r.excluded.len())
}

/// The ranked runs of one leaderboard.
pub fn ranking_table(r: &Ranking) -> Table {
    let mut t = Table::new(&["rank", &r.by.to_string(), "95% interval", "device", "backend", "batch"]);
    for run in &r.ranked {
        t.row(vec![
            rank_cell(run.rank, run.tied),
            number(run.value, r.by),
            interval(run.interval, r.by),
            run.device.clone(),
            run.backend.clone(),
            run.batch_size.to_string(),
        ]);
    }
    t
}

fn ci(c: Option<[f64; 2]>) -> String {
    c.map(|[lo, hi]| format!(" [{lo:.4}, {hi:.4}]")).unwrap_or_default()
}

fn status(c: &Change) -> &'static str {
    match (c.regression, c.worse_frac > 0.0, c.beyond_noise) {
        (true, _, _) => "REGRESSION",
        (false, true, false) => "worse, within noise",
        (false, true, true) => "worse, within allowance",
        (false, false, true) if c.worse_frac < 0.0 => "better",
        _ => "same within noise",
    }
}

/// Every compared figure of every configuration in both sets.
pub fn comparison_table(report: &CompareReport) -> Table {
    let mut t = Table::new(&["configuration", "metric", "baseline", "new", "change", "status"]);
    for m in &report.matched {
        for c in &m.changes {
            t.row(vec![
                m.key.to_string(),
                c.metric.clone(),
                format!("{:.4}{}", c.baseline, ci(c.baseline_ci95)),
                format!("{:.4}{}", c.new, ci(c.new_ci95)),
                format!("{:+.1}% worse", c.worse_frac * 100.0).replace("+-", "-").replace("-0.0% worse", "0.0% worse"),
                status(c).into(),
            ]);
        }
    }
    t
}

/// The configurations not compared, one line each, every string passed through `esc`.
pub fn unmatched(report: &CompareReport, out: &mut String, bullet: &str, esc: fn(&str) -> String) {
    for k in &report.only_baseline {
        let _ = writeln!(out, "{bullet}only in the baseline: {}", esc(&k.to_string()));
    }
    for k in &report.only_new {
        let _ = writeln!(out, "{bullet}only in the new results: {}", esc(&k.to_string()));
    }
    for m in &report.matched {
        for s in &m.skipped {
            let _ = writeln!(out, "{bullet}{}: not compared: {}", esc(&m.key.to_string()), esc(s));
        }
    }
}

fn standing_text(s: &QaStanding) -> String {
    match s {
        QaStanding::Frontier => "frontier".into(),
        QaStanding::Tied { with } => format!("tied with {with}"),
        QaStanding::Dominated => "dominated".into(),
        QaStanding::NotPlaced { reason } => format!("not placed: {reason}"),
    }
}

/// The heading of one question set's frontier (unescaped).
pub fn question_set_title(f: &QaFrontier) -> String {
    let short = f.question_set_sha256.get(..12).unwrap_or(&f.question_set_sha256);
    format!("energy-qa question set {short} ({} questions): accuracy vs J per correct answer", f.questions)
}

/// Every run of one question set.
pub fn question_set_table(f: &QaFrontier) -> Table {
    let mut t = Table::new(&["accuracy", "95% interval", "J/correct answer", "95% interval", "standing", "run"]);
    for r in &f.runs {
        let [lo, hi] = r.accuracy_ci95;
        t.row(vec![
            format!("{:.3}", r.accuracy),
            format!("[{lo:.3}, {hi:.3}]"),
            r.j_per_correct_answer.map_or("unmeasured".into(), |j| format!("{j:.4}")),
            r.j_per_correct_answer_ci95.map_or("-".into(), |[a, b]| format!("[{a:.4}, {b:.4}]")),
            standing_text(&r.standing),
            format!("{} ({})", r.label, r.file),
        ]);
    }
    t
}

/// The passing runs with the least energy per correct answer (unescaped).
pub fn least_energy(f: &QaFrontier) -> String {
    if f.least_energy.is_empty() {
        "no run passes the gate with measured energy".to_string()
    } else {
        f.least_energy.join("; ")
    }
}
