//! `merge` refusing results that do not belong together, and merging shards of one plan.

use std::path::{Path, PathBuf};

use super::*;

fn fixture(file: &str) -> LoadedResult {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results/scripted").join(file);
    let mut r = load_file(&path).unwrap();
    r.path = PathBuf::from(file);
    r
}

fn offline(name: &str) -> LoadedResult {
    let mut r = fixture("01-load-forecast-offline-cpu-f32-b4.json");
    r.path = PathBuf::from(name);
    r
}

fn refusal(results: &[LoadedResult]) -> Vec<Mismatch> {
    match merge(results) {
        Err(MergeError::Mismatched(list)) => list,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn shards_of_one_plan_merge_without_question() {
    let shards =
        [offline("shard-1.json"), offline("shard-2.json"), fixture("00-load-forecast-single-stream-cpu-f32-b4.json")];
    let merged = merge(&shards).unwrap();
    assert_eq!(merged.len(), 2);
    assert!(merged.iter().any(|m| m.merged_from == ["shard-1.json", "shard-2.json"]));
}

#[test]
fn each_differing_field_is_named_once_in_one_line() {
    type Edit = fn(&mut crate::results::RunRecord);
    let cases: [(&str, Edit); 7] = [
        ("suite", |r| r.suite = "other-suite".into()),
        ("provenance.suite_sha256", |r| r.provenance.suite_sha256 = "ab".repeat(32)),
        ("provenance.data_sha256", |r| r.provenance.data_sha256 = "cd".repeat(32)),
        ("provenance.weights", |r| r.provenance.weights = "ef".repeat(32)),
        ("provenance.wattbench_version", |r| r.provenance.wattbench_version = "0.0.1".into()),
        ("settings.seed", |r| r.settings.seed += 1),
        ("settings.min_duration_s", |r| r.settings.min_duration_s *= 2.0),
    ];
    for (field, edit) in cases {
        let mut other = offline("lab-b.json");
        edit(&mut other.record);
        let list = refusal(&[offline("lab-a.json"), other.clone(), other]);
        assert_eq!(list.len(), 1, "{field}: {list:?}");
        assert_eq!(list[0].field, field);
        let line = list[0].to_string();
        assert!(!line.contains('\n'), "{line}");
        assert!(line.contains("lab-a.json") && line.contains("lab-b.json") && line.contains(field), "{line}");
    }
}

#[test]
fn several_fields_give_several_lines_and_hostile_values_stay_on_one() {
    let mut other = offline("lab-b.json");
    other.record.suite = format!("evil\n\u{1b}[31m{}", "x".repeat(10_000));
    other.record.provenance.data_sha256 = "00".into();
    let list = refusal(&[offline("lab-a.json"), other]);
    let fields: Vec<&str> = list.iter().map(|m| m.field).collect();
    assert_eq!(fields, ["suite", "provenance.data_sha256"]);
    let line = list[0].to_string();
    assert!(!line.contains('\n') && !line.contains('\u{1b}') && line.len() < 400, "{line}");
}

#[test]
fn endpoint_shards_that_metered_the_same_serving_gpus_are_not_added() {
    // A real result of the H200 run: an endpoint whose serving GPU was metered through NVML.
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("results/reference/h200-2026-11-30/results/serving-meter/00-llm-offline-endpoint-f32-b4_.json");
    let shard = |name: &str| {
        let mut r = load_file(&path).unwrap();
        r.path = PathBuf::from(name);
        r
    };
    match merge(&[shard("a.json"), shard("b.json")]) {
        Err(e @ MergeError::SharedMeter { .. }) => {
            let text = e.to_string();
            assert!(text.starts_with("b.json: metered the same serving GPUs") && text.contains("GPU 0"), "{text}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}
