//! `wattbench train` refuses non-finite or non-positive arguments in one
//! line, before training, and writes no weights.

use super::support::{assert_clean_error, tiny_suite, wattbench};

#[test]
fn non_finite_or_non_positive_learning_rates_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tiny.toml"), tiny_suite(0.2, &[("offline", 4)])).unwrap();
    for lr in ["nan", "inf", "-inf", "0", "-0.001"] {
        let flag = format!("--learning-rate={lr}");
        let o = wattbench(
            dir.path(),
            &[
                "train",
                "load-forecast",
                "--suite",
                "tiny.toml",
                "--device",
                "cpu",
                "--epochs",
                "1",
                &flag,
                "--out",
                "w.mpk",
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{lr}: {o:?}");
        assert_clean_error(&o);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--learning-rate must be finite and > 0"), "{lr}: {err}");
        assert!(!dir.path().join("w.mpk").exists(), "{lr}: weights were written");
    }
}
