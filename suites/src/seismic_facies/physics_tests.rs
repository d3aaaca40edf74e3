//! The generator's outputs and physics, checked over whole datasets.

#![allow(clippy::needless_range_loop)]

use super::config::SeismicConfig;
use super::earth_model::EarthModel;
use super::facies::Facies;
use super::geometry::Geometry;
use super::normalise::rms;
use super::reflectivity::reflectivity;
use super::section::image;
use super::synthetic::{baseline, dataset, MAX_ELEMENTS};
use super::wavelet::ricker;
use crate::dataset::{Dataset, Targets};
use crate::rng::SplitMix64;

fn bits(d: &Dataset) -> Vec<u32> {
    d.inputs.iter().map(|v| v.to_bits()).collect()
}

fn labels(d: &Dataset) -> &[u32] {
    match &d.targets {
        Targets::Classes { labels, .. } => labels,
        Targets::Values { .. } => panic!("expected class labels"),
    }
}

#[test]
fn determinism() {
    let cfg = SeismicConfig::default();
    let a = dataset(&cfg, 4, 42).unwrap();
    let b = dataset(&cfg, 4, 42).unwrap();
    let c = dataset(&cfg, 4, 43).unwrap();
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(a.targets, b.targets);
    assert_ne!(bits(&a), bits(&c));
    assert_ne!(labels(&a), labels(&c));
    // A prefix does not depend on the number of sections.
    let short = dataset(&cfg, 2, 42).unwrap();
    assert_eq!(bits(&short), bits(&a)[..2 * 64 * 64].to_vec());
}

#[test]
fn shapes_targets_and_normalisation() {
    for cfg in [SeismicConfig::default(), SeismicConfig { height: 48, width: 80, classes: 4, ..Default::default() }] {
        let d = dataset(&cfg, 5, 7).unwrap();
        assert_eq!(d.check(), Ok(()));
        assert_eq!(d.n, 5);
        assert_eq!(d.input_shape, vec![cfg.height, cfg.width]);
        match &d.targets {
            Targets::Classes { labels, per_sample, classes } => {
                assert_eq!((*per_sample, *classes), (cfg.height * cfg.width, cfg.classes));
                assert_eq!(labels.len(), 5 * per_sample);
            }
            Targets::Values { .. } => panic!("expected class labels"),
        }
        for i in 0..d.n {
            let x = d.input(i);
            assert!(x.iter().all(|v| v.is_finite()));
            assert!((rms(x) - 1.0).abs() < 1e-4, "section {i} has RMS {}", rms(x));
        }
    }
}

#[test]
fn standard_size_works() {
    let cfg = SeismicConfig::standard();
    let d = dataset(&cfg, 2, 1).unwrap();
    assert_eq!(d.check(), Ok(()));
    assert_eq!(d.input_shape, vec![256, 256]);
    assert!((rms(d.input(1)) - 1.0).abs() < 1e-4);
}

#[test]
fn every_class_occurs_in_a_modest_dataset() {
    for classes in 2..=6 {
        let cfg = SeismicConfig { classes, ..Default::default() };
        let d = dataset(&cfg, 40, 11).unwrap();
        let mut counts = vec![0usize; classes];
        for &l in labels(&d) {
            counts[l as usize] += 1;
        }
        let total = labels(&d).len() as f64;
        for (c, &k) in counts.iter().enumerate() {
            // Coal and channel fill are the rarest, at a few per cent.
            assert!(k as f64 > 0.01 * total, "classes {classes}: class {c} has {k} of {total} pixels");
        }
    }
}

#[test]
fn facies_have_distinct_internal_reflectivity() {
    // RMS reflection coefficient between samples of the same layer or channel.
    let cfg = SeismicConfig::default();
    let mut rng = SplitMix64::new(76);
    let mut internal = vec![(0.0, 0usize); 6];
    let mut interfaces = (0.0, 0usize);
    for _ in 0..60 {
        let m = EarthModel::build(&Geometry::draw(&cfg, &mut rng).unwrap());
        for x in 0..m.width {
            let r = reflectivity(&m.column(x));
            for t in 1..m.height {
                let (i, above) = (t * m.width + x, (t - 1) * m.width + x);
                if m.layer[i] == m.layer[above] {
                    let slot = &mut internal[m.labels[i] as usize];
                    slot.0 += r[t] * r[t];
                    slot.1 += 1;
                } else if m.labels[i] != m.labels[above] {
                    interfaces.0 += r[t] * r[t];
                    interfaces.1 += 1;
                }
            }
        }
    }
    let rms = |(s, c): (f64, usize)| (s / c.max(1) as f64).sqrt();
    let of = |f: Facies| rms(internal[f.label()]);
    assert!(internal.iter().all(|&(_, c)| c > 200), "{internal:?}");
    let (salt, sand, shale) = (of(Facies::Salt), of(Facies::Sand), of(Facies::Shale));
    let (carbonate, coal, channel) = (of(Facies::Carbonate), of(Facies::Coal), of(Facies::ChannelFill));
    assert!(salt < 0.002, "salt {salt}");
    assert!(salt < sand / 3.0 && sand < shale / 2.0, "salt {salt}, sand {sand}, shale {shale}");
    assert!(shale > 0.01 && carbonate > 0.01 && coal > 0.004, "{shale} {carbonate} {coal}");
    assert!(channel > shale && channel > carbonate, "channel {channel}");
    // Interfaces between facies reflect far more strongly than anything inside.
    assert!(rms(interfaces) > 3.0 * channel, "interfaces {}", rms(interfaces));
}

#[test]
fn salt_is_transparent_and_coal_is_a_trough() {
    let cfg = SeismicConfig { snr_db: f64::INFINITY, height: 128, ..Default::default() };
    let wavelet = ricker(cfg.peak_hz, cfg.dt_ms, cfg.height);
    // Beyond 12 samples (24 ms) the 30 Hz wavelet is below 6 % of its peak.
    let reach = 12;
    assert!(wavelet[wavelet.len() / 2 + reach].abs() < 0.06);
    let mut rng = SplitMix64::new(77);
    let (mut coal, mut salt) = ((0.0, 0usize), (0.0, 0usize));
    for _ in 0..40 {
        let m = EarthModel::build(&Geometry::draw(&cfg, &mut rng).unwrap());
        let img = image(&m, &wavelet, cfg.snr_db, &mut rng);
        for x in 0..m.width {
            for t in reach..m.height - reach {
                let i = t * m.width + x;
                if m.labels[i] == Facies::Coal.label() as u32 {
                    coal.0 += f64::from(img[i]);
                    coal.1 += 1;
                }
                // Salt farther than the wavelet's reach from any interface.
                let inside = (t - reach..=t + reach).all(|s| m.layer[s * m.width + x] == m.layer[i]);
                if inside && m.labels[i] == Facies::Salt.label() as u32 {
                    salt.0 += f64::from(img[i]).abs();
                    salt.1 += 1;
                }
            }
        }
    }
    assert!(coal.1 > 500 && salt.1 > 500, "{coal:?} {salt:?}");
    // Images have RMS 1, so a typical |amplitude| is about 0.8.
    let (coal, salt) = (coal.0 / coal.1 as f64, salt.0 / salt.1 as f64);
    assert!(coal < -0.2, "coal mean amplitude {coal}");
    assert!(salt < 0.1, "salt interior mean |amplitude| {salt}");
}

#[test]
fn baseline_is_the_row_prior() {
    let cfg = SeismicConfig::default();
    let train = dataset(&cfg, 60, 1).unwrap();
    let test = dataset(&cfg, 30, 2).unwrap();
    let b = baseline(&cfg, &train, &test);
    // About the share of the most common facies: far from perfect.
    assert!((0.15..0.45).contains(&b), "baseline {b}");
    // Labels constant along each row are predicted perfectly.
    let rows: Vec<u32> = (0..cfg.pixels()).map(|i| ((i / cfg.width) % cfg.classes) as u32).collect();
    let striped = Dataset {
        inputs: vec![0.0; cfg.pixels()],
        input_shape: vec![cfg.height, cfg.width],
        targets: Targets::Classes { labels: rows, per_sample: cfg.pixels(), classes: cfg.classes },
        n: 1,
    };
    assert_eq!(baseline(&cfg, &striped, &striped), 1.0);
    let other = SeismicConfig { height: 32, ..cfg.clone() };
    assert_eq!(baseline(&other, &train, &test), 0.0);
    let values = Dataset { targets: Targets::Values { values: vec![], per_sample: 0 }, ..test.clone() };
    assert_eq!(baseline(&cfg, &train, &values), 0.0);
}

#[test]
fn bad_requests_are_rejected() {
    let ok = SeismicConfig::default();
    assert!(dataset(&ok, 0, 0).is_err());
    assert!(dataset(&ok, usize::MAX, 0).is_err());
    assert!(dataset(&ok, MAX_ELEMENTS / ok.pixels() + 1, 0).is_err());
    for bad in [
        SeismicConfig { classes: 1, ..ok.clone() },
        SeismicConfig { height: 4, ..ok.clone() },
        SeismicConfig { peak_hz: 300.0, ..ok.clone() },
        SeismicConfig { snr_db: f64::NAN, ..ok.clone() },
    ] {
        assert!(dataset(&bad, 1, 0).is_err(), "{bad:?}");
    }
}
