//! The fleet's report: three "nodes" (array tasks) ran the same
//! configuration, one of them drawing a hundred times the power; the merged
//! report names every run's node and task and flags that one.

use std::process::Command;

use super::support::*;

const SUITE: &str = "name = \"fleet\"\ndescription = \"test\"\n\n[defaults]\ndevices = [\"cpu\"]\nwarmup_s = 0.05\nmin_duration_s = 0.3\nmin_queries = 50\nidle_s = 0.0\ntrials = 1\ncooldown_s = 0.0\n\n[[run]]\nworkload = \"noop\"\nscenarios = [\"offline\"]\nbatch_sizes = [8]\n";

#[test]
fn the_merged_report_names_node_and_task_and_flags_the_node_apart() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fleet.toml"), SUITE).unwrap();
    for (task, watts) in [("1", "50"), ("2", "50"), ("3", "5000")] {
        let o = Command::new(bin())
            .args(["run", "--suite", "fleet.toml", "--results", "out", "--scripted-power-w", watts])
            .current_dir(dir.path())
            .env_remove("WATTBENCH_DATA_DIR")
            .env_remove("SLURM_JOB_ID")
            .env("SLURM_ARRAY_JOB_ID", "77")
            .env("SLURM_ARRAY_TASK_ID", task)
            .env("SLURMD_NODENAME", format!("node{task}"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let folders: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(folders.iter().all(|f| f.contains("-j77-t")), "folders name the job and task: {folders:?}");

    let o = wattbench(dir.path(), &["merge", "out", "--out", "merged"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let merged = result_files(&dir.path().join("merged"));
    assert_eq!(merged.len(), 1);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&merged[0]).unwrap()).unwrap();
    let shards = doc["shards"].as_array().unwrap();
    let mut origins: Vec<(String, String)> = shards
        .iter()
        .map(|s| (s["node"].as_str().unwrap().to_string(), s["task"].as_str().unwrap().to_string()))
        .collect();
    origins.sort();
    assert_eq!(
        origins,
        [("node1", "slurm job 77 task 1"), ("node2", "slurm job 77 task 2"), ("node3", "slurm job 77 task 3")]
            .map(|(n, t)| (n.to_string(), t.to_string()))
    );

    let o = wattbench(dir.path(), &["report", "merged", "--out", "report.html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let start = html.find("<section id=\"fleet\"").expect("a fleet section");
    let fleet = &html[start..start + html[start..].find("</section>").unwrap()];
    for task in ["slurm job 77 task 1", "slurm job 77 task 2", "slurm job 77 task 3"] {
        assert!(fleet.contains(task), "{task} missing: {fleet}");
    }
    let flags: Vec<&str> = fleet.lines().filter(|l| l.starts_with("<li class=\"bad\">")).collect();
    assert!(
        flags.iter().any(|l| l.contains("node node3 (slurm job 77 task 3)")
            && l.contains("J/inference")
            && l.contains("above")),
        "node3 draws a hundred times the power: {flags:?}"
    );
}
