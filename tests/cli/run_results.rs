//! `wattbench run` end to end on the CPU: the result files, field by field.

use super::support::*;

fn run_tiny(
    extra: &[&str],
    runs: &[(&str, usize)],
) -> (tempfile::TempDir, std::process::Output, Vec<serde_json::Value>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tiny.toml"), tiny_suite(0.5, runs)).unwrap();
    let mut args = vec!["run", "--suite", "tiny.toml", "--results", "out"];
    args.extend_from_slice(extra);
    let o = wattbench(dir.path(), &args);
    let docs = result_files(&dir.path().join("out"))
        .iter()
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect();
    (dir, o, docs)
}

#[test]
fn auto_device_falls_back_and_writes_one_complete_file_per_run() {
    let (_dir, o, docs) = run_tiny(&["--device", "auto"], &[("single-stream", 1), ("offline", 8)]);
    assert!(o.status.success(), "{}", stderr(&o));
    if !has_nvidia_driver() {
        let notices: Vec<_> = stderr(&o).lines().filter(|l| l.starts_with("notice: ")).map(String::from).collect();
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(notices[0].contains("falling back to the CPU"), "{notices:?}");
    }
    assert_eq!(docs.len(), 2);
    let table = stdout(&o);
    assert!(table.contains("single-stream") && table.contains("offline"), "{table}");

    for (doc, (scenario, batch)) in docs.iter().zip([("single-stream", 1), ("offline", 8)]) {
        assert_eq!(doc["schema_version"], 3);
        assert_eq!(doc["workload"], "load-forecast");
        assert_eq!(doc["engine"], "burn");
        assert_eq!(doc["scenario"], scenario);
        assert_eq!(doc["batch_size"], batch);
        assert_eq!(doc["precision"], "f32");
        if !has_nvidia_driver() {
            assert_eq!(doc["device"], "cpu");
            assert_eq!(doc["backend"], "flex");
        }
        let samples = doc["samples"].as_u64().unwrap();
        let queries = doc["queries"].as_u64().unwrap();
        assert!(queries >= 5, "min_queries holds");
        assert_eq!(samples, queries * batch);
        let duration = doc["duration_s"].as_f64().unwrap();
        assert!(duration >= 1.0, "two trials of at least 0.5 s: {duration}");
        let throughput = doc["throughput_per_s"].as_f64().unwrap();
        let trials = doc["trials"].as_array().unwrap();
        assert_eq!(trials.len(), 2);
        let per_trial: Vec<f64> = trials.iter().map(|t| t["throughput_per_s"].as_f64().unwrap()).collect();
        assert!((throughput - (per_trial[0] + per_trial[1]) / 2.0).abs() < 1e-9 * throughput, "the mean over trials");
        let ci = doc["throughput_ci95_per_s"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() <= throughput && throughput <= ci[1].as_f64().unwrap());
        let trial_samples: u64 = trials.iter().map(|t| t["samples"].as_u64().unwrap()).sum();
        assert_eq!(trial_samples, samples);
        assert!(trials.iter().all(|t| t["duration_s"].as_f64().unwrap() >= 0.5), "min_duration holds in every trial");
        let verdict = &doc["verdict"];
        assert!(verdict["valid"].is_boolean());
        let failed: Vec<&str> =
            verdict["failed_rules"].as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap()).collect();
        assert_eq!(verdict["valid"].as_bool().unwrap(), failed.is_empty());
        if scenario == "single-stream" {
            // Ten queries in half a second are far too few to bound the p99 at 99% confidence.
            let es = &doc["latency_early_stopping"];
            if es["queries"].as_u64().unwrap() < 459 {
                assert!(failed.contains(&"latency_early_stopping"), "{failed:?}");
                assert!(es["latency_ns"].is_null());
            }
        }

        let lat = &doc["latency_ns"];
        let p: Vec<u64> = ["p50", "p90", "p99", "p999", "max"].iter().map(|k| lat[k].as_u64().unwrap()).collect();
        assert!(p.windows(2).all(|w| w[0] <= w[1]), "percentiles are ordered: {p:?}");
        assert!(p[0] > 0);
        assert_eq!(lat["count"].as_u64().unwrap(), queries, "the merged histogram holds every trial's queries");
        let hist = wattbench::stats::decode_histogram(lat["hdr"].as_str().unwrap()).unwrap();
        assert_eq!(hist.len(), queries, "the serialised histogram holds every query");

        let energy = &doc["energy"];
        for key in ["method", "window_s", "joules", "j_per_inference", "idle_w", "net_j_per_inference"] {
            assert!(energy.get(key).is_some(), "energy.{key} missing");
        }
        if energy["method"] == "unmeasured" {
            for key in ["joules", "j_per_inference", "idle_w", "net_j_per_inference"] {
                assert!(energy[key].is_null(), "energy.{key} must be null when unmeasured");
            }
        }
        let q = &doc["quality"];
        assert_eq!(q["metric"], "mape_pct");
        assert!(q["value"].as_f64().unwrap() > 0.0);
        assert!(q["passes"].is_boolean());
        assert!(q["samples"].as_u64().unwrap() > 0);

        let prov = &doc["provenance"];
        assert_eq!(prov["burn_version"], "0.21.0");
        assert_eq!(prov["wattbench_version"], env!("CARGO_PKG_VERSION"));
        for key in ["git_hash", "cpu_model", "os", "suite_sha256", "data_sha256", "weights", "command", "node"] {
            assert!(prov[key].as_str().is_some_and(|s| !s.is_empty()), "provenance.{key}");
        }
        assert_eq!(prov["suite_sha256"].as_str().unwrap().len(), 64);
        assert_eq!(prov["data_sha256"], doc["data"]["sha256"]);
    }
    assert_eq!(docs[0]["data"]["sha256"], docs[1]["data"]["sha256"], "same seed, same data");
}

#[test]
fn scripted_meter_energy_arithmetic_reaches_the_result_file() {
    let (_dir, o, docs) = run_tiny(&["--device", "cpu", "--scripted-power-w", "50"], &[("offline", 4)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = &docs[0]["energy"];
    assert_eq!(e["method"], "scripted", "a scripted figure is never labelled as a measurement");
    let window = e["window_s"].as_f64().unwrap();
    let joules = e["joules"].as_f64().unwrap();
    let samples = docs[0]["samples"].as_f64().unwrap();
    assert!((joules - 50.0 * window).abs() < 1e-4 * joules, "{joules} J over {window} s at 50 W");
    assert!((e["j_per_inference"].as_f64().unwrap() - joules / samples).abs() < 1e-12);
    // Readings and timestamps are microseconds apart, so idle and average
    // power match 50 W to about 1e-4, and the net energy is near zero.
    assert!((e["idle_w"].as_f64().unwrap() - 50.0).abs() < 50.0 * 1e-3);
    assert!((e["avg_power_w"].as_f64().unwrap() - 50.0).abs() < 50.0 * 1e-3);
    let net = e["net_j_per_inference"].as_f64().unwrap();
    assert!(
        net.abs() < 1e-2 * e["j_per_inference"].as_f64().unwrap(),
        "50 W busy minus 50 W idle is about zero: {net}"
    );
}

#[test]
fn a_bad_weights_file_fails_that_run_in_one_line_and_keeps_the_others() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.mpk"), b"not a burn record").unwrap();
    let mut suite = tiny_suite(0.3, &[("offline", 4)]);
    suite.push_str("\n[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"offline\"]\nparams = { hours = 1200, input_len = 24, horizon = 6, hidden = 8, weights = \"bad.mpk\" }\n");
    std::fs::write(dir.path().join("s.toml"), suite).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--device", "cpu", "--results", "out"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_clean_error(&o);
    assert!(stderr(&o).lines().any(|l| l.starts_with("error: run 1") && l.contains("bad.mpk")), "{}", stderr(&o));
    assert_eq!(result_files(&dir.path().join("out")).len(), 1, "the good run's result is kept");
}

#[test]
fn a_window_too_short_for_a_coarse_counter_is_invalid_with_the_fix() {
    // The scripted counter moves every 100 ms, like NVML's on some GPUs: a
    // 0.5 s window has a quantisation error of 2 x 0.1 / 0.5 = 40%.
    let (_dir, o, docs) = run_tiny(
        &["--device", "cpu", "--scripted-power-w", "50", "--scripted-counter-period-ms", "100", "--idle-s", "0.5"],
        &[("offline", 4)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = &docs[0]["verdict"];
    assert_eq!(v["valid"], false);
    let rule = v["failed_rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "energy_window")
        .expect("energy_window failed");
    let period = docs[0]["trials"][0]["idle_before"]["counter_period_s"].as_f64().unwrap();
    assert!((period - 0.1).abs() < 0.02, "measured period {period}");
    // The fix asks for the window that makes 2 x period / window 2%: 100
    // periods, about 10 s (10.1 s when a loaded machine measured 101 ms).
    let fix = rule["fix"].as_str().unwrap();
    let asked: f64 = fix
        .strip_prefix("raise min_duration_s to at least ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{rule}"));
    // The rule names the first trial whose window is too short: with every
    // window this short, the first trial (its own period, which differs from
    // the others' by a millisecond or so on a loaded machine).
    assert!((asked - 100.0 * period).abs() <= 0.051 && (asked - 10.0).abs() < 2.0, "{rule}");
    assert!(stderr(&o).contains("INVALID energy_window"), "{}", stderr(&o));
}

#[test]
fn a_missed_server_latency_bound_is_invalid_and_says_reduce_the_rate() {
    let dir = tempfile::tempdir().unwrap();
    let suite = tiny_suite(0.5, &[]) + "\n[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"server\"]\ntarget_qps = 200.0\nlatency_bound_ms = 0.001\nmin_queries = 50\nparams = { hours = 1200, input_len = 24, horizon = 6, hidden = 8 }\n";
    std::fs::write(dir.path().join("s.toml"), suite).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--device", "cpu", "--results", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = result_files(&dir.path().join("out"));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    let server = &doc["server"];
    assert_eq!(server["target_qps"], 200.0);
    assert!(server["achieved_qps"].as_f64().unwrap() > 100.0);
    assert!(server["scheduler_lateness_ns"]["count"].as_u64().unwrap() >= 50);
    let failed: Vec<_> = doc["verdict"]["failed_rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(failed.contains(&"latency_bound".to_string()), "{failed:?}");
}

#[test]
fn find_peak_records_every_probe_and_keeps_the_best_valid_rate() {
    let dir = tempfile::tempdir().unwrap();
    let suite = "name = \"peak\"\n[defaults]\nwarmup_s = 0.05\nmin_duration_s = 0.2\nmin_queries = 50\nidle_s = 0.0\ntrials = 1\n\n[[run]]\nworkload = \"noop\"\nscenarios = [\"server\"]\ntarget_qps = 1000.0\nlatency_bound_ms = 0.5\n";
    std::fs::write(dir.path().join("s.toml"), suite).unwrap();
    let o = wattbench(dir.path(), &["run", "--suite", "s.toml", "--device", "cpu", "--results", "out", "--find-peak"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = result_files(&dir.path().join("out"));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    let probes = doc["server"]["peak_search"].as_array().unwrap();
    assert!(!probes.is_empty());
    let rates: Vec<f64> = probes.iter().map(|p| p["target_qps"].as_f64().unwrap()).collect();
    assert_eq!(rates[0], 1000.0);
    // Doubling while VALID: each probe before the first INVALID one doubles the rate.
    let first_invalid = probes.iter().position(|p| p["valid"] == false).unwrap_or(probes.len());
    for w in rates[..first_invalid].windows(2) {
        assert_eq!(w[1], 2.0 * w[0]);
    }
    let best_valid =
        probes.iter().filter(|p| p["valid"] == true).map(|p| p["target_qps"].as_f64().unwrap()).fold(0.0, f64::max);
    if best_valid > 0.0 {
        assert_eq!(doc["server"]["target_qps"].as_f64().unwrap(), best_valid, "the record is the best VALID probe");
    }
}
