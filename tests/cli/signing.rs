//! Signed results: `keygen`, `sign` (only files that pass `check`), and
//! `check --trust` refusing an edited, unsigned or foreign-signed file.

use super::support::*;

fn fixture(dir: &std::path::Path) -> std::path::PathBuf {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/results/scripted/01-load-forecast-offline-cpu-f32-b4.json");
    let dst = dir.join("r.json");
    std::fs::copy(src, &dst).unwrap();
    dst
}

#[test]
fn a_signed_result_checks_with_its_key_and_fails_when_edited_or_untrusted() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture(dir.path());
    let o = wattbench(dir.path(), &["keygen", "--out", "lab.key"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let public = stdout(&o).trim().to_string();
    assert_eq!(public.len(), 64, "{public}");
    let o = wattbench(dir.path(), &["sign", "--key", "lab.key", "r.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("r.json.sig").exists());

    let o = wattbench(dir.path(), &["check", "--trust", &public, "r.json"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains(&format!("(signed by {})", &public[..16])), "{}", stdout(&o));

    // Another lab's key is not trusted.
    let o = wattbench(dir.path(), &["keygen", "--out", "other.key"]);
    let other = stdout(&o).trim().to_string();
    let o = wattbench(dir.path(), &["check", "--trust", &other, "r.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("a key not trusted"), "{}", stdout(&o));

    // One changed byte that `check`'s recomputation cannot see (the suite's
    // description of the command) still breaks the signature.
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replacen("\"command\": \"wattbench", "\"command\": \"Wattbench", 1);
    assert_ne!(text, edited);
    std::fs::write(&file, edited).unwrap();
    let o = wattbench(dir.path(), &["check", "r.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("does not match the file's bytes"), "{}", stdout(&o));
}

#[test]
fn trust_requires_a_signature_and_a_tampered_file_is_never_signed() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture(dir.path());
    let o = wattbench(dir.path(), &["keygen", "--out", "lab.key"]);
    let public = stdout(&o).trim().to_string();
    let o = wattbench(dir.path(), &["check", "--trust", &public, "r.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("not signed"), "{}", stdout(&o));

    let text = std::fs::read_to_string(&file).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let t = v["throughput_per_s"].as_f64().unwrap();
    std::fs::write(
        &file,
        text.replacen(&format!("\"throughput_per_s\": {t}"), &format!("\"throughput_per_s\": {}", t * 10.0), 1),
    )
    .unwrap();
    let o = wattbench(dir.path(), &["sign", "--key", "lab.key", "r.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_clean_error(&o);
    assert!(stderr(&o).contains("not signing anything"), "{}", stderr(&o));
    assert!(!dir.path().join("r.json.sig").exists());

    let o = wattbench(dir.path(), &["check", "--trust", "xyz", "r.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_clean_error(&o);
}
