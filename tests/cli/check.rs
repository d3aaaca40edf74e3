//! `wattbench check`, and `rank`, `compare`, `merge` and `report` refusing a
//! result whose derived figures its raw data contradict; fresh results pass
//! and carry no absolute local path.

use std::path::{Path, PathBuf};

use super::support::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results")
}

/// A copy of the scripted offline fixture in `dir/name` with `edit` applied.
fn edited(dir: &Path, name: &str, edit: impl Fn(&mut serde_json::Value)) -> PathBuf {
    let base = fixtures().join("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(base).unwrap()).unwrap();
    edit(&mut doc);
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    path
}

fn scale(doc: &mut serde_json::Value, key: &str, by: f64) {
    let v = doc[key].as_f64().unwrap() * by;
    doc[key] = v.into();
}

#[test]
fn check_passes_every_fixture_and_names_each_edited_field() {
    let dir = tempfile::tempdir().unwrap();
    let o = wattbench(dir.path(), &["check", fixtures().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("5 of 5 result(s) check"), "{}", stdout(&o));

    edited(dir.path(), "t/throughput.json", |d| scale(d, "throughput_per_s", 10.0));
    edited(dir.path(), "t/p99.json", |d| {
        d["latency_ns"]["p99"] = (d["latency_ns"]["p99"].as_u64().unwrap() / 2).into()
    });
    edited(dir.path(), "t/energy.json", |d| scale(&mut d["energy"], "j_per_inference", 0.1));
    let o = wattbench(dir.path(), &["check", "t", fixtures().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    for (file, field) in [
        ("throughput.json", "throughput_per_s is"),
        ("p99.json", "latency_ns.p99 is"),
        ("energy.json", "energy.j_per_inference is"),
    ] {
        assert!(out.contains(&format!("FAIL t/{file}")), "{out}");
        assert!(out.contains(field), "{field}: {out}");
    }
    assert!(out.contains("5 of 8 result(s) check"), "{out}");
}

#[test]
fn rank_compare_merge_and_report_refuse_a_file_that_fails_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let bad = edited(dir.path(), "bad/r.json", |d| scale(d, "throughput_per_s", 10.0));
    let bad = bad.to_str().unwrap();
    let good = fixtures().join("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    let good = good.to_str().unwrap();
    for args in [
        vec!["rank", bad],
        vec!["compare", good, bad],
        vec!["merge", good, bad, "--out", "merged"],
        vec!["report", bad, "--out", "r.html"],
    ] {
        let o = wattbench(dir.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_clean_error(&o);
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("fails `wattbench check`: throughput_per_s is"), "{args:?}: {err}");
    }
    assert!(!dir.path().join("merged").exists() && !dir.path().join("r.html").exists());
}

/// Every string in `v` (and its keys), recursively.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

#[test]
fn fresh_and_merged_results_pass_the_check_and_carry_no_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let data = root.join("data");
    std::fs::create_dir(&data).unwrap();
    let suite = root.join("tiny.toml");
    std::fs::write(&suite, tiny_suite(0.2, &[("offline", 4), ("server", 4)]).replace(
        "[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"server\"]",
        "[[run]]\nworkload = \"load-forecast\"\ntarget_qps = 200.0\nlatency_bound_ms = 50.0\nscenarios = [\"server\"]",
    ))
    .unwrap();
    let results = root.join("out");
    let abs = |p: &Path| p.to_str().unwrap().to_string();
    for shard in ["1/1", "1/1"] {
        let o = wattbench(
            &root,
            &[
                "run",
                "--suite",
                &abs(&suite),
                "--results",
                &abs(&results),
                &format!("--data-dir={}", abs(&data)),
                "--weights-dir",
                &abs(&data),
                "--device",
                "cpu",
                "--scripted-power-w",
                "40",
                "--shard",
                shard,
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = wattbench(&root, &["merge", &abs(&results), "--out", &abs(&root.join("merged"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = result_files(&root);
    assert!(files.len() >= 6, "{files:?}");
    let o = wattbench(&root, &["check", &abs(&results), &abs(&root.join("merged"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let local = root.to_str().unwrap();
    for f in &files {
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        let mut all = Vec::new();
        strings(&doc, &mut all);
        for s in all {
            assert!(!s.contains(local), "{}: {s}", f.display());
            assert!(!s.split_whitespace().any(|w| w.starts_with('/')), "{}: {s}", f.display());
        }
    }
}
