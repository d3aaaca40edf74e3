//! The generator's physics, checked class by class.

#![allow(clippy::needless_range_loop)]

use super::dataset::FaultDataset;
use super::fault_type::FaultType;
use super::waveform::{waveform, WaveformConfig, CHANNELS};
use crate::rng::SplitMix64;

fn rms(x: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0, 0.0);
    for v in x {
        s += v * v;
        c += 1.0;
    }
    (s / c).sqrt()
}

fn bits(d: &FaultDataset) -> Vec<u32> {
    d.inputs.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn determinism() {
    let cfg = WaveformConfig::default();
    let a = FaultDataset::generate(&cfg, 4, 42).unwrap();
    let b = FaultDataset::generate(&cfg, 4, 42).unwrap();
    let c = FaultDataset::generate(&cfg, 4, 43).unwrap();
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(a.labels, b.labels);
    assert_ne!(bits(&a), bits(&c));
}

#[test]
fn shapes_and_labels() {
    let cfg = WaveformConfig { samples: 100, ..Default::default() };
    let d = FaultDataset::generate(&cfg, 3, 7).unwrap();
    assert_eq!(d.n, 33);
    assert_eq!(d.samples, 100);
    assert_eq!(d.inputs.len(), 33 * CHANNELS * 100);
    assert_eq!(d.labels.len(), 33);
    for i in 0..d.n {
        assert_eq!(d.labels[i] as usize, i % 11);
        assert_eq!(d.input(i).len(), CHANNELS * 100);
    }
    assert!(d.input(33).is_empty());
    assert!(d.input(usize::MAX).is_empty());
    assert!(d.inputs.iter().all(|v| v.is_finite()));
    for (i, f) in FaultType::ALL.iter().enumerate() {
        assert_eq!(f.label(), i);
        assert_eq!(FaultType::from_label(i), Some(*f));
    }
    assert_eq!(FaultType::NoFault.name(), "no-fault");
    assert_eq!(FaultType::CAG.name(), "CAG");
    assert_eq!(FaultType::from_label(11), None);
}

#[test]
fn physics_per_class() {
    let cfg = WaveformConfig::default();
    let n = cfg.samples;
    let pre = 0..n / 4; // inception is never before n/4
    let post = 3 * n / 4..n; // ...and never after 3n/4
    let mut rng = SplitMix64::new(2024);
    for f in FaultType::ALL {
        let ph = f.phases();
        let (mut faulted, mut healthy, mut pre_i) = (vec![], vec![], vec![]);
        for _ in 0..50 {
            let w = waveform(&cfg, f, &mut rng).unwrap();
            let ch = |c: usize, t: usize| w[c * n + t] as f64;
            // Pre-fault window is balanced.
            let v0 = rms(pre.clone().map(|t| ch(0, t) + ch(1, t) + ch(2, t)));
            let i0 = rms(pre.clone().map(|t| ch(3, t) + ch(4, t) + ch(5, t)));
            assert!(v0 < 0.2 && i0 < 0.2, "{}: pre-fault unbalanced {v0} {i0}", f.name());
            let vr: Vec<f64> = (0..3).map(|k| rms(pre.clone().map(|t| ch(k, t)))).collect();
            let (lo, hi) = (vr.iter().cloned().fold(f64::MAX, f64::min), vr.iter().cloned().fold(0.0, f64::max));
            assert!(hi / lo < 1.15, "{}: pre-fault voltages {vr:?}", f.name());
            for k in 0..3 {
                pre_i.push(rms(pre.clone().map(|t| ch(3 + k, t))));
                let r = rms(post.clone().map(|t| ch(3 + k, t)));
                if ph[k] {
                    faulted.push(r)
                } else {
                    healthy.push(r)
                }
                // Faulted voltages sag, healthy ones do not.
                let v = rms(post.clone().map(|t| ch(k, t)));
                if ph[k] {
                    assert!(v < 0.5, "{}: no sag {v}", f.name())
                } else {
                    assert!(v > 0.6)
                }
            }
            // Zero-sequence current.
            let z = rms(post.clone().map(|t| ch(3, t) + ch(4, t) + ch(5, t)));
            if f.grounded() {
                assert!(z >= 1.0, "{}: zero-seq too small {z}", f.name());
            } else {
                assert!(z < 0.2, "{}: zero-seq too large {z}", f.name());
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let pre_m = mean(&pre_i);
        match f {
            FaultType::NoFault => {
                let r = mean(&healthy) / pre_m;
                assert!((0.8..1.25).contains(&r), "no-fault current changed {r}");
            }
            FaultType::ABC => assert!(mean(&faulted) > 3.0 * pre_m),
            _ => assert!(mean(&faulted) > 3.0 * mean(&healthy), "{}", f.name()),
        }
    }
}

#[test]
fn bad_configs() {
    let ok = WaveformConfig::default();
    let mut rng = SplitMix64::new(1);
    let bad = [
        WaveformConfig { samples: 0, ..ok.clone() },
        WaveformConfig { samples: usize::MAX, ..ok.clone() },
        WaveformConfig { sample_rate_hz: 0.0, ..ok.clone() },
        WaveformConfig { sample_rate_hz: f64::NAN, ..ok.clone() },
        WaveformConfig { frequency_hz: -50.0, ..ok.clone() },
        WaveformConfig { frequency_hz: f64::INFINITY, ..ok.clone() },
        WaveformConfig { frequency_hz: 1000.0, ..ok.clone() },
    ];
    for c in &bad {
        assert!(waveform(c, FaultType::AG, &mut rng).is_err(), "{c:?}");
        assert!(FaultDataset::generate(c, 1, 0).is_err(), "{c:?}");
    }
    assert!(FaultDataset::generate(&ok, 0, 0).is_err());
    assert!(FaultDataset::generate(&ok, usize::MAX, 0).is_err());
    assert!(FaultDataset::generate(&ok, 1 << 30, 0).is_err());
    let tiny = WaveformConfig { samples: 1, ..ok };
    assert_eq!(FaultDataset::generate(&tiny, 1, 0).unwrap().inputs.len(), 66);
}
