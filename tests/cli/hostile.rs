//! Hostile inputs and hostile surroundings: each case once made the binary
//! exit 101 with nothing printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::support::*;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/results/scripted/01-load-forecast-offline-cpu-f32-b4.json")
}

/// The offline fixture with `edit` applied, written as `name` in `dir`.
fn edited_fixture(dir: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(fixture()).unwrap()).unwrap();
    edit(&mut doc);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    path
}

#[test]
fn compare_with_a_70000_character_workload_name() {
    let dir = tempfile::tempdir().unwrap();
    let long = "w".repeat(70_000);
    let f = edited_fixture(dir.path(), "a.json", |d| d["workload"] = long.clone().into());
    let o = wattbench(dir.path(), &["compare", f.to_str().unwrap(), f.to_str().unwrap()]);
    // A renamed workload no longer matches its gate's raw data: since
    // `wattbench check` guards every reader, the file is refused in one
    // line (exit 2), where it once made the table code exit 101 silently.
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("fails `wattbench check`") && err.trim_end().lines().count() == 1, "{err}");
}

#[test]
fn a_latency_bound_of_1e308_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let suite = tiny_suite(0.3, &[("offline", 4)])
        .replace("cooldown_s = 0.05\n", "cooldown_s = 0.05\nlatency_bound_ms = 1e308\n");
    std::fs::write(dir.path().join("s.toml"), suite).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--device", "cpu", "--results", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_clean_error(&o);
    assert!(stderr(&o).contains("field `latency_bound_ms`"), "{}", stderr(&o));
}

fn to_dev_full(args: &[&str]) -> Option<std::process::Output> {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").ok()?;
    let dir = tempfile::tempdir().unwrap();
    Some(
        Command::new(bin())
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::from(full))
            .stderr(Stdio::piped())
            .output()
            .unwrap(),
    )
}

#[test]
fn list_and_rank_to_a_full_stdout_say_so() {
    let rank_dir = fixture().parent().unwrap().to_str().unwrap().to_string();
    for args in [vec!["list"], vec!["list", "--json"], vec!["rank", rank_dir.as_str()]] {
        let Some(o) = to_dev_full(&args) else {
            eprintln!("skipped: no /dev/full on this machine");
            return;
        };
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_clean_error(&o);
        assert!(stderr(&o).contains("cannot write to standard output"), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn a_panic_that_escapes_is_one_line_saying_it_is_a_bug() {
    let dir = tempfile::tempdir().unwrap();
    let o = wattbench(dir.path(), &["internal-panic-test"]);
    assert_eq!(o.status.code(), Some(70), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: bug in wattbench"), "{err}");
    assert!(err.contains("runner/"), "the line names where: {err}");
}

#[test]
fn a_huge_batch_fails_its_run_only() {
    // 4294967296 once aborted the whole process (exit 134), and every run after it.
    let dir = tempfile::tempdir().unwrap();
    let suite = tiny_suite(0.3, &[("offline", 4294967296), ("offline", 100_000), ("offline", 4)]);
    std::fs::write(dir.path().join("s.toml"), suite).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--device", "cpu", "--results", "out"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let line = |run: &str| err.lines().find(|l| l.starts_with(&format!("error: run {run} "))).unwrap_or_default();
    assert!(line("0").contains("batch size 4294967296 is more than 65536 samples per query"), "{err}");
    assert!(line("1").contains("batch size 100000 is more than 65536 samples per query"), "{err}");
    assert_eq!(result_files(&dir.path().join("out")).len(), 1, "the last run still ran: {err}");
}

#[test]
fn endless_weights_fail_their_run_promptly() {
    // `weights = "/dev/zero"` once hung the hash forever.
    let dir = tempfile::tempdir().unwrap();
    // Named as a weights file must be (`.mpk`), but an endless device.
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.mpk")).unwrap();
    let suite = tiny_suite(0.3, &[("offline", 4)])
        .replace("performance_samples = 32 }", "performance_samples = 32, weights = \"zero.mpk\" }");
    std::fs::write(dir.path().join("s.toml"), suite).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--device", "cpu", "--results", "out"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("zero.mpk") && err.contains("not a regular file"), "{err}");
}

#[cfg(unix)]
#[test]
fn report_junit_and_markdown_never_follow_a_planted_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    // The temporaries' old, predictable names.
    for planted in ["report.html.tmp", ".j.xml.tmp", ".sum.md.tmp"] {
        std::os::unix::fs::symlink(&victim, dir.path().join(planted)).unwrap();
    }
    let leftover = dir.path().join(".wattbench-tmp-dead01.tmp");
    std::fs::write(&leftover, "").unwrap();
    let scripted = fixture().parent().unwrap().to_str().unwrap().to_string();
    let o = wattbench(dir.path(), &["report", &scripted, "--out", "report.html"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = wattbench(dir.path(), &["compare", &scripted, &scripted, "--junit", "j.xml", "--markdown", "sum.md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    for written in ["report.html", "j.xml", "sum.md"] {
        assert!(std::fs::symlink_metadata(dir.path().join(written)).unwrap().is_file(), "{written}");
    }
    assert!(!leftover.exists(), "a dead writer's temporary is removed by the next write in its folder");
    // Named on the command line, a temporary is still not read as a result.
    std::fs::copy(fixture(), &leftover).unwrap();
    let o = wattbench(dir.path(), &["rank", leftover.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("unfinished temporary file"), "{}", stderr(&o));
}
