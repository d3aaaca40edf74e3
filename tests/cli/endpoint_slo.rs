//! Service-level objectives of an endpoint run: goodput and the `slo` rule,
//! `--find-peak` searching the server rate on goodput, and the load curve
//! of a concurrency sweep in the HTML report.

use std::time::Duration;

use super::openai_server::{start, Behaviour, MODEL};
use super::support::*;

fn suite(base_url: &str, scenario: &str, batches: &str, slo: &str, run: &str) -> String {
    format!(
        r#"name = "endpoint-slo"
[defaults]
devices = ["cpu"]
warmup_s = 0.1
min_duration_s = 0.4
min_queries = 12
idle_s = 0.0
trials = 1
[[run]]
workload = "llm"
scenarios = ["{scenario}"]
batch_sizes = {batches}
{run}
params = {{ engine = "openai", base_url = "{base_url}", model = "{MODEL}", requests = 16, output_tokens = {{ kind = "fixed", tokens = 5 }}, slo = {slo} }}
"#
    )
}

fn results(dir: &std::path::Path) -> Vec<serde_json::Value> {
    result_files(&dir.join("out")).iter().map(|f| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap()).collect()
}

#[test]
fn a_met_slo_gives_goodput_and_a_missed_one_is_invalid_with_the_fix() {
    // The server's first token comes after 40 ms.
    let server = start(Behaviour { first_token_delay: Duration::from_millis(40), ..Default::default() }, 10_000);
    let dir = tempfile::tempdir().unwrap();
    let easy =
        suite(&server.base_url(), "offline", "[2]", "{ ttft_ms = 5000.0, tpot_ms = 1000.0, percentile = 90.0 }", "");
    std::fs::write(dir.path().join("s.toml"), easy).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--results", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = &results(dir.path())[0];
    let slo = &doc["endpoint"]["slo"];
    assert_eq!((slo["met"].as_bool(), slo["percentile"].as_f64()), (Some(true), Some(90.0)), "{slo}");
    let done = doc["endpoint"]["requests_completed"].as_u64().unwrap();
    assert_eq!(slo["requests_meeting"].as_u64(), Some(done));
    let goodput = slo["goodput_per_s"].as_f64().unwrap();
    let expected = done as f64 / doc["duration_s"].as_f64().unwrap();
    assert!((goodput - expected).abs() < 1e-6 * expected, "{goodput} vs {expected}");
    assert!(slo["ttft_at_percentile_ns"].as_u64().unwrap() >= 40_000_000);
    assert_eq!(doc["verdict"]["valid"], true, "{}", doc["verdict"]);

    let dir = tempfile::tempdir().unwrap();
    let hard = suite(&server.base_url(), "offline", "[2]", "{ ttft_ms = 10.0, percentile = 99.0 }", "");
    std::fs::write(dir.path().join("s.toml"), hard).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--results", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = &results(dir.path())[0];
    assert_eq!(doc["endpoint"]["slo"]["requests_meeting"], 0);
    assert_eq!(doc["endpoint"]["slo"]["goodput_per_s"], 0.0);
    let rule = doc["verdict"]["failed_rules"].as_array().unwrap().iter().find(|r| r["rule"] == "slo").cloned().unwrap();
    let fix = rule["fix"].as_str().unwrap();
    assert!(
        fix.contains("p99 TTFT") && fix.contains("over the 10 ms bound") && fix.contains("lower the load"),
        "{fix}"
    );
}

#[test]
fn find_peak_on_an_endpoint_searches_goodput_and_keeps_every_probe() {
    let server = start(Behaviour::default(), 100_000);
    let dir = tempfile::tempdir().unwrap();
    let text = suite(
        &server.base_url(),
        "server",
        "[1]",
        "{ ttft_ms = 2000.0, percentile = 90.0 }",
        "target_qps = 20.0\nlatency_bound_ms = 5000.0",
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--results", "out", "--find-peak"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = &results(dir.path())[0];
    let probes = doc["server"]["peak_search"].as_array().unwrap();
    assert!(probes.len() >= 2, "{probes:?}");
    // Every probe records its goodput; the VALID ones met the objectives.
    assert!(probes.iter().all(|p| p["goodput_per_s"].as_f64().is_some_and(|g| g > 0.0)), "{probes:?}");
    assert!(probes[0]["valid"] == true, "{probes:?}");
    // The rates doubled from the suite's while the objectives held.
    assert_eq!(probes[1]["target_qps"], 40.0);
}

#[test]
fn a_concurrency_sweep_draws_the_load_curve_in_the_report() {
    let server = start(Behaviour { token_delay: Duration::from_millis(2), ..Default::default() }, 10_000);
    let dir = tempfile::tempdir().unwrap();
    let text = suite(&server.base_url(), "offline", "[1, 4]", "{ tpot_ms = 1000.0 }", "");
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--results", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let docs = results(dir.path());
    assert_eq!(docs.len(), 2);
    for d in &docs {
        assert!(d["endpoint"]["output_tokens_per_s_per_user"].as_f64().unwrap() > 0.0);
    }
    let o = wattbench(dir.path(), &["report", "out", "--out", "r.html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(
        html.contains("<section id=\"load-curve\"") && html.contains(&format!("load curve of {MODEL}")),
        "no load curve"
    );
    assert!(html.contains("J per output token: energy unmeasured"));
}
