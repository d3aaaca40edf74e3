//! The energy-qa question set asked of an endpoint: the in-test server
//! answers from a table of prompts, so that a model that knows every key
//! passes the gate and one that always answers "A" fails it, each scored
//! exactly as the in-process decoder is.

use std::collections::HashMap;
use std::sync::Arc;

use wattbench_workloads::energy_qa::QaSpec;

use super::openai_server::{start, Behaviour, MODEL};
use super::support::*;

const QUESTIONS: usize = 24;

fn suite(base_url: &str) -> String {
    format!(
        r#"name = "endpoint-qa"
[defaults]
devices = ["cpu"]
warmup_s = 0.1
min_duration_s = 0.3
min_queries = 8
idle_s = 0.0
trials = 1
[[run]]
task = "energy-qa"
engine = "openai"
scenarios = ["offline"]
batch_sizes = [4]
params = {{ base_url = "{base_url}", model = "{MODEL}", timeout_s = 5.0, output_tokens = {{ kind = "fixed", tokens = 64 }}, questions = {QUESTIONS}, min_accuracy = 0.9 }}
"#
    )
}

/// The server's answers: each question's key line, or a fixed guess.
fn answers(right: bool) -> Arc<HashMap<String, String>> {
    let set = QaSpec { questions: QUESTIONS, ..QaSpec::default() }.questions().unwrap();
    Arc::new(
        set.questions
            .iter()
            .map(|q| {
                let text = if right { format!("Working it out. {}", q.key.answer_line()) } else { "Answer: A".into() };
                (q.prompt(), text)
            })
            .collect(),
    )
}

fn run(right: bool) -> (serde_json::Value, tempfile::TempDir) {
    let server = start(Behaviour { answers: Some(answers(right)), ..Default::default() }, 10_000);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), suite(&server.base_url())).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--results", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = result_files(&dir.path().join("out"));
    assert_eq!(files.len(), 1, "{}", stderr(&o));
    (serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap(), dir)
}

#[test]
fn a_served_model_that_knows_the_keys_passes_and_one_that_guesses_fails() {
    let (doc, dir) = run(true);
    assert_eq!((doc["workload"].as_str(), doc["engine"].as_str()), (Some("energy-qa"), Some("openai")));
    let q = &doc["quality"];
    assert_eq!(
        (q["metric"].as_str(), q["value"].as_f64(), q["passes"].as_bool()),
        (Some("answer_accuracy"), Some(1.0), Some(true))
    );
    assert_eq!(doc["verdict"]["valid"], true, "{}", doc["verdict"]);
    let a = &doc["answers"];
    assert_eq!(
        (a["questions"].as_u64(), a["correct"].as_u64()),
        (Some(QUESTIONS as u64), Some(QUESTIONS as u64)),
        "{a}"
    );
    // The data card names the question set exactly as the in-process engine does.
    let set = QaSpec { questions: QUESTIONS, ..QaSpec::default() }.questions().unwrap();
    assert_eq!(doc["data"]["sha256"], set.sha256);
    // Energy is unmeasured without a serving-GPU meter, and so is J per correct answer.
    assert_eq!(doc["energy"]["method"], "unmeasured");
    assert!(a["j_per_correct_answer"].is_null(), "{a}");
    let c = std::process::Command::new(bin()).args(["check", "out"]).current_dir(dir.path()).output().unwrap();
    assert!(c.status.success(), "{}{}", stdout(&c), stderr(&c));

    let (doc, _dir) = run(false);
    let q = &doc["quality"];
    assert_eq!(q["passes"].as_bool(), Some(false), "{q}");
    assert!(q["value"].as_f64().unwrap() < 0.9, "{q}");
    let failed: Vec<&str> =
        doc["verdict"]["failed_rules"].as_array().unwrap().iter().filter_map(|r| r["rule"].as_str()).collect();
    assert_eq!(failed, ["quality_gate"]);
}
