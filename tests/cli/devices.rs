//! `wattbench devices` on any machine, and without a GPU in particular.

use super::support::*;

#[test]
fn devices_lists_the_cpu_and_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let o = wattbench(dir.path(), &["devices"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.lines().any(|l| l.starts_with("cpu ")), "{out}");
    assert!(!stderr(&o).contains("panicked"));
    if !has_nvidia_driver() {
        assert!(out.starts_with("cuda: none ("), "{out}");
    }
}

#[test]
fn devices_json_is_machine_readable() {
    let dir = tempfile::tempdir().unwrap();
    let o = wattbench(dir.path(), &["devices", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(doc["cpu"]["logical_cores"].as_u64().unwrap() >= 1);
    assert!(doc["cpu"]["model"].is_string());
    if !has_nvidia_driver() {
        assert_eq!(doc["cuda"]["available"], false);
        assert!(doc["cuda"]["reason"].as_str().unwrap().contains("libcuda"));
        assert_eq!(doc["cuda"]["gpus"].as_array().unwrap().len(), 0);
    }
}
