//! `wattbench list`.

use super::support::*;

#[test]
fn list_shows_workloads_and_suites() {
    let dir = tempfile::tempdir().unwrap();
    let o = wattbench(dir.path(), &["list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("load-forecast") && out.contains("electricity") && out.contains("LSTM"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("quick ")), "{out}");

    let o = wattbench(dir.path(), &["list", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["workloads"][0]["id"], "load-forecast");
    assert!(doc["suites"].as_array().unwrap().iter().any(|s| s["name"] == "quick"));
}
