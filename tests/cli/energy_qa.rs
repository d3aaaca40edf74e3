//! `wattbench run` of the energy-qa question set on the CPU with the tiny
//! random model: a kept result that fails the gate, accuracy per sector with
//! intervals, J per correct answer null (never estimated); then `rank` and
//! `report` on it.

use super::support::*;

const SUITE: &str = r#"
name = "energy-qa-tiny"
[defaults]
devices = ["cpu"]
warmup_s = 0.2
min_duration_s = 0.5
min_queries = 2
idle_s = 0.0
trials = 1
[[run]]
workload = "energy-qa"
scenarios = ["offline"]
batch_sizes = [4]
params = { model = "tiny", questions = 30, answer_tokens = 4, min_accuracy = 0.6 }
"#;

#[test]
fn energy_qa_run_keeps_a_failing_model_reports_sectors_and_never_estimates_energy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("qa.toml"), SUITE).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "qa.toml", "--results", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = result_files(&dir.path().join("out"));
    assert_eq!(files.len(), 1);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    let q = &doc["quality"];
    assert_eq!((q["metric"].as_str(), q["passes"].as_bool()), (Some("answer_accuracy"), Some(false)));
    // The run is kept; only its gate fails.
    let failed: Vec<&str> =
        doc["verdict"]["failed_rules"].as_array().unwrap().iter().filter_map(|r| r["rule"].as_str()).collect();
    assert_eq!(failed, ["quality_gate"]);
    let a = &doc["answers"];
    assert_eq!(a["questions"].as_u64(), Some(30));
    assert_eq!(a["question_set_sha256"], doc["data"]["sha256"]);
    assert_eq!(a["verdicts"].as_str().unwrap().len(), 30);
    assert_eq!(a["sectors"].as_array().unwrap().len(), 6);
    for s in a["sectors"].as_array().unwrap() {
        let ci = s["accuracy_ci95"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() <= s["accuracy"].as_f64().unwrap());
    }
    if doc["energy"]["method"] == "unmeasured" {
        assert!(a["j_per_correct_answer"].is_null());
        assert_eq!(a["energy_method"], "unmeasured");
    }
    // rank lists it, not ranked on efficiency, with its accuracy.
    let o = wattbench(dir.path(), &["rank", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("accuracy vs J per correct answer") && text.contains("fails its gate"), "{text}");
    let o = wattbench(dir.path(), &["report", "out", "--out", "r.html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(html.contains("<section id=\"qa-frontier\"") && html.contains("fails its gate"));
}
