//! The REDD loader on tiny house folders: alignment, gaps, windows, and each
//! kind of malformed input.

use super::*;
use crate::nilm::generator::{household, NilmConfig};
use std::fmt::Write as _;
use std::fs;

/// Options for the tiny test houses: 5-interval windows of 8 s, stride 2.
fn opts() -> ReddOptions {
    ReddOptions {
        appliance: "washer_dryer".into(),
        target_scale_w: 2500.0,
        window: 5,
        interval_s: 8,
        max_gap_s: 30.0,
        stride: 2,
    }
}

/// `timestamp watts` lines for timestamps `from..to` every `step` seconds.
fn channel(from: u32, to: u32, step: usize, watts: impl Fn(u32) -> f64) -> String {
    let mut s = String::new();
    for t in (from..to).step_by(step) {
        let _ = writeln!(s, "{t} {}", watts(t));
    }
    s
}

const LABELS: &str = "1 mains\n2 mains\n3 refrigerator\n4 washer_dryer\n5 washer_dryer\n6 lighting\n";

/// A good house: mains legs 200 W and a ramp at 1 s, the washer-dryer legs
/// 10 W and 20 W at 3 s, a refrigerator, and an unused malformed lighting file.
fn write_good(dir: &Path) {
    let files = [
        ("labels.dat", LABELS.to_string()),
        ("channel_1.dat", channel(1000, 1400, 1, |_| 200.0)),
        ("channel_2.dat", channel(1000, 1400, 1, |t| f64::from(t - 1000))),
        ("channel_3.dat", channel(1000, 1400, 3, |_| 120.0)),
        ("channel_4.dat", channel(1001, 1400, 3, |_| 10.0)),
        ("channel_5.dat", channel(1002, 1400, 3, |_| 20.0)),
        ("channel_6.dat", "not read at all\n".to_string()),
    ];
    for (name, text) in files {
        fs::write(dir.join(name), text).unwrap();
    }
}

fn err(dir: &Path, o: &ReddOptions) -> String {
    load_house(dir, o).unwrap_err().to_string()
}

#[test]
fn aligns_sums_and_windows_a_good_house() {
    let dir = tempfile::tempdir().unwrap();
    write_good(dir.path());
    let a = align(dir.path(), &opts()).unwrap();
    // Grid from the latest first timestamp (1002) to the earliest last (1398).
    assert_eq!((a.start_s, a.interval_s, a.valid.len()), (1002.0, 8, 50));
    assert!(a.valid.iter().all(|&v| v));
    // Interval [1002, 1010): mains = 200 + mean(2..=9) = 205.5.
    assert_eq!(a.mains_w[0], 205.5);
    assert_eq!(a.mains_w[1], 213.5);
    assert!(a.target_w.iter().all(|&w| w == 30.0));
    let d = load_house(dir.path(), &opts()).unwrap();
    d.check().unwrap();
    assert_eq!((d.n, d.input_shape.as_slice()), (23, &[1, 5][..]));
    assert_eq!(d.input(0)[0], (205.5 / AGGREGATE_SCALE_W) as f32);
    assert_eq!(d.input(1)[0], a.mains_w[2] / 2000.0);
    assert!(d.targets.as_f32().iter().all(|&v| v == (30.0f64 / 2500.0) as f32));
    // The refrigerator as target instead.
    let fridge = ReddOptions { appliance: "refrigerator".into(), target_scale_w: 300.0, ..opts() };
    let d = load_house(dir.path(), &fridge).unwrap();
    assert!(d.targets.as_f32().iter().all(|&v| v == 0.4));
}

#[test]
fn gaps_break_windows_but_short_holes_are_held() {
    let dir = tempfile::tempdir().unwrap();
    write_good(dir.path());
    // Leg 4 silent from 1100 to 1200: held for 30 s, then a gap.
    let leg = channel(1001, 1400, 3, |_| 10.0);
    let kept: String = leg
        .lines()
        .filter(|l| !(1100..1200).contains(&l[..4].parse::<u32>().unwrap()))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(dir.path().join("channel_4.dat"), kept).unwrap();
    let a = align(dir.path(), &opts()).unwrap();
    let invalid: Vec<usize> = (0..a.valid.len()).filter(|&k| !a.valid[k]).collect();
    // Last reading 1099: intervals starting at <= 1129 hold it, later ones up
    // to the one holding 1201 are gaps.
    let start_of = |k: usize| a.start_s + 8.0 * k as f64;
    assert!(!invalid.is_empty());
    assert!(start_of(invalid[0]) > 1129.0 && start_of(invalid[0]) <= 1137.0, "{}", start_of(invalid[0]));
    assert!(start_of(*invalid.last().unwrap()) < 1201.0);
    assert_eq!(invalid.len(), invalid.last().unwrap() - invalid[0] + 1);
    for s in window_starts(&a, 5, 2) {
        assert!((s..s + 5).all(|k| a.valid[k]), "window at {s} spans the gap");
    }
    let d = load_house(dir.path(), &opts()).unwrap();
    assert!(d.n < 23 && d.n > 10, "{}", d.n);
    // A longer hold bridges the gap.
    let long = ReddOptions { max_gap_s: 120.0, ..opts() };
    assert!(align(dir.path(), &long).unwrap().valid.iter().all(|&v| v));
}

#[test]
fn malformed_houses_name_file_and_line() {
    let o = opts();
    let cases: [(&str, &str, &str, &str); 10] = [
        (
            "channel_1.dat",
            "1000 200\n1001 200\n1002 abc\n",
            "channel_1.dat:3: expected `timestamp watts`",
            "not a number",
        ),
        ("channel_2.dat", "1000 1\n1001 1 7\n", "channel_2.dat:2: expected `timestamp watts`, got `1001 1 7`", "three"),
        (
            "channel_4.dat",
            "1001 1\n1004 1\n1007 1\n1007 1\n",
            "channel_4.dat:4: timestamp 1007 does not follow 1007",
            "repeat",
        ),
        ("channel_5.dat", "1002 1\n1001 1\n", "channel_5.dat:2: timestamp 1001 does not follow 1002", "backwards"),
        ("channel_1.dat", "1000 NaN\n", "channel_1.dat:1: expected", "NaN"),
        ("channel_1.dat", "\n\n", "channel_1.dat: no readings", "empty"),
        (
            "labels.dat",
            "1 mains\n2 mains\n4 washer_dryer\n9 oven\n",
            "labels.dat:4: channel 9 (`oven`) has no file channel_9.dat",
            "missing",
        ),
        ("labels.dat", "3 refrigerator\n4 washer_dryer\n", "labels.dat: no channel labelled `mains`", "no mains"),
        ("labels.dat", "1 mains\nmains 2\n", "labels.dat:2: expected `N name`, got `mains 2`", "bad label"),
        ("labels.dat", "1 mains\n2 mains\n1 oven\n", "labels.dat:3: channel 1 already labelled on line 1", "duplicate"),
    ];
    for (file, text, expected, what) in cases {
        let dir = tempfile::tempdir().unwrap();
        write_good(dir.path());
        fs::write(dir.path().join(file), text).unwrap();
        let e = err(dir.path(), &o);
        assert!(e.contains(expected), "{what}: {e}");
        let full = load_house(dir.path(), &o).unwrap_err();
        assert!(full.path.ends_with(file), "{what}: {:?}", full.path);
    }
    let dir = tempfile::tempdir().unwrap();
    write_good(dir.path());
    let jacuzzi = ReddOptions { appliance: "jacuzzi".into(), ..opts() };
    let e = err(dir.path(), &jacuzzi);
    assert!(e.contains("labels.dat: no channel labelled `jacuzzi` (labels: mains, mains, refrigerator"), "{e}");
    let huge = ReddOptions { window: 61, ..opts() };
    assert!(err(dir.path(), &huge).contains("no complete window of 61 intervals of 8 s (50 of 50 intervals valid)"));
    assert!(err(dir.path(), &ReddOptions { stride: 0, ..opts() }).contains("stride must be >= 1"));
    assert!(err(dir.path(), &ReddOptions { window: 4, ..opts() }).contains("window must be odd"));
    fs::remove_file(dir.path().join("channel_3.dat")).unwrap();
    assert!(err(dir.path(), &o).contains("labels.dat:3: channel 3 (`refrigerator`) has no file channel_3.dat"));
    fs::remove_file(dir.path().join("labels.dat")).unwrap();
    assert!(err(dir.path(), &o).contains("labels.dat: cannot read"));
    let empty = tempfile::tempdir().unwrap();
    fs::write(empty.path().join("labels.dat"), "\n").unwrap();
    assert!(err(empty.path(), &o).ends_with("labels.dat: no channels"));
}

#[test]
fn a_synthetic_house_written_as_redd_loads_like_the_generator() {
    let cfg = NilmConfig::default();
    let h = household(&cfg, 2, 4).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let t0 = 1_303_000_000u64;
    let mut files = vec![String::new(); 4];
    let wm = &h.trace(Appliance::WashingMachine).unwrap().power_w;
    for (j, (&agg, &w)) in h.aggregate_w.iter().zip(wm).enumerate() {
        let t = t0 + 8 * j as u64;
        // Two mains legs, two washer legs (a 240 V appliance), one reading per
        // interval, all inside the interval of the generator's sample.
        let _ = writeln!(files[0], "{t} {}", agg * 0.25);
        let _ = writeln!(files[1], "{t}.25 {}", agg * 0.75);
        let _ = writeln!(files[2], "{t}.5 {}", w * 0.5);
        let _ = writeln!(files[3], "{t}.75 {}", w * 0.5);
    }
    for (i, text) in files.iter().enumerate() {
        fs::write(dir.path().join(format!("channel_{}.dat", i + 1)), text).unwrap();
    }
    fs::write(dir.path().join("labels.dat"), "1 mains\n2 mains\n3 washer_dryer\n4 washer_dryer\n").unwrap();
    let o = ReddOptions { stride: 100, ..ReddOptions::for_appliance(Appliance::WashingMachine).unwrap() };
    let d = load_house(dir.path(), &o).unwrap();
    assert_eq!(d.n, (h.aggregate_w.len() - 599) / 100 + 1);
    for i in 0..d.n {
        let s = i * 100;
        let want: Vec<f32> =
            h.aggregate_w[s..s + 599].iter().map(|&w| (f64::from(w) / AGGREGATE_SCALE_W) as f32).collect();
        let close = d.input(i).iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-6);
        assert!(close, "window {i}");
        let target = d.targets.as_f32()[i];
        assert!((target - (f64::from(wm[s + 299]) / 2500.0) as f32).abs() < 1e-6);
    }
    assert!(ReddOptions::for_appliance(Appliance::Kettle).is_none());
    assert_eq!(ReddOptions::for_appliance(Appliance::Dishwasher).unwrap().appliance, "dishwaser");
}
