//! Running the binary in a temporary folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of the binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_wattbench"))
}

/// Runs `wattbench ARGS` in `dir`, with no GPU-related environment leaking in.
pub fn wattbench(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env_remove("WATTBENCH_DATA_DIR")
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the binary runs")
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Whether this machine has an NVIDIA GPU driver (tests that expect "no GPU" skip otherwise).
pub fn has_nvidia_driver() -> bool {
    Path::new("/dev/nvidiactl").exists() || Path::new("/proc/driver/nvidia").exists()
}

/// A suite with a tiny load forecaster that runs in seconds in a debug build.
pub fn tiny_suite(min_duration_s: f64, runs: &[(&str, usize)]) -> String {
    let mut s = format!(
        "name = \"tiny\"\ndescription = \"test\"\n\n[defaults]\nwarmup_s = 0.1\nmin_duration_s = {min_duration_s}\nmin_queries = 5\nidle_s = 0.2\nseed = 7\ntrials = 2\ncooldown_s = 0.05\n"
    );
    for (scenario, batch) in runs {
        s.push_str(&format!(
            "\n[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"{scenario}\"]\nbatch_sizes = [{batch}]\nparams = {{ hours = 1200, input_len = 24, horizon = 6, hidden = 8, stride = 6, performance_samples = 32 }}\n"
        ));
    }
    s
}

/// Every `*.json` result file below `dir`, sorted.
pub fn result_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Asserts that a failure was reported as one line and not as a panic.
pub fn assert_clean_error(o: &Output) {
    let err = stderr(o);
    assert!(!err.contains("panicked"), "a panic reached the user: {err}");
    assert!(!err.contains("stack backtrace"), "a backtrace reached the user: {err}");
    assert!(err.lines().any(|l| l.starts_with("error: ")), "no error line: {err}");
}
