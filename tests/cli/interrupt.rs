//! Ctrl-C mid-suite keeps every finished result and leaves no torn file;
//! SIGTERM (what a cluster scheduler sends before it kills a job) and SIGHUP
//! are handled the same way.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::support::*;

#[test]
fn sigint_keeps_finished_results() {
    interrupted_by("INT");
}

#[test]
fn sigterm_keeps_finished_results_and_prints_the_summary() {
    interrupted_by("TERM");
}

#[test]
fn sighup_keeps_finished_results_and_prints_the_summary() {
    interrupted_by("HUP");
}

fn interrupted_by(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    // A short first run, then a long one that the interrupt cuts.
    let mut suite = tiny_suite(0.3, &[("offline", 4)]);
    suite.push_str("\n[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"single-stream\"]\nmin_duration_s = 600.0\nparams = { hours = 1200, input_len = 24, horizon = 6, hidden = 8 }\n");
    std::fs::write(dir.path().join("s.toml"), suite).unwrap();
    let child = Command::new(bin())
        .args(["run", "--suite", "s.toml", "--device", "cpu", "--results", "out"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = dir.path().join("out");
    let deadline = Instant::now() + Duration::from_secs(120);
    while result_files(&out).is_empty() {
        assert!(Instant::now() < deadline, "first result never appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    let killed = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "SIG{signal}: {:?} {}", o.status, stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("interrupted: 1 of 2 run(s) finished"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let files = result_files(&out);
    assert_eq!(files.len(), 1);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(doc["scenario"], "offline");
    let leftovers: Vec<_> = std::fs::read_dir(files[0].parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}
