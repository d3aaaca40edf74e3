//! A comparison as a terminal table, a Markdown summary for a CI job, and
//! JUnit XML (one test case per workload).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Change, CompareReport};
use crate::escape;
use crate::table::Table;

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

fn rows(report: &CompareReport) -> Table {
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
fn unmatched(report: &CompareReport, out: &mut String, bullet: &str, esc: fn(&str) -> String) {
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

/// The comparison as aligned text.
pub fn render_table(report: &CompareReport) -> String {
    let mut out = rows(report).render();
    unmatched(report, &mut out, "  ", escape::terminal);
    out
}

/// The comparison as a Markdown summary.
pub fn render_markdown(report: &CompareReport) -> String {
    let verdict = if report.regressed() { "Regression" } else { "No regression" };
    let mut out = format!(
        "## wattbench compare: {verdict}\n\nAllowed worsening {:.1}%, counted only beyond the noise (disjoint 95% intervals).\n\n",
        report.max_regression * 100.0
    );
    out.push_str(&rows(report).render_markdown());
    out.push('\n');
    unmatched(report, &mut out, "- ", escape::markdown);
    out
}

/// JUnit XML: one test case per workload, failing when any of its
/// configurations regressed.
pub fn render_junit(report: &CompareReport) -> String {
    let mut by_workload: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for m in &report.matched {
        let failures = by_workload.entry(m.key.workload.as_str()).or_default();
        for c in m.changes.iter().filter(|c| c.regression) {
            failures.push(format!(
                "{}: {} {:.4} -> {:.4} ({:.1}% worse)",
                m.key,
                c.metric,
                c.baseline,
                c.new,
                c.worse_frac * 100.0
            ));
        }
    }
    let failed = by_workload.values().filter(|f| !f.is_empty()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ =
        writeln!(out, "<testsuites name=\"wattbench compare\" tests=\"{}\" failures=\"{failed}\">", by_workload.len());
    let _ =
        writeln!(out, "  <testsuite name=\"wattbench compare\" tests=\"{}\" failures=\"{failed}\">", by_workload.len());
    for (workload, failures) in &by_workload {
        let _ = write!(out, "    <testcase classname=\"wattbench\" name=\"{}\"", escape::xml(workload));
        if failures.is_empty() {
            out.push_str("/>\n");
        } else {
            let message = format!("{} regression(s) beyond noise", failures.len());
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                escape::xml(&message),
                escape::xml(&failures.join("\n"))
            );
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
