//! Every format on the committed fixture results: leaderboards, comparisons
//! and question-set frontiers (the typed views of `crate::analysis`).

use super::{Exporter, Format, Junit, Markdown, Text};
use crate::analysis::qa_frontier_tests::question_set_runs;
use crate::analysis::tests::run;
use crate::analysis::*;

/// The leaderboards in `format`.
pub(super) fn render_rankings(rankings: &[Ranking], format: Format) -> Result<String, super::ExportError> {
    format.rankings().export(rankings)
}

/// A comparison as terminal text.
pub(super) fn render_table(report: &CompareReport) -> String {
    Text.export(report).unwrap()
}

/// A comparison as Markdown.
pub(super) fn render_markdown(report: &CompareReport) -> String {
    Markdown.export(report).unwrap()
}

/// A comparison as JUnit XML.
pub(super) fn render_junit(report: &CompareReport) -> String {
    Junit.export(report).unwrap()
}

/// Question-set frontiers as terminal text, or Markdown.
fn render_qa(frontiers: &[QaFrontier], markdown: bool) -> String {
    let format = if markdown { Format::Markdown } else { Format::Table };
    format.question_sets().unwrap().export(frontiers).unwrap()
}

#[test]
fn every_format_renders_the_same_rankings() {
    let runs = vec![run("a", 3.0e-3, [2.9e-3, 3.1e-3], 100.0), run("b", 3.05e-3, [2.95e-3, 3.15e-3], 90.0)];
    let rankings = rank(&runs, RankBy::Energy);
    let table = render_rankings(&rankings, Format::Table).unwrap();
    assert!(table.contains("=1"), "a tie is shown as a tie: {table}");
    let md = render_rankings(&rankings, Format::Markdown).unwrap();
    assert!(md.starts_with("### load-forecast / offline by inferences/J") && md.contains("| =1 |"), "{md}");
    let csv = render_rankings(&rankings, Format::Csv).unwrap();
    assert_eq!(csv.lines().count(), 3);
    let json: serde_json::Value = serde_json::from_str(&render_rankings(&rankings, Format::Json).unwrap()).unwrap();
    assert_eq!(json[0]["ranked"][1]["tied"], true);
}

#[test]
fn a_regression_beyond_noise_fails_and_one_within_noise_does_not() {
    let base = vec![run("base", 3.0e-3, [2.9e-3, 3.1e-3], 100.0)];
    // 20% more energy per inference, intervals disjoint: a regression.
    let worse = vec![run("new", 3.6e-3, [3.5e-3, 3.7e-3], 100.0)];
    let report = compare(&base, &worse, 0.05);
    assert!(report.regressed());
    let energy = report.matched[0].changes.iter().find(|c| c.metric == "j_per_inference").unwrap();
    assert!((energy.worse_frac - 0.2).abs() < 1e-9 && energy.beyond_noise && energy.regression);
    let junit = render_junit(&report);
    assert!(
        junit.contains("failures=\"1\"") && junit.contains("<failure message=\"1 regression(s) beyond noise\">"),
        "{junit}"
    );
    assert!(render_markdown(&report).starts_with("## wattbench compare: Regression"));

    // 8% worse, but the intervals overlap: noise, not a regression.
    let noisy = vec![run("new", 3.24e-3, [2.9e-3, 3.6e-3], 100.0)];
    let report = compare(&base, &noisy, 0.05);
    assert!(!report.regressed(), "{report:?}");
    assert!(render_junit(&report).contains("failures=\"0\""));
}

#[test]
fn question_set_frontiers_render_as_text_and_markdown() {
    let frontiers = qa_frontiers(&question_set_runs());
    let text = render_qa(&frontiers, false);
    assert!(text.contains("frontier") && text.contains("unmeasured") && text.contains("fails its gate"), "{text}");
    assert!(render_qa(&frontiers, true).contains("### energy-qa question set set1"));
    assert!(Format::Csv.question_sets().is_none() && Format::Json.question_sets().is_none());
}
