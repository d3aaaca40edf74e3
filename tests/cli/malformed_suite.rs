//! Malformed suites: one clear line that names the file, line and field.

use super::support::*;

fn run_suite(text: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), text).unwrap();
    wattbench(dir.path(), &["run", "--suite", "bad.toml", "--device", "cpu"])
}

fn error_line(o: &std::process::Output) -> String {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert_clean_error(o);
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err.trim_end().to_string()
}

#[test]
fn unknown_field_is_named_with_its_line() {
    let o = run_suite(
        "name = \"b\"\n\n[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"offline\"]\nbatchsize = [4]\n",
    );
    let e = error_line(&o);
    assert!(e.starts_with("error: bad.toml:6:1: field `batchsize`: unknown field `batchsize`"), "{e}");
}

#[test]
fn unknown_workload_is_named_with_the_known_ones() {
    let o = run_suite("name = \"b\"\n[[run]]\nworkload = \"load-forcast\"\nscenarios = [\"offline\"]\n");
    let e = error_line(&o);
    let known = wattbench_workloads::ids().join(", ");
    assert_eq!(e, format!("error: bad.toml:3:12: field `workload`: unknown workload `load-forcast` (known: {known})"));
}

#[test]
fn wrong_type_and_bad_values_are_located() {
    let o = run_suite("name = \"b\"\n[defaults]\nmin_duration_s = \"ten\"\n[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"offline\"]\n");
    let e = error_line(&o);
    assert!(e.starts_with("error: bad.toml:3:18: field `min_duration_s`:"), "{e}");

    let o = run_suite(
        "name = \"b\"\n[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"offline\"]\nparams = { hidden = 0 }\n",
    );
    let e = error_line(&o);
    assert!(
        e.contains("bad.toml:5:10: field `params`: workload `load-forecast`: parameter `hidden`: must be at least 1"),
        "{e}"
    );
}

#[test]
fn broken_toml_missing_file_and_unknown_suite() {
    let e = error_line(&run_suite("name = \"b\"\n[[run]\n"));
    assert!(e.starts_with("error: bad.toml:2:"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let e = error_line(&wattbench(dir.path(), &["run", "--suite", "nowhere.toml"]));
    assert!(e.starts_with("error: nowhere.toml: "), "{e}");
    let e = error_line(&wattbench(dir.path(), &["run", "--suite", "quik"]));
    assert!(e.starts_with("error: unknown suite `quik` (built-in: quick"), "{e}");
}

#[test]
fn cuda_device_without_a_driver_is_a_clear_error() {
    if has_nvidia_driver() {
        eprintln!("skipped: this machine has an NVIDIA driver");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let o = wattbench(dir.path(), &["run", "--device", "cuda:0"]);
    let e = error_line(&o);
    assert!(e.starts_with("error: cuda:0 is not usable: libcuda not found"), "{e}");
}
