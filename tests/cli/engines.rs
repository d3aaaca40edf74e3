//! Tasks apart from engines: one task run by two engines records each, and
//! `rank` sets them side by side in the task's one leaderboard; an engine
//! that cannot execute a task is refused where the suite names it.

use super::support::*;

const TWO_ENGINES: &str = r#"name = "engines"
description = "one task, two engines"

[defaults]
devices = ["cpu"]
warmup_s = 0.1
min_duration_s = 0.3
min_queries = 5
idle_s = 0.0
seed = 7
trials = 1
cooldown_s = 0.0

[[run]]
workload = "load-forecast"
scenarios = ["offline"]
batch_sizes = [16]
params = { weights = "reference:load-forecast-quick" }

[[run]]
task = "load-forecast"
engine = "fused-cpu"
scenarios = ["offline"]
batch_sizes = [16]
params = { weights = "reference:load-forecast-quick" }
"#;

#[test]
fn one_task_on_two_engines_records_each_and_ranks_them_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("engines.toml"), TWO_ENGINES).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "engines.toml", "--results", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = result_files(&dir.path().join("out"));
    assert_eq!(files.len(), 2);
    let docs: Vec<serde_json::Value> =
        files.iter().map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()).collect();
    let engines: Vec<(&str, &str, &str)> = docs
        .iter()
        .map(|d| (d["workload"].as_str().unwrap(), d["engine"].as_str().unwrap(), d["backend"].as_str().unwrap()))
        .collect();
    assert_eq!(engines, [("load-forecast", "burn", "flex"), ("load-forecast", "fused-cpu", "fused-cpu")]);
    // The same weights, held to the task's one gate: both pass it.
    assert!(
        docs.iter().all(|d| d["quality"]["passes"] == true),
        "{:?}",
        docs.iter().map(|d| &d["quality"]).collect::<Vec<_>>()
    );

    let o = wattbench(dir.path(), &["rank", "out", "--by", "throughput", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let boards: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let boards = boards.as_array().unwrap();
    assert_eq!(boards.len(), 1, "one leaderboard for the task and scenario: {boards:?}");
    let mut backends: Vec<&str> =
        boards[0]["ranked"].as_array().unwrap().iter().map(|r| r["backend"].as_str().unwrap()).collect();
    backends.sort();
    assert_eq!(backends, ["flex f32", "fused-cpu f32"]);
}

#[test]
fn an_engine_that_cannot_execute_the_task_is_refused_where_it_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = "name = \"b\"\n[[run]]\nworkload = \"nilm\"\nengine = \"fused-cpu\"\nscenarios = [\"offline\"]\n";
    std::fs::write(dir.path().join("bad.toml"), text).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "bad.toml", "--device", "cpu"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_clean_error(&o);
    assert_eq!(
        stderr(&o).trim_end(),
        "error: bad.toml:4:10: field `engine`: engine `fused-cpu` does not execute task `nilm` (it executes: load-forecast, mine-gas)"
    );
}
