//! Result strings from another lab may be hostile: every output format of
//! `rank` and `compare` must survive them (no panic) and escape them.

use std::path::{Path, PathBuf};

use super::tests::{render_junit, render_markdown, render_rankings, render_table};
use super::Format;
use crate::analysis::*;
use crate::energy::EnergyMethod;

fn run(device: &str, workload: &str, throughput: f64) -> LoadedResult {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/results/scripted/01-load-forecast-offline-cpu-f32-b4.json");
    let mut r = load_file(&path).unwrap();
    r.path = PathBuf::from("x.json");
    let rec = &mut r.record;
    rec.verdict.valid = true;
    rec.verdict.failed_rules.clear();
    rec.quality.passes = Some(true);
    rec.energy.method = EnergyMethod::NvmlCounter;
    rec.energy.j_per_inference = Some(3.0e-3);
    rec.energy.j_per_inference_ci95 = Some([2.9e-3, 3.1e-3]);
    rec.throughput_per_s = throughput;
    rec.throughput_ci95_per_s = Some([throughput * 0.99, throughput * 1.01]);
    rec.provenance.device.name = device.into();
    rec.workload = workload.into();
    r
}

#[test]
fn a_device_name_of_65530_characters_renders_in_every_format() {
    let long = "g".repeat(65_530);
    let rankings = rank(&[run(&long, "load-forecast", 100.0)], RankBy::Throughput);
    for format in [Format::Table, Format::Markdown, Format::Csv, Format::Json] {
        let out = render_rankings(&rankings, format).unwrap();
        assert!(out.contains(&long), "{format:?}");
    }
}

#[test]
fn a_workload_name_of_70000_characters_compares() {
    let long = "w".repeat(70_000);
    let report = compare(&[run("a", &long, 100.0)], &[run("a", &long, 100.0)], 0.05);
    assert!(render_table(&report).contains(&long));
    assert!(render_markdown(&report).contains(&long));
    assert!(render_junit(&report).contains(&long));
}

#[test]
fn markdown_neutralises_raw_html_and_newlines_in_names() {
    let rankings = rank(&[run("<script>alert(1)</script>\n| x |", "load-forecast", 100.0)], RankBy::Throughput);
    let md = render_rankings(&rankings, Format::Markdown).unwrap();
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains("&lt;script&gt;"), "{md}");
    // The table has its header, its rule and one row: the newline did not add one.
    let rows = md.lines().filter(|l| l.starts_with('|')).count();
    assert_eq!(rows, 3, "{md}");

    let evil = "<b>w</b>\nx";
    let report = compare(&[run("a", evil, 100.0)], &[run("a", evil, 100.0)], 0.05);
    let md = render_markdown(&report);
    assert!(!md.contains("<b>") && md.contains("&lt;b&gt;"), "{md}");
}

#[test]
fn csv_neutralises_a_leading_formula() {
    let rankings = rank(&[run("=HYPERLINK(\"http://evil\",\"x\")", "load-forecast", 100.0)], RankBy::Throughput);
    let csv = render_rankings(&rankings, Format::Csv).unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(row.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\") (cpu)\""), "{row}");
    assert!(!row.split(',').any(|f| f.starts_with('=')), "{row}");
}

#[test]
fn junit_stays_well_formed_with_control_characters_and_markup() {
    let evil = "w\u{0}\u{1b}[31m<&>\"'";
    let mut worse = run("a", evil, 100.0);
    worse.record.energy.j_per_inference = Some(9.0e-3);
    worse.record.energy.j_per_inference_ci95 = Some([8.9e-3, 9.1e-3]);
    let report = compare(&[run("a", evil, 100.0)], &[worse], 0.05);
    let xml = render_junit(&report);
    assert!(!xml.chars().any(|c| c.is_control() && c != '\n'), "{xml:?}");
    assert!(xml.contains("name=\"w\u{FFFD}\u{FFFD}[31m&lt;&amp;&gt;&quot;&apos;\""), "{xml}");
}

#[test]
fn terminal_output_strips_ansi_sequences_from_result_strings() {
    let rankings = rank(&[run("gpu\u{1b}[2J\u{1b}]0;pwned\u{7}", "load-forecast", 100.0)], RankBy::Throughput);
    let table = render_rankings(&rankings, Format::Table).unwrap();
    assert!(!table.contains('\u{1b}') && !table.contains('\u{7}'), "{table:?}");
    let report = compare(&[run("a", "w\u{1b}[31m", 100.0)], &[run("a", "w\u{1b}[31m", 100.0)], 0.05);
    assert!(!render_table(&report).contains('\u{1b}'));
}

#[test]
fn a_question_set_hash_from_a_file_is_escaped_in_its_title() {
    use super::{Exporter, Markdown, Text};
    let hostile = QaFrontier {
        question_set_sha256: "<img src=x>\u{1b}\u{7}".into(),
        questions: 3,
        runs: Vec::new(),
        least_energy: Vec::new(),
    };
    let text = Text.export(std::slice::from_ref(&hostile)).unwrap();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    let md = Markdown.export(std::slice::from_ref(&hostile)).unwrap();
    assert!(!md.contains("<img"), "{md}");
}
