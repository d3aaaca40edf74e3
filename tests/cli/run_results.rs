//! `wattbench run` end to end on the CPU: the result files, field by field.

use super::support::*;

fn run_tiny(
    extra: &[&str],
    runs: &[(&str, usize)],
) -> (
    tempfile::TempDir,
    std::process::Output,
    Vec<serde_json::Value>,
) {
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
    let (_dir, o, docs) = run_tiny(
        &["--device", "auto"],
        &[("single-stream", 1), ("offline", 8)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    if !has_nvidia_driver() {
        let notices: Vec<_> = stderr(&o)
            .lines()
            .filter(|l| l.starts_with("notice: "))
            .map(String::from)
            .collect();
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(
            notices[0].contains("falling back to the CPU"),
            "{notices:?}"
        );
    }
    assert_eq!(docs.len(), 2);
    let table = stdout(&o);
    assert!(
        table.contains("single-stream") && table.contains("offline"),
        "{table}"
    );

    for (doc, (scenario, batch)) in docs.iter().zip([("single-stream", 1), ("offline", 8)]) {
        assert_eq!(doc["schema_version"], 1);
        assert_eq!(doc["workload"], "load-forecast");
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
        assert!(duration >= 0.5, "min_duration holds: {duration}");
        let throughput = doc["throughput_per_s"].as_f64().unwrap();
        assert!((throughput - samples as f64 / duration).abs() < 1e-6 * throughput);

        let lat = &doc["latency_ns"];
        let p: Vec<u64> = ["p50", "p90", "p99", "p999", "max"]
            .iter()
            .map(|k| lat[k].as_u64().unwrap())
            .collect();
        assert!(
            p.windows(2).all(|w| w[0] <= w[1]),
            "percentiles are ordered: {p:?}"
        );
        assert!(p[0] > 0);
        assert_eq!(lat["count"].as_u64().unwrap(), queries);
        let hist = wattbench::stats::decode_histogram(lat["hdr"].as_str().unwrap()).unwrap();
        assert_eq!(
            hist.len(),
            queries,
            "the serialised histogram holds every query"
        );

        let energy = &doc["energy"];
        for key in [
            "method",
            "window_s",
            "joules",
            "j_per_inference",
            "idle_w",
            "net_j_per_inference",
        ] {
            assert!(energy.get(key).is_some(), "energy.{key} missing");
        }
        if energy["method"] == "unmeasured" {
            for key in ["joules", "j_per_inference", "idle_w", "net_j_per_inference"] {
                assert!(
                    energy[key].is_null(),
                    "energy.{key} must be null when unmeasured"
                );
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
        for key in [
            "git_hash",
            "cpu_model",
            "os",
            "suite_sha256",
            "data_sha256",
            "weights",
            "command",
        ] {
            assert!(
                prov[key].as_str().is_some_and(|s| !s.is_empty()),
                "provenance.{key}"
            );
        }
        assert_eq!(prov["suite_sha256"].as_str().unwrap().len(), 64);
        assert_eq!(prov["data_sha256"], doc["data"]["sha256"]);
    }
    assert_eq!(
        docs[0]["data"]["sha256"], docs[1]["data"]["sha256"],
        "same seed, same data"
    );
}

#[test]
fn scripted_meter_energy_arithmetic_reaches_the_result_file() {
    let (_dir, o, docs) = run_tiny(
        &["--device", "cpu", "--scripted-power-w", "50"],
        &[("offline", 4)],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let e = &docs[0]["energy"];
    assert_eq!(
        e["method"], "scripted",
        "a scripted figure is never labelled as a measurement"
    );
    let window = e["window_s"].as_f64().unwrap();
    let joules = e["joules"].as_f64().unwrap();
    let samples = docs[0]["samples"].as_f64().unwrap();
    assert!(
        (joules - 50.0 * window).abs() < 1e-6 * joules,
        "{joules} J over {window} s at 50 W"
    );
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
    let o = wattbench(
        dir.path(),
        &[
            "run",
            "--suite",
            "s.toml",
            "--device",
            "cpu",
            "--results",
            "out",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_clean_error(&o);
    assert!(
        stderr(&o)
            .lines()
            .any(|l| l.starts_with("error: run 1") && l.contains("bad.mpk")),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        result_files(&dir.path().join("out")).len(),
        1,
        "the good run's result is kept"
    );
}
