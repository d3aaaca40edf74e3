//! Many `wattbench run` started at the same moment into one results folder,
//! as a cluster job array's tasks do on a shared filesystem: every result of
//! every invocation must survive, complete and parseable, in a folder of its own.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use super::support::*;

/// Invocations started together.
const RUNS: usize = 16;

#[test]
fn runs_started_together_into_one_folder_keep_every_result() {
    let dir = tempfile::tempdir().unwrap();
    // The harness suite (no-op workload, every scenario) cut short.
    let args = [
        "run",
        "--suite",
        "harness",
        "--results",
        "out",
        "--min-duration-s",
        "0.05",
        "--warmup-s",
        "0",
        "--min-queries",
        "20",
        "--trials",
        "1",
        "--cooldown-s",
        "0",
        "--idle-s",
        "0",
    ];
    let children: Vec<_> = (0..RUNS)
        .map(|_| {
            Command::new(bin())
                .args(args)
                .current_dir(dir.path())
                .env_remove("WATTBENCH_DATA_DIR")
                .env_remove("SLURM_JOB_ID")
                .env_remove("SLURM_ARRAY_JOB_ID")
                .env_remove("SLURM_ARRAY_TASK_ID")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the binary starts")
        })
        .collect();
    let pids: Vec<u32> = children.iter().map(|c| c.id()).collect();
    let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().expect("the run ends")).collect();
    for o in &outputs {
        assert!(o.status.success(), "{}", stderr(o));
    }

    let files = result_files(&dir.path().join("out"));
    // Three runs each: single-stream, offline and server.
    assert_eq!(files.len(), RUNS * 3, "results lost: {files:#?}");
    let mut per_folder: BTreeMap<_, Vec<u64>> = BTreeMap::new();
    for f in &files {
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(f).unwrap())
            .unwrap_or_else(|e| panic!("{}: torn or invalid JSON: {e}", f.display()));
        assert_eq!(doc["suite"], "harness");
        per_folder.entry(f.parent().unwrap().to_path_buf()).or_default().push(doc["run_index"].as_u64().unwrap());
    }
    assert_eq!(per_folder.len(), RUNS, "one folder per invocation: {:#?}", per_folder.keys());
    for (folder, mut runs) in per_folder {
        runs.sort();
        assert_eq!(runs, [0, 1, 2], "{}", folder.display());
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        assert!(pids.iter().any(|p| name.contains(&format!("-p{p}"))), "the folder names its process: {name}");
    }
    // Each invocation told the user where its own results went.
    let announced: std::collections::BTreeSet<String> = outputs
        .iter()
        .filter_map(|o| stderr(o).lines().find_map(|l| l.split(" -> ").nth(1).map(String::from)))
        .collect();
    assert_eq!(announced.len(), RUNS, "{announced:?}");
}
