//! `scripts/gpu-validate.sh`: its rehearsal on the CPU with the binary under
//! test, the packaging and verification of the binary that travels, and the
//! budget that skips steps which do not fit.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::support::*;

/// Budget of the rehearsal in CI, in seconds (windows of 0.3 s, one trial).
/// The debug binary prepares models slowly, so the later steps are skipped
/// or the quick suite is stopped at the budget: the test checks that too.
const REHEARSAL_BUDGET_S: u64 = 120;
/// Grace after the budget: the interrupted step's kill delay (15 s) and rank and report.
const GRACE_S: f64 = 25.0;
/// Steps of the default (budget) profile, in order.
const PLAN: [&str; 11] = [
    "version",
    "devices",
    "devices-json",
    "calibrate-gpu",
    "quick-f32",
    "quick-bf16",
    "lstm-reference",
    "llm-gpu-short",
    "calibrate-cpu",
    "rank",
    "report",
];

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gpu-validate.sh")
}

fn validate(dir: &Path, args: &[&str]) -> Output {
    Command::new("bash")
        .arg(script())
        .args(args)
        .current_dir(dir)
        .env_remove("WATTBENCH_DATA_DIR")
        .env_remove("WATTBENCH_CALIBRATION_DIR")
        .output()
        .expect("bash runs")
}

fn tool(name: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {name}")]).output().is_ok_and(|o| o.status.success())
}

/// How one step ended in the log: `ok` (with its wall time), `FAILED`, `STOPPED` or `SKIPPED`.
fn outcome(log: &str, id: &str) -> Option<(String, Option<f64>)> {
    for line in log.lines() {
        if let Some(rest) = line.strip_prefix(&format!("--- {id}: ")) {
            let secs = rest.strip_prefix("ok in ").and_then(|r| r.split(' ').next()).and_then(|s| s.parse().ok());
            return Some((rest.split(' ').next().unwrap_or_default().to_string(), secs));
        }
        if line.starts_with(&format!("SKIPPED {id}:")) || line.starts_with(&format!("SKIPPED {id},")) {
            return Some(("SKIPPED".into(), None));
        }
    }
    None
}

fn total_s(log: &str) -> f64 {
    let line = log.lines().find(|l| l.starts_with("done in ")).unwrap_or_else(|| panic!("no `done in` line:\n{log}"));
    line["done in ".len()..].split(' ').next().and_then(|s| s.parse().ok()).expect("a number of seconds")
}

#[test]
fn the_rehearsal_runs_every_step_on_the_cpu_inside_its_budget() {
    let dir = tempfile::tempdir().unwrap();
    let bin = bin();
    let budget = REHEARSAL_BUDGET_S.to_string();
    let args =
        ["run", bin.to_str().unwrap(), "out", "--rehearse", "--budget", &budget, "--window", "0.3", "--trials", "1"];
    let o = validate(dir.path(), &args);
    let log = std::fs::read_to_string(dir.path().join("out/validate.log")).unwrap_or_default();
    assert!(matches!(o.status.code(), Some(0 | 3)), "exit {:?}\n{log}\n{}", o.status.code(), stderr(&o));
    assert!(log.contains("rehearsal on the CPU"), "{log}");
    assert!(log.contains("rehearsal: calibrate-gpu replaced by its CPU substitute"), "{log}");
    assert!(log.contains(&format!("steps: {}", PLAN.join(" "))), "{log}");
    for id in PLAN {
        let (how, secs) = outcome(&log, id).unwrap_or_else(|| panic!("step {id} has no outcome:\n{log}"));
        match how.as_str() {
            "ok" | "STOPPED" => {
                assert!(secs.is_some_and(|s| s >= 0.0) || how == "STOPPED", "step {id} has no wall time:\n{log}");
                assert!(log.contains(&format!("=== {id} (estimate ")), "step {id} did not log its estimate:\n{log}");
            }
            "SKIPPED" => assert!(
                log.contains(&format!("SKIPPED {id}: needs about "))
                    || log.contains("SKIPPED rank, report: no result files"),
                "step {id} skipped without a reason:\n{log}"
            ),
            other => panic!("step {id}: {other}\n{log}"),
        }
    }
    // The first steps always fit; whatever ran was ranked and reported.
    for id in ["version", "devices", "devices-json", "calibrate-gpu"] {
        assert_eq!(outcome(&log, id).map(|o| o.0).as_deref(), Some("ok"), "{id}:\n{log}");
    }
    let results = result_files(&dir.path().join("out/results"));
    assert!(!results.is_empty(), "the quick suite finished no run:\n{log}");
    for id in ["rank", "report"] {
        assert_eq!(outcome(&log, id).map(|o| o.0).as_deref(), Some("ok"), "{id}:\n{log}");
    }
    assert!(total_s(&log) <= REHEARSAL_BUDGET_S as f64 + GRACE_S, "over budget:\n{log}");
    assert!(dir.path().join("out/report.html").is_file());
    assert!(std::fs::read_to_string(dir.path().join("out/rank.md")).unwrap().contains("load-forecast"), "{log}");
    if o.status.code() == Some(3) {
        assert!(!log.contains("skipped: none"), "exit 3 without a skipped or stopped step:\n{log}");
    }
}

#[test]
fn a_package_is_verified_and_unpacked_and_steps_that_do_not_fit_the_budget_are_skipped() {
    if std::env::consts::ARCH != "x86_64" || !tool("strip") || !tool("xz") {
        eprintln!("SKIPPED: packaging needs an x86-64 host with strip and xz");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A small x86-64 executable stands in for wattbench: every step "succeeds" at once.
    let o = validate(dir.path(), &["package", "/bin/true", "pkg"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let sums = std::fs::read_to_string(dir.path().join("pkg/wattbench-x86_64-linux.xz.sha256")).unwrap();
    assert_eq!(sums.lines().count(), 2, "{sums}");
    assert!(sums.lines().nth(1).unwrap().ends_with("  wattbench"), "{sums}");

    let o = validate(dir.path(), &["run", "pkg/wattbench-x86_64-linux.xz", "out", "--budget", "20"]);
    let log = std::fs::read_to_string(dir.path().join("out/validate.log")).unwrap_or_default();
    assert_eq!(o.status.code(), Some(3), "{log}{}", stderr(&o));
    assert!(log.contains("verified against pkg/wattbench-x86_64-linux.xz.sha256"), "{log}");
    let unpacked = std::fs::read(dir.path().join("out/bin/wattbench")).unwrap();
    assert!(unpacked.starts_with(b"\x7fELF"), "the unpacked file is not the executable");
    assert!(!dir.path().join("pkg/wattbench").exists(), "the uncompressed copy was left beside the package");
    for id in ["calibrate-gpu", "quick-f32", "quick-bf16", "lstm-reference", "llm-gpu-short"] {
        assert!(log.contains(&format!("SKIPPED {id}: needs about ")), "{id}:\n{log}");
        assert!(!log.contains(&format!("=== {id} ")), "{id} started:\n{log}");
    }
    assert!(log.contains("of the 20 s budget (keeping 10 s for rank and report)"), "{log}");
    assert!(log.contains("SKIPPED rank, report: no result files"), "{log}");
    let skipped = log.lines().find(|l| l.starts_with("skipped: ")).unwrap_or_default();
    assert!(skipped.contains("calibrate-gpu quick-f32 quick-bf16 lstm-reference llm-gpu-short"), "{log}");
}

#[test]
fn a_package_whose_checksum_does_not_match_is_refused_before_anything_runs() {
    if std::env::consts::ARCH != "x86_64" || !tool("strip") || !tool("xz") {
        eprintln!("SKIPPED: packaging needs an x86-64 host with strip and xz");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    assert!(validate(dir.path(), &["package", "/bin/true", "pkg"]).status.success());
    let xz = dir.path().join("pkg/wattbench-x86_64-linux.xz");
    let mut bytes = std::fs::read(&xz).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&xz, bytes).unwrap();
    let o = validate(dir.path(), &["run", "pkg/wattbench-x86_64-linux.xz", "out"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).trim(), "error: pkg/wattbench-x86_64-linux.xz: sha256 mismatch (corrupt or incomplete copy)");
    assert!(!dir.path().join("out/bin/wattbench").exists());
    let missing = validate(dir.path(), &["run", "nowhere.xz", "out"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nowhere.xz.sha256 is missing"), "{}", stderr(&missing));
}
