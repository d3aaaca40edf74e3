//! `rank`, `compare`, `merge` and `report` on the committed fixture results.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::support::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results")
}

#[test]
fn rank_lists_exclusions_with_reasons_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixtures();
    let o = wattbench(dir.path(), &["rank", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // The fixtures are random-weight models: every run fails its quality gate and none is ranked.
    assert!(out.contains("load-forecast / offline by inferences/J (0 ranked, 2 excluded)"), "{out}");
    assert!(out.contains("not ranked:") && out.contains("fails its quality gate"), "{out}");
    for format in ["markdown", "csv", "json"] {
        let o = wattbench(dir.path(), &["rank", root.to_str().unwrap(), "--format", format, "--by", "throughput"]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
    }
    let o = wattbench(dir.path(), &["rank", root.to_str().unwrap(), "--by", "speed"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown ranking `speed`"), "{}", stderr(&o));
}

#[test]
fn compare_same_results_passes_and_writes_markdown_and_junit() {
    let dir = tempfile::tempdir().unwrap();
    let scripted = fixtures().join("scripted");
    let s = scripted.to_str().unwrap();
    let o = wattbench(dir.path(), &["compare", s, s, "--markdown", "sum.md", "--junit", "junit.xml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = std::fs::read_to_string(dir.path().join("sum.md")).unwrap();
    assert!(md.starts_with("## wattbench compare: No regression"), "{md}");
    let xml = std::fs::read_to_string(dir.path().join("junit.xml")).unwrap();
    assert!(xml.contains("<testcase classname=\"wattbench\" name=\"load-forecast\"/>"), "{xml}");
}

#[test]
fn compare_exits_nonzero_on_a_regression_beyond_noise() {
    let dir = tempfile::tempdir().unwrap();
    let base = fixtures().join("scripted/01-load-forecast-offline-cpu-f32-b4.json");
    // A copy whose trials took twice as long for the same samples: every
    // figure derived from the windows halves with them (so it still passes
    // `wattbench check`), and throughput fell by half.
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&base).unwrap()).unwrap();
    let scale = |v: &mut serde_json::Value, by: f64| *v = (v.as_f64().unwrap() * by).into();
    for t in doc["trials"].as_array_mut().unwrap() {
        scale(&mut t["duration_s"], 2.0);
        scale(&mut t["throughput_per_s"], 0.5);
    }
    scale(&mut doc["duration_s"], 2.0);
    scale(&mut doc["throughput_per_s"], 0.5);
    scale(&mut doc["performance"]["achieved_flops_per_s"], 0.5);
    for i in 0..2 {
        scale(&mut doc["throughput_ci95_per_s"][i], 0.5);
        scale(&mut doc["trial_stats"]["throughput_per_s"]["ci95"][i], 0.5);
    }
    for k in ["mean", "std_dev", "min", "max"] {
        scale(&mut doc["trial_stats"]["throughput_per_s"][k], 0.5);
    }
    std::fs::write(dir.path().join("new.json"), serde_json::to_vec(&doc).unwrap()).unwrap();
    let o = wattbench(dir.path(), &["compare", base.to_str().unwrap(), "new.json", "--junit", "j.xml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("REGRESSION"), "{}", stdout(&o));
    assert!(std::fs::read_to_string(dir.path().join("j.xml")).unwrap().contains("<failure"));
}

#[test]
fn a_foreign_result_file_is_named_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("other.json"), b"{\"name\": \"not ours\"}").unwrap();
    for cmd in [vec!["rank", "other.json"], vec!["report", "other.json"], vec!["merge", "other.json", "--out", "m"]] {
        let o = wattbench(dir.path(), &cmd);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}");
        assert_clean_error(&o);
        assert_eq!(stderr(&o).trim(), "error: other.json: not a wattbench result (no schema_version)");
    }
}

#[test]
fn merge_writes_one_file_per_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let s = fixtures().join("scripted");
    let o = wattbench(dir.path(), &["merge", s.to_str().unwrap(), s.to_str().unwrap(), "--out", "merged"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = result_files(&dir.path().join("merged"));
    assert_eq!(files.len(), 3, "three configurations, each given twice");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(doc["merged_from"].as_array().unwrap().len(), 2);
}

/// Counts pixels close to an RGB colour in a PNG.
fn count_colour(png: &Path, rgb: [u8; 3]) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    buf[..info.buffer_size()]
        .chunks(channels)
        .filter(|p| p.len() >= 3 && (0..3).all(|i| (p[i] as i32 - rgb[i] as i32).abs() <= 12))
        .count()
}

#[test]
fn the_report_renders_its_plots_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixtures();
    let o = wattbench(dir.path(), &["report", root.to_str().unwrap(), "--out", "report.html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    for section in ["summary", "latency", "power", "frontier", "provenance"] {
        assert!(html.contains(&format!("<section id=\"{section}\"")), "{section} missing");
    }
    assert!(!html.contains("<script") && !html.contains("https://"), "self-contained, no network");

    let Some(chromium) = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().find(|p| Path::new(p).exists())
    else {
        eprintln!("SKIPPED the browser check: Debian's chromium is not installed (scripts/test.sh installs it)");
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let shot = dir.path().join("report.png");
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,3000")
        .arg(format!("file://{}", dir.path().join("report.html").display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success() && shot.exists(), "chromium took no screenshot");
    // The first run's colour (#1f77b4) draws its latency CDF, power trace and
    // frontier point; a page whose SVG failed to render has none of it.
    let blue = count_colour(&shot, [0x1f, 0x77, 0xb4]);
    assert!(blue > 500, "only {blue} pixels of the first run's colour: the plots did not render");
}
