//! Rankings, comparisons and merges on the committed fixture results.

use std::path::{Path, PathBuf};

use super::*;
use crate::energy::EnergyMethod;

pub(crate) fn fixture(name: &str) -> LoadedResult {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results").join(name);
    load_file(&path).unwrap()
}

/// A VALID, quality-passing run of the scripted offline fixture with the given
/// J/inference and interval, throughput and device name.
pub(crate) fn run(file: &str, j: f64, ci: [f64; 2], throughput: f64) -> LoadedResult {
    let mut r = fixture("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    r.path = PathBuf::from(file);
    let rec = &mut r.record;
    rec.verdict.valid = true;
    rec.verdict.failed_rules.clear();
    rec.quality.passes = Some(true);
    rec.energy.method = EnergyMethod::NvmlCounter;
    rec.energy.j_per_inference = Some(j);
    rec.energy.j_per_inference_ci95 = Some(ci);
    rec.throughput_per_s = throughput;
    rec.throughput_ci95_per_s = Some([throughput * 0.99, throughput * 1.01]);
    rec.provenance.device.name = file.into();
    r
}

#[test]
fn overlapping_intervals_tie_and_disjoint_ones_do_not() {
    let runs = vec![
        run("c", 4.0e-3, [3.9e-3, 4.1e-3], 100.0),
        run("a", 3.0e-3, [2.9e-3, 3.1e-3], 100.0),
        run("b", 3.05e-3, [2.95e-3, 3.15e-3], 100.0),
    ];
    let r = &rank(&runs, RankBy::Energy)[0];
    let order: Vec<(&str, usize, bool)> = r.ranked.iter().map(|x| (x.file.as_str(), x.rank, x.tied)).collect();
    assert_eq!(order, [("a", 1, false), ("b", 1, true), ("c", 3, false)]);
    assert!((r.ranked[0].value - 1.0 / 3.0e-3).abs() < 1e-9, "inferences per joule");
}

#[test]
fn failing_gate_invalid_and_unmeasured_runs_are_excluded_with_reasons() {
    let mut failing = run("failing", 1.0e-3, [0.9e-3, 1.1e-3], 100.0);
    failing.record.quality.passes = Some(false);
    let mut invalid = run("invalid", 1.0e-3, [0.9e-3, 1.1e-3], 100.0);
    invalid.record.verdict.valid = false;
    invalid.record.verdict.failed_rules =
        fixture("scripted/02-load-forecast-server-cpu-f32-b4.json").record.verdict.failed_rules;
    let mut unmeasured = run("unmeasured", 1.0e-3, [0.9e-3, 1.1e-3], 500.0);
    unmeasured.record.energy.method = EnergyMethod::Unmeasured;
    unmeasured.record.energy.j_per_inference = None;
    let runs = vec![failing, invalid, unmeasured, run("ok", 3.0e-3, [2.9e-3, 3.1e-3], 100.0)];

    let by_energy = &rank(&runs, RankBy::Energy)[0];
    assert_eq!(by_energy.ranked.iter().map(|r| r.file.as_str()).collect::<Vec<_>>(), ["ok"]);
    let reasons: Vec<(&str, &str)> = by_energy.excluded.iter().map(|e| (e.file.as_str(), e.reason.as_str())).collect();
    assert!(reasons[0].0 == "failing" && reasons[0].1.starts_with("fails its quality gate"), "{reasons:?}");
    assert!(reasons[1].0 == "invalid" && reasons[1].1.starts_with("INVALID ("), "{reasons:?}");
    assert_eq!(reasons[2], ("unmeasured", "energy unmeasured: not ranked on energy"));

    // On throughput the unmeasured run competes, and wins.
    let by_throughput = &rank(&runs, RankBy::Throughput)[0];
    assert_eq!(by_throughput.ranked[0].file, "unmeasured");
}

#[test]
fn unmatched_configurations_are_listed() {
    let base = vec![fixture("scripted/00-load-forecast-single-stream-cpu-f32-b4.json")];
    let new = vec![fixture("scripted/01-load-forecast-offline-cpu-f32-b4.json")];
    let report = compare(&base, &new, 0.05);
    assert!(report.matched.is_empty());
    assert_eq!(report.only_baseline[0].scenario, "single-stream");
    assert_eq!(report.only_new[0].scenario, "offline");
}

#[test]
fn merging_two_shards_adds_samples_energy_and_histograms_exactly() {
    let a = fixture("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    let mut b = a.clone();
    b.path = PathBuf::from("shard-2.json");
    let merged = merge(&[a.clone(), b]).unwrap();
    assert_eq!(merged.len(), 1);
    let m = &merged[0];
    assert_eq!(m.samples, 2 * a.record.samples);
    assert_eq!(m.latency_ns.count, 2 * a.record.latency_ns.count);
    assert_eq!(m.latency_ns.p50, a.record.latency_ns.p50, "the same distribution twice has the same median");
    let joules = a.record.energy.joules.unwrap();
    assert!((m.energy.joules.unwrap() - 2.0 * joules).abs() < 1e-9);
    assert!((m.energy.j_per_inference.unwrap() - joules / a.record.samples as f64).abs() < 1e-12);
    assert_eq!(m.merged_from.len(), 2);
    assert_eq!(m.trials.len(), 2 * a.record.trials.len());
}

#[test]
fn foreign_malformed_and_old_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let err = load_file(&write("a.json", "{\"hello\": 1}")).unwrap_err().to_string();
    assert!(err.ends_with("a.json: not a wattbench result (no schema_version)"), "{err}");
    let err = load_file(&write("b.json", "{not json")).unwrap_err().to_string();
    assert!(err.contains("b.json: not a wattbench result (invalid JSON"), "{err}");
    let err = load_file(&write("c.json", "{\"schema_version\": 1}")).unwrap_err().to_string();
    assert!(err.contains("c.json: result schema 1, but this wattbench reads schema 2"), "{err}");
    let err = load_results(&[dir.path().join("empty")]).unwrap_err().to_string();
    assert!(err.contains("empty"), "{err}");
}

#[test]
fn not_gated_runs_are_listed_apart_never_ranked() {
    let mut not_gated = run("not-gated", 1.0e-3, [0.9e-3, 1.1e-3], 900.0);
    not_gated.record.quality.passes = None;
    not_gated.record.quality.gate = "not gated: random weights".into();
    let runs = vec![not_gated, run("ok", 3.0e-3, [2.9e-3, 3.1e-3], 100.0)];
    for by in [RankBy::Energy, RankBy::Throughput, RankBy::P99] {
        let r = &rank(&runs, by)[0];
        let ranked: Vec<&str> = r.ranked.iter().map(|x| x.file.as_str()).collect();
        assert!(!ranked.contains(&"not-gated"), "{by:?}: {ranked:?}");
        let e = r.excluded.iter().find(|e| e.file == "not-gated").expect("listed apart");
        assert_eq!(e.reason, "not gated (random weights): only runs that pass their gate are ranked");
    }
}
