//! The serving GPUs' energy read over the network: `wattbench meter serve`
//! with scripted counters on loopback, and an endpoint run that reads it at
//! its window's edges.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::openai_server::{start, Behaviour, MODEL};
use super::support::*;

const TOKEN: &str = "loopback-meter-token-0123";
const WATTS: f64 = 100.0;

/// A `wattbench meter serve` child with its address; killed when dropped.
struct MeterServe {
    child: Child,
    url: String,
}

impl Drop for MeterServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn meter_serve(devices: &[&str]) -> MeterServe {
    let mut args =
        vec!["meter", "serve", "--listen", "127.0.0.1:0", "--scripted-watts", "100", "--token-env", "WB_METER"];
    for d in devices {
        args.extend_from_slice(&["--device", d]);
    }
    let mut child = Command::new(bin())
        .args(&args)
        .env("WB_METER", TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in `{line}`"))
        .trim_end_matches("/v1/energy")
        .to_string();
    MeterServe { child, url }
}

fn suite(base_url: &str, meter: &str) -> String {
    format!(
        r#"name = "remote-meter"
[defaults]
devices = ["cpu"]
warmup_s = 0.1
min_duration_s = 0.5
min_queries = 8
idle_s = 0.2
trials = 2
[[run]]
workload = "llm"
scenarios = ["offline"]
batch_sizes = [4]
params = {{ engine = "openai", base_url = "{base_url}", model = "{MODEL}", timeout_s = 5.0, requests = 16, prompt_tokens = {{ kind = "fixed", tokens = 40 }}, output_tokens = {{ kind = "fixed", tokens = 6 }}{meter} }}
"#
    )
}

fn run(text: &str, envs: &[(&str, &str)]) -> (std::process::Output, Vec<serde_json::Value>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let mut cmd = Command::new(bin());
    cmd.args(["run", "--suite", "s.toml", "--results", "out", "--cooldown-s", "0"]).current_dir(dir.path());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let docs = result_files(&dir.path().join("out"))
        .iter()
        .map(|f| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap())
        .collect();
    (o, docs, dir)
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn an_endpoint_run_sums_the_remote_gpus_keeps_each_and_records_every_reads_timing() {
    let server = start(Behaviour { token_delay: Duration::from_millis(2), ..Default::default() }, 10_000);
    let meter = meter_serve(&["cuda:0", "cuda:1", "cuda:2"]);
    let params =
        format!(r#", meter = ["cuda:0", "cuda:2"], meter_url = "{}", meter_token_env = "WB_METER""#, meter.url);
    let (o, docs, dir) = run(&suite(&server.base_url(), &params), &[("WB_METER", TOKEN)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = &docs[0];
    assert_eq!(doc["verdict"]["valid"], true, "{}", doc["verdict"]);
    let e = &doc["energy"];
    assert_eq!(e["method"], "scripted", "{e}");
    assert!(e["scope"].as_str().unwrap().starts_with("sum of 2 remote meters (cuda:0 at 127.0.0.1:"), "{e}");
    // Two GPUs at 100 W each: 200 W over the windows, each GPU half of it; the
    // edges are uncertain by the reads' round trips, which the budget states.
    let (joules, window) = (f(&e["joules"]), f(&e["window_s"]));
    let budget = &e["error_budget"];
    let edge = f(&budget["remote_edge_frac"]);
    assert!(edge > 0.0 && edge < 0.2, "{budget}");
    assert!((joules / window - 2.0 * WATTS).abs() <= 2.0 * WATTS * (edge + 0.02), "{joules} J in {window} s; {budget}");
    let parts = e["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{e}");
    assert!(parts[0]["scope"].as_str().unwrap().starts_with("cuda:0 at "), "{e}");
    assert!(parts[1]["scope"].as_str().unwrap().starts_with("cuda:2 at "), "{e}");
    assert!((f(&parts[0]["joules"]) + f(&parts[1]["joules"]) - joules).abs() < 1e-6 * joules);
    // Idle is measured through the same remote meter, before and after.
    assert!((f(&e["idle_w"]) - 2.0 * WATTS).abs() < 2.0 * WATTS * 0.2, "{e}");
    for t in doc["trials"].as_array().unwrap() {
        let reads = t["energy"]["remote_reads"].as_array().unwrap();
        assert_eq!(reads.len(), 2, "{t}");
        for r in reads {
            assert!(f(&r["rtt_s"]) > 0.0 && f(&r["clock_offset_s"]).abs() < 1.0, "{r}");
        }
    }
    let b = f(&budget["remote_rtt_max_s"]);
    assert!(b > 0.0 && b < 1.0, "{budget}");
    // Joules per output token, per total token and per request follow from the figures.
    let g = &doc["generation"];
    let (out, prompt) = (f(&g["output_tokens"]), f(&g["prompt_tokens"]));
    assert!((f(&g["j_per_output_token"]) - joules / out).abs() < 1e-9 * joules, "{g}");
    assert!((f(&g["j_per_total_token"]) - joules / (out + prompt)).abs() < 1e-9 * joules, "{g}");
    assert!((f(&g["j_per_request"]) - f(&e["j_per_inference"])).abs() < 1e-12, "{g}");
    assert_eq!(doc["endpoint"]["settings"]["meter"], serde_json::json!(["cuda:0", "cuda:2"]));
    assert!(!doc.to_string().contains(TOKEN), "the meter token was written");
    // `check` recomputes everything, the sum of the parts included.
    let c = Command::new(bin()).args(["check", "out"]).current_dir(dir.path()).output().unwrap();
    assert!(c.status.success(), "{}{}", stdout(&c), stderr(&c));
}

#[test]
fn a_meter_that_cannot_be_read_fails_the_run_in_one_line_and_never_guesses() {
    let server = start(Behaviour::default(), 10_000);
    let meter = meter_serve(&["cuda:0"]);
    let cases = [
        (
            format!(r#", meter = ["cuda:0"], meter_url = "{}", meter_token_env = "WB_METER""#, meter.url),
            "wrong-token-of-some-length",
            "HTTP 401",
        ),
        (
            format!(r#", meter = ["cuda:1"], meter_url = "{}", meter_token_env = "WB_METER""#, meter.url),
            TOKEN,
            "does not serve cuda:1 (it serves cuda:0)",
        ),
        (
            r#", meter = ["cuda:0"], meter_url = "http://127.0.0.1:9", meter_token_env = "WB_METER""#.to_string(),
            TOKEN,
            "cannot connect",
        ),
        (
            format!(r#", meter = ["cuda:0"], meter_url = "{}", meter_token_env = "WB_UNSET_METER""#, meter.url),
            TOKEN,
            "WB_UNSET_METER is not set",
        ),
    ];
    for (params, token, why) in cases {
        let (o, docs, _dir) = run(&suite(&server.base_url(), &params), &[("WB_METER", token)]);
        let err = stderr(&o);
        assert!(!o.status.success(), "{params}: {err}");
        assert!(docs.is_empty(), "{params}: a result was written without its energy");
        let line = err.lines().find(|l| l.contains("the serving GPUs' meter")).unwrap_or_else(|| panic!("{err}"));
        assert!(line.contains(why), "{params}: {line}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn meter_serve_refuses_a_short_or_missing_token_and_a_bad_address() {
    let out = |args: &[&str], token: Option<&str>| {
        let mut c = Command::new(bin());
        c.args(["meter", "serve", "--device", "cuda:0", "--scripted-watts", "1", "--token-env", "WB_METER_T"])
            .args(args);
        match token {
            Some(t) => c.env("WB_METER_T", t),
            None => c.env_remove("WB_METER_T"),
        };
        c.output().unwrap()
    };
    let o = out(&["--listen", "127.0.0.1:0"], None);
    assert!(!o.status.success() && stderr(&o).contains("WB_METER_T"), "{}", stderr(&o));
    let o = out(&["--listen", "127.0.0.1:0"], Some("short"));
    assert!(!o.status.success() && stderr(&o).contains("at least 16 bytes"), "{}", stderr(&o));
    let o = out(&["--listen", "not-an-address"], Some(TOKEN));
    assert!(!o.status.success() && stderr(&o).contains("cannot listen on not-an-address"), "{}", stderr(&o));
}
