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
    // Every workload of the one registration list is listed.
    for id in wattbench_workloads::ids() {
        assert!(out.lines().any(|l| l.starts_with(&format!("{id} "))), "{id} listed: {out}");
    }
    for suite in ["standard", "electricity", "renewables", "grid", "demand-side", "oil-gas", "coal", "llm"] {
        assert!(out.lines().any(|l| l.starts_with(&format!("{suite} "))), "suite {suite} listed: {out}");
    }

    let o = wattbench(dir.path(), &["list", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["workloads"][0]["id"], "load-forecast");
    // 20,248 parameters: the quick forecaster (7 features, hidden 64, 24 h out), counted from its shape.
    assert_eq!(doc["workloads"][0]["parameters"], 20_248);
    assert!(doc["workloads"][0]["flops_per_sample"].as_u64().unwrap() > 1_000_000);
    assert!(doc["suites"].as_array().unwrap().iter().any(|s| s["name"] == "quick"));
}
