//! `wattbench run` against a real third-party OpenAI-compatible server:
//! llama.cpp's own HTTP server (from the prebuilt wheel of the PyPI package
//! xllamacpp) serving a tiny random-weights Llama model, both set up by
//! `scripts/ci/llm-server.sh`, which exports `WATTBENCH_REAL_LLM_SERVER`
//! (a launcher: `SERVER --model M --port P ...`) and
//! `WATTBENCH_REAL_LLM_MODEL` (the `.gguf`). One suite runs offline (chat),
//! server (completions, Poisson arrivals) and a concurrency sweep; every
//! result is checked field by field, then `wattbench check` and the report's
//! load curve. Without those variables the test says why it skipped.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::support::*;

/// The name the suite asks for (llama.cpp's server serves one model whatever the name).
const MODEL: &str = "tiny-llama";
/// Tokens of every answer in the offline and server runs.
const OUTPUT_TOKENS: u64 = 8;

/// The server process: killed when dropped, and bounded by its own lifetime anyway.
struct RealServer {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RealServer {
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

/// Whether `GET /health` answers 200 with status ok.
fn healthy(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200") && answer.contains("\"ok\"")
}

/// Starts the server on a free loopback port and waits until it is ready
/// (a port taken between choosing and binding is tried again, three times).
fn start(server: &Path, model: &Path, dir: &Path) -> RealServer {
    let mut last = String::new();
    for attempt in 0..3 {
        let port = refused_port();
        let log = dir.join(format!("server-{attempt}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(server)
            .args(["--model", &model.to_string_lossy(), "--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--parallel", "4", "--threads", "1", "--alias", MODEL, "--lifetime-s", "300"])
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
        let mut s = RealServer { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = s.child.try_wait() {
                last = format!("the server exited ({status}):\n{}", s.log_tail());
                break;
            }
            if healthy(port) {
                return s;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if last.is_empty() {
            last = format!("the server was not ready within 60 s:\n{}", s.log_tail());
        }
    }
    panic!("{last}");
}

/// A loopback port where nothing listens (for the server to take).
fn refused_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    l.local_addr().expect("address").port()
}

/// Offline with the chat API, server with the completions API, and a
/// concurrency sweep with log-normal prompt and answer lengths.
fn suite(base_url: &str) -> String {
    let common = format!(
        "engine = \"openai\", base_url = \"{base_url}\", model = \"{MODEL}\", timeout_s = 30.0, requests = 32, force_length = \"both\""
    );
    let fixed =
        format!("prompt_tokens = {{ kind = \"fixed\", tokens = 48 }}, output_tokens = {{ kind = \"fixed\", tokens = {OUTPUT_TOKENS} }}");
    format!(
        r#"name = "real-llm-server"
[defaults]
devices = ["cpu"]
warmup_s = 0.2
min_duration_s = 1.0
min_queries = 24
idle_s = 0.0
trials = 1

[[run]]
workload = "llm"
scenarios = ["offline"]
batch_sizes = [4]
params = {{ {common}, api = "chat", {fixed}, slo = {{ ttft_ms = 10000.0, tpot_ms = 2000.0, percentile = 90.0 }} }}

[[run]]
workload = "llm"
scenarios = ["server"]
batch_sizes = [1]
min_queries = 500
target_qps = 100.0
latency_bound_ms = 10000.0
params = {{ {common}, api = "completions", {fixed} }}

[[run]]
workload = "llm"
scenarios = ["offline"]
batch_sizes = [1, 2, 4]
params = {{ {common}, api = "chat", prompt_tokens = {{ kind = "log-normal", median = 48.0, sigma = 0.4, min = 16, max = 128 }}, output_tokens = {{ kind = "log-normal", median = 8.0, sigma = 0.4, min = 4, max = 16 }} }}
"#
    )
}

fn count(v: &serde_json::Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

fn positive(v: &serde_json::Value) -> bool {
    v.as_f64().is_some_and(|x| x > 0.0)
}

/// The checks every result passes: VALID, every request answered in full,
/// counts from the server's usage, timings present and positive, energy unmeasured.
fn check_result(doc: &serde_json::Value, min_queries: u64) -> u64 {
    let name = format!("{} b{}", doc["scenario"], doc["batch_size"]);
    assert_eq!(doc["verdict"]["valid"], true, "{name}: {}", doc["verdict"]);
    assert_eq!((doc["backend"].as_str(), doc["device"].as_str()), (Some("openai"), Some("endpoint")), "{name}");
    assert_eq!(doc["engine"], "openai", "{name}");
    let e = &doc["endpoint"];
    let done = count(&e["requests_completed"]);
    assert!(done >= min_queries, "{name}: {e}");
    assert_eq!((count(&e["requests_sent"]), count(&e["requests_failed"])), (done, 0), "{name}: {e}");
    assert_eq!(e["failures"], serde_json::json!({}), "{name}");
    assert_eq!(e["settings"]["model"], MODEL, "{name}");
    // llama.cpp's server sends usage in the last chunk; ignore_eos gives every answer its full length.
    assert_eq!(count(&e["token_counts_from"]["usage"]), done, "{name}: {e}");
    let returned = count(&e["output_tokens_returned"]);
    assert_eq!(returned, count(&e["output_tokens_requested"]), "{name}: {e}");
    assert_eq!(count(&e["answers_shorter_than_requested"]), 0, "{name}");
    assert!(returned >= done * 4, "{name}: {returned} tokens for {done} answers");
    let g = &doc["generation"];
    assert_eq!(count(&g["output_tokens"]), returned, "{name}");
    // The server's own prompt counts (the chat template adds to the prompt).
    assert!(count(&g["prompt_tokens"]) >= done * 16, "{name}: {}", g["prompt_tokens"]);
    assert_eq!(count(&g["ttft_ns"]["count"]), done, "{name}");
    assert!(count(&g["ttft_ns"]["min"]) > 0, "{name}: {}", g["ttft_ns"]);
    // One chunk per token: every answer has tokens − 1 intervals.
    assert_eq!(count(&g["itl_ns"]["count"]), returned - done, "{name}: {}", g["itl_ns"]);
    assert!(positive(&g["itl_ns"]["mean"]), "{name}: {}", g["itl_ns"]);
    assert_eq!(count(&e["tpot_ns"]["count"]), done, "{name}");
    assert!(count(&e["tpot_ns"]["min"]) > 0, "{name}: {}", e["tpot_ns"]);
    assert!(positive(&g["output_tokens_per_s"]) && positive(&e["output_tokens_per_s_per_user"]), "{name}: {g}");
    assert!(count(&doc["latency_ns"]["min"]) >= count(&g["ttft_ns"]["min"]), "{name}");
    assert_eq!(count(&doc["queries"]), done, "{name}");
    // Nothing meters the server here: energy is unmeasured, never estimated.
    assert_eq!(doc["energy"]["method"], "unmeasured", "{name}");
    assert!(g["j_per_output_token"].is_null(), "{name}");
    done
}

#[test]
fn a_real_llama_cpp_server_runs_offline_server_and_a_sweep_end_to_end() {
    let (Some(server), Some(model)) =
        (std::env::var_os("WATTBENCH_REAL_LLM_SERVER"), std::env::var_os("WATTBENCH_REAL_LLM_MODEL"))
    else {
        eprintln!(
            "skipped: WATTBENCH_REAL_LLM_SERVER and WATTBENCH_REAL_LLM_MODEL are not set (scripts/ci/llm-server.sh sets them where it can install llama.cpp's server; it printed why it could not)"
        );
        return;
    };
    let (server, model) = (PathBuf::from(server), PathBuf::from(model));
    assert!(server.is_file() && model.is_file(), "{} or {} is missing", server.display(), model.display());
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let s = start(&server, &model, dir.path());
    eprintln!("llama.cpp's server ready in {:.2} s", started.elapsed().as_secs_f64());
    let base_url = format!("http://127.0.0.1:{}/v1", s.port);
    std::fs::write(dir.path().join("s.toml"), suite(&base_url)).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--results", "out"]);
    assert!(o.status.success(), "{}\nserver log:\n{}", stderr(&o), s.log_tail());
    let files = result_files(&dir.path().join("out"));
    assert_eq!(files.len(), 5, "{}", stderr(&o));
    let docs: Vec<serde_json::Value> =
        files.iter().map(|f| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap()).collect();
    let shape: Vec<(&str, u64, &str)> = docs
        .iter()
        .map(|d| {
            let api = d["endpoint"]["settings"]["api"].as_str().unwrap_or("?");
            (d["scenario"].as_str().unwrap_or("?"), count(&d["batch_size"]), api)
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("offline", 4, "chat/completions"),
            ("server", 1, "completions"),
            ("offline", 1, "chat/completions"),
            ("offline", 2, "chat/completions"),
            ("offline", 4, "chat/completions")
        ]
    );

    // Offline, chat: fixed lengths, and the objectives met with goodput.
    let done = check_result(&docs[0], 24);
    assert_eq!(count(&docs[0]["endpoint"]["output_tokens_returned"]), done * OUTPUT_TOKENS);
    let slo = &docs[0]["endpoint"]["slo"];
    assert_eq!((slo["met"].as_bool(), count(&slo["requests_meeting"])), (Some(true), done), "{slo}");
    assert!(positive(&slo["goodput_per_s"]), "{slo}");

    // Server: Poisson arrivals at 100/s, enough queries for the p99 bound.
    let done = check_result(&docs[1], 500);
    assert_eq!(count(&docs[1]["endpoint"]["output_tokens_returned"]), done * OUTPUT_TOKENS);
    assert_eq!(docs[1]["server"]["target_qps"], 100.0);
    assert_eq!(count(&docs[1]["server"]["scheduler_lateness_ns"]["count"]), done);
    let passed = docs[1]["verdict"]["passed_rules"].as_array().unwrap();
    for rule in ["latency_early_stopping", "latency_bound", "request_failures"] {
        assert!(passed.iter().any(|r| r == rule), "{rule}: {}", docs[1]["verdict"]);
    }

    // The sweep: one VALID point per concurrency.
    for d in &docs[2..] {
        check_result(d, 24);
    }

    let o = wattbench(dir.path(), &["check", "out"]);
    assert!(o.status.success(), "wattbench check: {}{}", stdout(&o), stderr(&o));
    let o = wattbench(dir.path(), &["report", "out", "--out", "r.html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(
        html.contains("<section id=\"load-curve\"") && html.contains(&format!("load curve of {MODEL}")),
        "no load curve"
    );
    assert!(html.contains("J per output token: energy unmeasured"));
    eprintln!("real-server suite, check and report in {:.1} s", started.elapsed().as_secs_f64());
}
