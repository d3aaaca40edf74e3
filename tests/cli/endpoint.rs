//! `wattbench run` against OpenAI-compatible endpoints: the in-test
//! streaming server for the figures, and every fault a deployment shows,
//! each ending in a result that counts the failed requests by kind.

use std::time::Duration;

use super::openai_server::{refused_addr, start, Behaviour, Fault, MODEL};
use super::support::*;

/// A suite of one endpoint run.
fn suite(base_url: &str, scenario: &str, params: &str, run: &str) -> String {
    format!(
        r#"name = "endpoint"
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
batch_sizes = [4]
{run}
params = {{ engine = "openai", base_url = "{base_url}", model = "{MODEL}", timeout_s = 5.0, requests = 16, prompt_tokens = {{ kind = "fixed", tokens = 40 }}, output_tokens = {{ kind = "fixed", tokens = 6 }}{params} }}
"#
    )
}

/// Runs a suite and returns the exit status, stderr and the one result.
fn run_suite(text: &str, args: &[&str], envs: &[(&str, &str)]) -> (std::process::Output, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let mut all = vec!["run", "--suite", "s.toml", "--results", "out"];
    all.extend_from_slice(args);
    let mut cmd = std::process::Command::new(bin());
    cmd.args(&all).current_dir(dir.path()).env_remove("WATTBENCH_DATA_DIR");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let files = result_files(&dir.path().join("out"));
    assert_eq!(files.len(), 1, "{}", stderr(&o));
    let doc = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    (o, doc)
}

fn count(v: &serde_json::Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

#[test]
fn an_offline_endpoint_run_reports_ttft_itl_tpot_and_usage_counts() {
    let behaviour = Behaviour {
        first_token_delay: Duration::from_millis(20),
        token_delay: Duration::from_millis(5),
        ..Default::default()
    };
    let server = start(behaviour, 10_000);
    let (o, doc) = run_suite(&suite(&server.base_url(), "offline", "", ""), &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(doc["verdict"]["valid"], true, "{}", doc["verdict"]);
    assert_eq!((doc["backend"].as_str(), doc["device"].as_str()), (Some("openai"), Some("endpoint")));
    let e = &doc["endpoint"];
    let done = count(&e["requests_completed"]);
    assert!(done >= 12, "{e}");
    assert_eq!((count(&e["requests_sent"]), count(&e["requests_failed"])), (done, 0));
    assert_eq!(count(&e["token_counts_from"]["usage"]), done);
    assert_eq!((count(&e["output_tokens_returned"]), count(&e["output_tokens_requested"])), (done * 6, done * 6));
    assert_eq!(count(&e["answers_shorter_than_requested"]), 0);
    assert_eq!(e["settings"]["model"], MODEL);
    let g = &doc["generation"];
    assert_eq!((count(&g["ttft_ns"]["count"]), count(&g["itl_ns"]["count"])), (done, done * 5));
    assert_eq!((count(&g["output_tokens"]), count(&g["prompt_tokens"])), (done * 6, done * 11));
    // The server waits 20 ms before the first token and 5 ms between tokens,
    // so every request lasts at least 45 ms: the mean TTFT plus five mean
    // TPOTs (the mean time from first to last token) is at least that. Single
    // gaps are not bounded below: on a loaded machine the client may read
    // several chunks at once (the CLI test ran with TPOT min 1.2 ms that way).
    assert!(count(&g["ttft_ns"]["min"]) >= 20_000_000, "{}", g["ttft_ns"]);
    let mean = |v: &serde_json::Value| v["mean"].as_f64().unwrap_or(0.0);
    let first_to_last = mean(&g["ttft_ns"]) + 5.0 * mean(&e["tpot_ns"]);
    assert!(first_to_last >= 44.0e6, "{} {}", g["ttft_ns"], e["tpot_ns"]);
    assert_eq!(count(&e["tpot_ns"]["count"]), done, "{}", e["tpot_ns"]);
    assert_eq!(count(&doc["queries"]), done);
    assert_eq!(doc["batch_size"], 4);
    // Nothing meters the endpoint here: energy is unmeasured, never estimated.
    assert_eq!(doc["energy"]["method"], "unmeasured");
    assert!(g["j_per_output_token"].is_null());
}

#[test]
fn a_server_endpoint_run_counts_latency_and_ttft_from_the_scheduled_arrival() {
    let behaviour = Behaviour { first_token_delay: Duration::from_millis(30), ..Default::default() };
    let server = start(behaviour, 10_000);
    let text =
        suite(&server.base_url(), "server", ", api = \"completions\"", "target_qps = 40.0\nlatency_bound_ms = 2000.0");
    let (o, doc) = run_suite(&text, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = &doc["endpoint"];
    assert_eq!(count(&e["requests_failed"]), 0, "{e}");
    assert_eq!(e["settings"]["api"], "completions");
    let s = &doc["server"];
    assert_eq!(s["target_qps"], 40.0);
    // One arrival per scheduled time, each sent (lateness) and answered.
    assert_eq!(count(&s["scheduler_lateness_ns"]["count"]), count(&e["requests_sent"]));
    let g = &doc["generation"];
    assert!(count(&g["ttft_ns"]["min"]) >= 30_000_000, "{}", g["ttft_ns"]);
    // Latency from the scheduled time covers TTFT and the five later tokens.
    assert!(count(&doc["latency_ns"]["min"]) >= count(&g["ttft_ns"]["min"]));
    // Fewer than the 459 queries that bound a p99: the verdict says so.
    let failed: Vec<&str> =
        doc["verdict"]["failed_rules"].as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap()).collect();
    // Without that bound the latency bound cannot be shown to hold either.
    assert_eq!(failed, ["latency_early_stopping", "latency_bound"], "{}", doc["verdict"]);
    assert!(doc["verdict"]["passed_rules"].as_array().unwrap().iter().any(|r| r == "request_failures"));
}

#[test]
fn without_usage_or_tokenizer_the_chunks_are_counted_and_said_so() {
    let server = start(Behaviour { usage: false, ..Default::default() }, 10_000);
    let (o, doc) = run_suite(&suite(&server.base_url(), "single-stream", "", ""), &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = &doc["endpoint"];
    let done = count(&e["requests_completed"]);
    assert_eq!(count(&e["token_counts_from"]["chunks"]), done, "{e}");
    assert!(e["token_counts_from"].get("usage").is_none());
    assert_eq!(count(&e["output_tokens_returned"]), done * 6);
}

/// Runs a suite against a faulty endpoint: a result is written, INVALID, every request failed with `kind`.
fn assert_all_failed(base_url: &str, params: &str, kind: &str, envs: &[(&str, &str)]) -> serde_json::Value {
    let (o, doc) = run_suite(&suite(base_url, "offline", params, ""), &[], envs);
    assert!(o.status.success(), "a failing endpoint still gives a result: {}", stderr(&o));
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    let e = &doc["endpoint"];
    assert!(count(&e["requests_sent"]) >= 1, "{e}");
    assert_eq!(count(&e["failures"][kind]), count(&e["requests_sent"]), "{kind}: {e}");
    assert_eq!(count(&e["requests_completed"]), 0);
    assert!(e["failure_examples"][kind].as_str().is_some_and(|m| !m.is_empty()), "{e}");
    assert_eq!(doc["verdict"]["valid"], false);
    let rule =
        doc["verdict"]["failed_rules"].as_array().unwrap().iter().find(|r| r["rule"] == "request_failures").cloned();
    let rule = rule.unwrap_or_else(|| panic!("no request_failures rule: {}", doc["verdict"]));
    assert_eq!(rule["measured"], 1.0);
    assert!(rule["fix"].as_str().unwrap().contains(kind), "{rule}");
    assert!(err.contains("INVALID request_failures"), "{err}");
    doc
}

#[test]
fn endpoint_down_is_counted_as_connection_refused() {
    assert_all_failed(&format!("http://{}/v1", refused_addr()), "", "connection_refused", &[]);
}

#[test]
fn an_unknown_host_is_counted_as_dns() {
    let (o, doc) = run_suite(&suite("http://no-such-host.invalid:8000/v1", "offline", "", ""), &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = &doc["endpoint"];
    // A lookup that the resolver does not answer within the timeout is a timeout (the
    // client cannot tell it from a slow connect); every other one is `dns`.
    let dns = count(&e["failures"]["dns"]);
    let timeouts = e["failures"].get("timeout").map_or(0, count);
    assert!(dns >= 1 && dns + timeouts == count(&e["requests_sent"]), "{e}");
    assert!(e["failure_examples"]["dns"].as_str().unwrap().contains("dns error"), "{e}");
    assert_eq!(doc["verdict"]["valid"], false);
}

#[test]
fn a_wrong_or_missing_api_key_is_http_401_and_the_key_is_never_written() {
    let server = start(Behaviour { api_key: Some("right-key".into()), ..Default::default() }, 10_000);
    let secret = "wrong-key-5f3a9c";
    let params = ", api_key_env = \"WB_TEST_KEY\"";
    let doc = assert_all_failed(&server.base_url(), params, "http_401", &[("WB_TEST_KEY", secret)]);
    assert!(!doc.to_string().contains(secret));
    assert_eq!(doc["endpoint"]["settings"]["api_key_env"], "WB_TEST_KEY");
    // With the right key the same suite is served.
    let (o, doc) = run_suite(&suite(&server.base_url(), "offline", params, ""), &[], &[("WB_TEST_KEY", "right-key")]);
    assert!(o.status.success() && doc["verdict"]["valid"] == true, "{}", doc["verdict"]);
}

#[test]
fn an_unset_api_key_variable_is_a_one_line_error() {
    let server = start(Behaviour::default(), 10);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        suite(&server.base_url(), "offline", ", api_key_env = \"WB_UNSET_KEY_VAR\"", ""),
    )
    .unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--results", "out"]);
    assert_eq!(o.status.code(), Some(1));
    assert_clean_error(&o);
    assert!(stderr(&o).contains("WB_UNSET_KEY_VAR"), "{}", stderr(&o));
}

#[test]
fn forbidden_rate_limited_and_server_errors_are_counted_by_status() {
    for (status, kind) in [(403, "http_403"), (429, "http_429"), (503, "http_5xx")] {
        let server = start(Behaviour { fault: Fault::Status(status), ..Default::default() }, 10_000);
        assert_all_failed(&server.base_url(), "", kind, &[]);
    }
}

#[test]
fn an_unknown_model_is_http_404() {
    let server = start(Behaviour::default(), 10_000);
    let text = suite(&server.base_url(), "offline", "", "")
        .replace(&format!("model = \"{MODEL}\""), "model = \"no-such-model\"");
    let (o, doc) = run_suite(&text, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count(&doc["endpoint"]["failures"]["http_404"]), count(&doc["endpoint"]["requests_sent"]));
    assert!(doc["endpoint"]["failure_examples"]["http_404"].as_str().unwrap().contains("does not exist"));
}

#[test]
fn a_stream_cut_mid_answer_is_stream_cut() {
    let server = start(Behaviour { fault: Fault::CutAfter(3), ..Default::default() }, 10_000);
    assert_all_failed(&server.base_url(), "", "stream_cut", &[]);
}

#[test]
fn malformed_events_are_malformed_sse() {
    let server = start(Behaviour { fault: Fault::Malformed, ..Default::default() }, 10_000);
    assert_all_failed(&server.base_url(), "", "malformed_sse", &[]);
}

#[test]
fn a_stalled_server_ends_each_request_as_a_timeout() {
    let server = start(Behaviour { fault: Fault::Stall, ..Default::default() }, 10_000);
    let started = std::time::Instant::now();
    let text = suite(&server.base_url(), "offline", "", "")
        .replace("timeout_s = 5.0", "timeout_s = 0.3")
        .replace("min_queries = 12", "min_queries = 4");
    let (o, doc) = run_suite(&text, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count(&doc["endpoint"]["failures"]["timeout"]), count(&doc["endpoint"]["requests_sent"]));
    // Bounded by the timeout: a stalled server never hangs the run.
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_kept_alive_connection_closed_without_notice_costs_no_request() {
    // As llama.cpp's server does: keep-alive announced, the connection closed
    // after each answer. The next request on it never reached the server and
    // is sent again on a new connection, so none fails.
    let server = start(Behaviour { fault: Fault::CloseUnannounced, ..Default::default() }, 10_000);
    let text = suite(&server.base_url(), "offline", "", "").replace("min_queries = 12", "min_queries = 200");
    let (o, doc) = run_suite(&text, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = &doc["endpoint"];
    assert!(count(&e["requests_completed"]) >= 200, "{e}");
    assert_eq!(count(&e["requests_failed"]), 0, "{e}");
    assert_eq!(doc["verdict"]["valid"], true, "{}", doc["verdict"]);
}

#[test]
fn a_few_failures_under_the_stated_fraction_stay_valid() {
    // Every request fails with 429, but the suite tolerates all of them: the count is kept, the run is VALID.
    let server = start(Behaviour { fault: Fault::Status(429), ..Default::default() }, 10_000);
    let (o, doc) = run_suite(&suite(&server.base_url(), "offline", ", max_failed_frac = 1.0", ""), &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(count(&doc["endpoint"]["failures"]["http_429"]) >= 1);
    assert!(doc["verdict"]["passed_rules"].as_array().unwrap().iter().any(|r| r == "request_failures"));
}

#[test]
fn a_bad_endpoint_parameter_is_located_in_the_suite() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), suite("ftp://x/v1", "offline", "", "")).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--results", "out"]);
    assert_eq!(o.status.code(), Some(2));
    assert_clean_error(&o);
    assert!(stderr(&o).contains("s.toml:") && stderr(&o).contains("base_url"), "{}", stderr(&o));
}
