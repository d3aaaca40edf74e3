//! `merge` on inputs that do not belong together, and on hostile names.

use std::path::{Path, PathBuf};

use super::support::*;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/results/scripted/01-load-forecast-offline-cpu-f32-b4.json")
}

fn edited(dir: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(fixture()).unwrap()).unwrap();
    edit(&mut doc);
    std::fs::write(dir.join(name), serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
}

#[test]
fn results_from_different_data_or_settings_are_refused_one_line_each() {
    let dir = tempfile::tempdir().unwrap();
    edited(dir.path(), "a.json", |_| {});
    edited(dir.path(), "b.json", |d| {
        d["provenance"]["data_sha256"] = "00".repeat(32).into();
        d["settings"]["seed"] = 99.into();
    });
    let o = wattbench(dir.path(), &["merge", "a.json", "b.json", "--out", "merged"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_clean_error(&o);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].starts_with("error: load-forecast offline cpu f32 b4: provenance.data_sha256 differs:"), "{err}");
    assert!(lines[0].contains("a.json") && lines[0].contains("b.json"), "{err}");
    assert!(lines[1].contains("settings.seed differs: \"2026\" in a.json but \"99\" in b.json"), "{err}");
    assert!(lines[2].contains("nothing merged"), "{err}");
    assert!(!dir.path().join("merged").exists(), "nothing written");
}

#[test]
fn copies_of_one_shard_merge_without_question() {
    let dir = tempfile::tempdir().unwrap();
    edited(dir.path(), "a.json", |_| {});
    edited(dir.path(), "b.json", |_| {});
    let o = wattbench(dir.path(), &["merge", "a.json", "b.json", "--out", "merged"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(result_files(&dir.path().join("merged")).len(), 1);
}

#[test]
fn hostile_names_never_write_outside_out() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    edited(&inputs, "a.json", |d| {
        // Before the fix this wrote `y-offline-cpu-f32-b4-merged.json` beside `out`.
        d["workload"] = "x/../../y".into();
    });
    // The folders a traversal needs, as a planted --out could hold them.
    let out = dir.path().join("out");
    for d in ["00-x", ".00-x"] {
        std::fs::create_dir_all(out.join(d)).unwrap();
    }
    let o = wattbench(dir.path(), &["merge", "in", "--out", "out"]);
    // The renamed workload no longer matches its gate's raw data, so the
    // check refuses the file before merge writes anything; either way,
    // nothing may appear outside `--out`.
    assert!(o.status.code().is_some_and(|c| c == 0 || c == 2), "{}", stderr(&o));
    let mut top: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    top.sort();
    assert_eq!(top, ["in", "out"], "a file escaped --out");
    let written: Vec<PathBuf> = result_files(&out);
    if !o.status.success() {
        assert!(written.is_empty(), "a refused merge wrote {written:?}");
        return;
    }
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(written[0].parent(), Some(out.as_path()), "written directly in --out: {written:?}");
    let name = written[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(!name.contains("..") && !name.contains('/'), "{name}");
}
