//! The checker on the committed fixtures: every untouched result passes,
//! and an edited throughput, percentile or energy figure is named.

use std::path::Path;

use super::*;
use crate::analysis::load_file;

fn fixture(name: &str) -> RunRecord {
    load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results").join(name)).unwrap().record
}

const FIXTURES: [&str; 5] = [
    "scripted/00-load-forecast-single-stream-cpu-f32-b4.json",
    "scripted/01-load-forecast-offline-cpu-f32-b4.json",
    "scripted/02-load-forecast-server-cpu-f32-b4.json",
    "unmeasured/00-load-forecast-single-stream-cpu-f32-b4.json",
    "unmeasured/01-load-forecast-offline-cpu-f32-b4.json",
];

fn fields(rec: &RunRecord) -> Vec<String> {
    check_record(rec).into_iter().map(|d| d.field).collect()
}

#[test]
fn every_untouched_fixture_passes() {
    for name in FIXTURES {
        assert_eq!(check_record(&fixture(name)), vec![], "{name}");
    }
}

#[test]
fn an_edited_throughput_is_named() {
    let mut rec = fixture("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    rec.throughput_per_s *= 10.0;
    assert!(fields(&rec).contains(&"throughput_per_s".to_string()), "{:?}", check_record(&rec));
    // Editing a trial too (and its window) does not hide it: the trial's own rate is recomputed.
    let mut rec = fixture("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    rec.trials[0].throughput_per_s *= 10.0;
    assert!(fields(&rec).contains(&"trials[0].throughput_per_s".to_string()), "{:?}", check_record(&rec));
}

#[test]
fn an_edited_percentile_is_named() {
    let mut rec = fixture("scripted/00-load-forecast-single-stream-cpu-f32-b4.json");
    rec.latency_ns.p99 /= 2;
    assert_eq!(fields(&rec), ["latency_ns.p99"]);
    let mut rec = fixture("scripted/00-load-forecast-single-stream-cpu-f32-b4.json");
    rec.latency_early_stopping.latency_ns = rec.latency_early_stopping.latency_ns.map(|v| v / 2);
    assert!(fields(&rec).contains(&"latency_early_stopping".to_string()), "{:?}", check_record(&rec));
}

#[test]
fn an_edited_energy_figure_is_named() {
    let mut rec = fixture("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    let j = rec.energy.j_per_inference.unwrap();
    rec.energy.j_per_inference = Some(j / 10.0);
    assert_eq!(fields(&rec), ["energy.j_per_inference"]);
    let mut rec = fixture("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    rec.energy.joules = rec.energy.joules.map(|j| j / 10.0);
    assert!(fields(&rec).contains(&"energy.joules".to_string()), "{:?}", check_record(&rec));
}

#[test]
fn an_edited_verdict_or_gate_is_named() {
    let mut rec = fixture("scripted/02-load-forecast-server-cpu-f32-b4.json");
    rec.verdict.valid = true;
    rec.verdict.failed_rules.clear();
    assert!(fields(&rec).contains(&"verdict.failed_rules".to_string()), "{:?}", check_record(&rec));
    let mut rec = fixture("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    rec.quality.passes = Some(true);
    assert!(fields(&rec).contains(&"quality.passes".to_string()), "{:?}", check_record(&rec));
    // A gate no reference card sets.
    let mut rec = fixture("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    rec.workload = "dispatch-proxy".into();
    rec.quality.gate_data_sha256 = Some(rec.data.sha256.clone());
    assert!(fields(&rec).contains(&"quality.threshold".to_string()), "{:?}", check_record(&rec));
}

#[test]
fn the_summary_is_one_line_naming_the_fields() {
    let mut rec = fixture("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    rec.throughput_per_s *= 10.0;
    rec.latency_ns.p50 += 1;
    let s = summary(&check_record(&rec));
    assert!(s.contains("throughput_per_s is") && s.contains("latency_ns.p50 is") && !s.contains('\n'), "{s}");
}

#[test]
fn a_schema_2_fixture_reads_with_its_engine_inferred_and_a_false_engine_is_named() {
    let rec = fixture("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    assert_eq!((rec.schema_version, rec.engine.as_str()), (2, "burn"), "read, engine inferred from the backend");
    // The same run as schema 3 checks, and with a false engine does not.
    let mut v3 = rec.clone();
    v3.schema_version = 3;
    assert_eq!(check_record(&v3), vec![]);
    for (engine, why) in
        [("fused-cpu", "the backend is flex"), ("openai", "no endpoint section"), ("tensorrt", "unknown")]
    {
        let mut edited = v3.clone();
        edited.engine = engine.into();
        assert!(fields(&edited).contains(&"engine".to_string()), "{engine} ({why}): {:?}", check_record(&edited));
    }
    let mut wrong_task = v3.clone();
    (wrong_task.engine, wrong_task.backend, wrong_task.workload) =
        ("fused-cuda".into(), "fused-cuda".into(), "nilm".into());
    let found = check_record(&wrong_task);
    assert!(found.iter().any(|d| d.field == "engine" && d.recomputed.contains("executes task nilm")), "{found:?}");
}
