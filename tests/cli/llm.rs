//! `wattbench run` of the llm workload on the CPU: token-level figures in the result.

use super::support::*;

const SUITE: &str = r#"
name = "llm-tiny"
[defaults]
devices = ["cpu"]
warmup_s = 0.2
min_duration_s = 0.5
min_queries = 3
idle_s = 0.0
trials = 1
[[run]]
workload = "llm"
scenarios = ["offline"]
batch_sizes = [4]
params = { model = "tiny", requests = 8, prompt_tokens = { kind = "fixed", tokens = 32 }, output_tokens = { kind = "fixed", tokens = 6 } }
"#;

#[test]
fn a_tiny_llm_run_reports_ttft_itl_token_rates_and_unmeasured_energy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("llm.toml"), SUITE).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "llm.toml", "--results", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = result_files(&dir.path().join("out"));
    assert_eq!(files.len(), 1);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    let g = &doc["generation"];
    let queries = doc["queries"].as_u64().unwrap();
    // Every request of a timed batch has one first token; every decode step is one interval.
    assert_eq!(g["ttft_ns"]["count"].as_u64().unwrap(), queries * 4);
    assert_eq!(g["itl_ns"]["count"].as_u64().unwrap(), queries * 5);
    assert_eq!(g["output_tokens"].as_u64().unwrap(), queries * 4 * 6);
    // A prompt longer than its target length is kept whole.
    assert!(g["prompt_tokens"].as_u64().unwrap() >= queries * 4 * 32);
    assert!(!g["ttft_ns"]["hdr"].as_str().unwrap().is_empty());
    let rate = g["output_tokens_per_s"].as_f64().unwrap();
    let expected = (queries * 24) as f64 / doc["duration_s"].as_f64().unwrap();
    assert!((rate - expected).abs() < 1e-6 * expected, "{rate} vs {expected}");
    assert!(g["prefill_tokens_per_s"].as_f64().unwrap() > 0.0 && g["decode_tokens_per_s"].as_f64().unwrap() > 0.0);
    // No meter on this machine's CPU path in tests: energy per token is absent, never estimated.
    if doc["energy"]["method"] == "unmeasured" {
        assert!(g["j_per_output_token"].is_null());
    }
    assert_eq!(doc["model"]["weights"]["kind"], "random-init");
    // The binary fixes its heap policy at start-up and says so.
    let allocator = doc["provenance"]["allocator"].as_str().unwrap();
    assert!(
        !cfg!(all(target_os = "linux", target_env = "gnu")) || allocator.starts_with("glibc malloc, fixed"),
        "{allocator}"
    );
    assert!(doc["quality"]["gate"].as_str().unwrap().contains("random weights"));
}
