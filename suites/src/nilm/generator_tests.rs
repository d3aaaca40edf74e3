//! The household simulator's energy balance, signatures and habits, and the
//! seq2point windows, checked.

use super::*;
use std::ops::Range;

fn bits(d: &Dataset) -> Vec<u32> {
    d.inputs.iter().chain(&d.targets.as_f32()).map(|v| v.to_bits()).collect()
}

fn house(days: usize, seed: u64) -> Household {
    household(&NilmConfig::default(), days, seed).unwrap()
}

fn trace(h: &Household, a: Appliance) -> &ApplianceTrace {
    h.trace(a).unwrap()
}

/// Minutes per sample at the default interval.
const MIN_PER_SAMPLE: f64 = 8.0 / 60.0;

#[test]
fn determinism() {
    let cfg = NilmConfig { houses: 1, days: 3, ..Default::default() };
    let a = dataset(&cfg, 30, 42).unwrap();
    assert_eq!(bits(&a), bits(&dataset(&cfg, 30, 42).unwrap()));
    assert_ne!(bits(&a), bits(&dataset(&cfg, 30, 43).unwrap()));
    assert_eq!(house(2, 5), house(2, 5));
    assert_ne!(house(2, 5).aggregate_w, house(2, 6).aggregate_w);
}

#[test]
fn aggregate_is_the_sum_plus_meter_noise() {
    let h = house(7, 1);
    let len = h.aggregate_w.len();
    assert_eq!(len, 7 * 10_800);
    let mut residual = Vec::with_capacity(len);
    let (mut metered, mut parts) = (0.0, 0.0);
    for j in 0..len {
        let sum: f64 = h.appliances.iter().map(|t| f64::from(t.power_w[j])).sum::<f64>()
            + f64::from(h.base_w[j])
            + f64::from(h.other_w[j]);
        residual.push(f64::from(h.aggregate_w[j]) - sum);
        metered += f64::from(h.aggregate_w[j]);
        parts += sum;
    }
    let mean = residual.iter().sum::<f64>() / len as f64;
    let std = (residual.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / len as f64).sqrt();
    let expected = (3.0f64.powi(2) + 1.0 / 12.0).sqrt(); // noise + rounding to whole watts
    assert!(mean.abs() < 0.05, "mean residual {mean} W");
    assert!((std / expected - 1.0).abs() < 0.03, "residual std {std} W, expected {expected}");
    assert!(((metered - parts) / parts).abs() < 1e-4, "energy {metered} vs {parts}");
    // Daily energy of a plausible household: 4-15 kWh.
    let kwh_per_day = metered * 8.0 / 3.6e6 / 7.0;
    assert!((4.0..15.0).contains(&kwh_per_day), "{kwh_per_day} kWh/day");
    let no_noise = household(&NilmConfig { noise_w: 0.0, ..Default::default() }, 1, 1).unwrap();
    assert!(no_noise.aggregate_w.iter().all(|w| w.fract() == 0.0 && *w >= 20.0));
}

#[test]
fn appliance_levels_durations_and_counts() {
    let days = 28;
    let h = house(days, 2);
    for t in &h.appliances {
        assert!(t.power_w.iter().all(|&w| w >= 0.0), "{:?}", t.appliance);
        let max = t.power_w.iter().cloned().fold(0.0, f32::max);
        let cap = [900.0, 3100.0, 2500.0, 2400.0, 1500.0][t.appliance.index()];
        assert!(max <= cap, "{:?}: max {max} W", t.appliance);
        // Nothing outside its runs.
        let mask = run_mask(&t.runs, t.power_w.len());
        assert!(t.power_w.iter().zip(&mask).all(|(&w, &on)| on || w == 0.0), "{:?}", t.appliance);
    }
    let durations = |a: Appliance| -> Vec<f64> {
        trace(&h, a).runs.iter().map(|r| (r.end - r.start) as f64 * MIN_PER_SAMPLE).collect()
    };
    let per_day = |a: Appliance| trace(&h, a).runs.len() as f64 / days as f64;
    // Fridge: 100-150 W while running, a spike at the start of each cycle.
    let fr = trace(&h, Appliance::Fridge);
    let mut running: Vec<f32> = fr.runs.iter().flat_map(|r| fr.power_w[r.start + 25..r.end - 2].to_vec()).collect();
    running.sort_by(f32::total_cmp);
    let median = running[running.len() / 2];
    assert!((85.0..150.0).contains(&median), "fridge median {median}");
    // The 2 s start-up spike lands in the first or second sample of a cycle
    // (defrosts, flat at 200-300 W, have none).
    let spike = |r: &Range<usize>| fr.power_w[r.start].max(fr.power_w[r.start + 1]) > 1.35 * median;
    let spikes = fr.runs.iter().filter(|r| spike(r)).count();
    assert!(spikes + days + 2 >= fr.runs.len() && spikes > 20 * days, "{spikes} spikes in {} runs", fr.runs.len());
    let duty = fr.runs.iter().map(|r| r.end - r.start).sum::<usize>() as f64 / fr.power_w.len() as f64;
    assert!((0.2..0.55).contains(&duty), "fridge duty {duty}");
    // Kettle: 2-3 kW for 1-6 minutes, a few times a day.
    let ke = trace(&h, Appliance::Kettle);
    assert!(durations(Appliance::Kettle).iter().all(|&d| (1.0..6.0).contains(&d)));
    assert!(ke.runs.iter().all(|r| ke.power_w[r.start..r.end].iter().any(|&w| (1900.0..3100.0).contains(&w))));
    assert!((1.5..5.0).contains(&per_day(Appliance::Kettle)), "kettle {}/day", per_day(Appliance::Kettle));
    // Washing machine: 1-2 h with a ~2 kW heating phase and a spin.
    let wm = trace(&h, Appliance::WashingMachine);
    assert!(durations(Appliance::WashingMachine).iter().all(|&d| (55.0..130.0).contains(&d)));
    for r in &wm.runs {
        let p = &wm.power_w[r.clone()];
        assert!(p.iter().any(|&w| w > 1700.0) && p[p.len() - 20..].iter().any(|&w| w > 280.0));
    }
    assert!((1.5..7.0).contains(&(per_day(Appliance::WashingMachine) * 7.0)));
    // Dishwasher: two heating phases separated by at least 20 minutes.
    let dw = trace(&h, Appliance::Dishwasher);
    assert!(!dw.runs.is_empty());
    for r in &dw.runs {
        let hot: Vec<usize> = (r.clone()).filter(|&j| dw.power_w[j] > 1500.0).collect();
        let gaps = hot.windows(2).filter(|w| w[1] - w[0] > 150).count();
        assert_eq!(gaps, 1, "dishwasher run {r:?} has {} heating phases", gaps + 1);
    }
    // Microwave: 1.0-1.4 kW bursts of a few minutes.
    let mw = trace(&h, Appliance::Microwave);
    assert!(durations(Appliance::Microwave).iter().all(|&d| d < 5.5));
    assert!(mw.runs.iter().all(|r| mw.power_w[r.clone()].iter().any(|&w| w > 900.0)));
    assert!((0.5..3.0).contains(&per_day(Appliance::Microwave)));
}

#[test]
fn usage_follows_daily_habits() {
    let h = house(28, 3);
    let hour = |j: usize| (j as f64 * 8.0 / 3600.0) % 24.0;
    let share = |a: Appliance, from: f64, to: f64| {
        let runs = &trace(&h, a).runs;
        runs.iter().filter(|r| (from..to).contains(&hour(r.start))).count() as f64 / runs.len() as f64
    };
    assert!(share(Appliance::Dishwasher, 17.0, 24.0) > 0.6);
    assert!(share(Appliance::WashingMachine, 6.0, 22.0) > 0.9);
    assert!(share(Appliance::Kettle, 0.0, 5.0) < 0.05);
    // Lights: evenings brighter than early afternoons.
    let other_at = |from: f64, to: f64| {
        let v: Vec<f64> =
            (0..h.other_w.len()).filter(|&j| (from..to).contains(&hour(j))).map(|j| h.other_w[j] as f64).collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(other_at(19.0, 22.0) > 2.0 * other_at(12.0, 15.0));
}

#[test]
fn windows_shapes_and_on_fraction() {
    let cfg = NilmConfig::default();
    let d = dataset(&cfg, 600, 7).unwrap();
    d.check().unwrap();
    assert_eq!((d.input_shape.as_slice(), d.targets.per_sample()), (&[1, 599][..], 1));
    let y = d.targets.as_f32();
    let on_level = (Appliance::WashingMachine.on_threshold_w() / Appliance::WashingMachine.target_scale_w()) as f32;
    let on = y.iter().filter(|&&v| v > on_level).count() as f64 / y.len() as f64;
    assert!((0.42..0.58).contains(&on), "on fraction {on}");
    assert!(y.iter().all(|&v| (0.0..1.0).contains(&v)));
    assert!(d.inputs.iter().all(|&v| (0.0..4.0).contains(&v)));
    // The midpoint of the input holds the target's power on top of the rest.
    for (i, &target) in y.iter().enumerate() {
        let mid = aggregate_to_watts(d.input(i)[299]);
        assert!(mid + 30.0 >= target_to_watts(Appliance::WashingMachine, target), "sample {i}");
    }
    // Runs include pauses (a microwave on defrost is off two thirds of the time).
    for (a, fraction, lo, hi) in [
        (Appliance::Kettle, 0.3, 0.25, 0.35),
        (Appliance::Fridge, 0.0, 0.0, 0.0),
        (Appliance::Microwave, 1.0, 0.8, 1.0),
    ] {
        let c = NilmConfig { target: a, on_fraction: fraction, houses: 1, days: 3, ..Default::default() };
        let y = dataset(&c, 200, 1).unwrap().targets.as_f32();
        let level = (a.on_threshold_w() / a.target_scale_w()) as f32;
        let on = y.iter().filter(|&&v| v > level).count() as f64 / 200.0;
        assert!((lo..=hi).contains(&on), "{a:?}: {on}");
    }
}

#[test]
fn threshold_rule_beats_constants() {
    for a in Appliance::ALL {
        let cfg = NilmConfig { target: a, ..Default::default() };
        let d = dataset(&cfg, 1000, 9).unwrap();
        let y = d.targets.as_f32();
        let rule = baseline(&cfg, &d);
        assert_eq!(rule.len(), y.len());
        let scale = a.target_scale_w();
        let mae =
            |p: &[f32]| scale * p.iter().zip(&y).map(|(a, b)| f64::from((a - b).abs())).sum::<f64>() / y.len() as f64;
        let mean = y.iter().sum::<f32>() / y.len() as f32;
        let (rule_mae, zero_mae, mean_mae) = (mae(&rule), mae(&vec![0.0; y.len()]), mae(&vec![mean; y.len()]));
        println!("nilm {}: threshold rule MAE {rule_mae:.1} W, zero {zero_mae:.1} W, mean {mean_mae:.1} W", a.name());
        assert!(rule_mae > 0.0 && rule_mae < zero_mae.min(mean_mae), "{a:?}");
    }
    let d = dataset(&NilmConfig::default(), 3, 1).unwrap();
    let odd = Dataset { input_shape: vec![1, 598], ..d };
    assert!(baseline(&NilmConfig::default(), &odd).is_empty());
}

#[test]
fn bad_configs_rejected() {
    let ok = NilmConfig::default();
    let bad = [
        NilmConfig { window: 600, ..ok.clone() },
        NilmConfig { window: 1, ..ok.clone() },
        NilmConfig { window: MAX_WINDOW + 2, ..ok.clone() },
        NilmConfig { interval_s: 0, ..ok.clone() },
        NilmConfig { interval_s: 61, ..ok.clone() },
        NilmConfig { houses: 0, ..ok.clone() },
        NilmConfig { days: 0, ..ok.clone() },
        NilmConfig { days: MAX_HOUSE_DAYS, ..ok.clone() },
        NilmConfig { on_fraction: 1.5, ..ok.clone() },
        NilmConfig { on_fraction: f64::NAN, ..ok.clone() },
        NilmConfig { noise_w: -1.0, ..ok.clone() },
        NilmConfig { interval_s: 60, window: 2001, ..ok.clone() },
    ];
    for c in &bad {
        let err = dataset(c, 1, 0).unwrap_err();
        assert!(err.contains("must"), "{c:?}: {err}");
    }
    assert!(dataset(&ok, 0, 0).is_err());
    assert!(dataset(&ok, usize::MAX, 0).unwrap_err().contains("exceeds"));
    assert!(household(&ok, 0, 0).is_err());
    // A target that never runs in one short day cannot fill on-windows.
    let short = NilmConfig { houses: 1, days: 1, on_fraction: 1.0, ..ok };
    let misses = (0..20).filter_map(|seed| dataset(&short, 5, seed).err()).collect::<Vec<_>>();
    assert!(misses.iter().all(|e| e.contains("no washing-machine run")), "{misses:?}");
    assert!(!misses.is_empty());
    assert_eq!(Appliance::from_name("dishwasher"), Some(Appliance::Dishwasher));
    assert_eq!(Appliance::from_name("toaster"), None);
    assert!(Appliance::ALL.iter().enumerate().all(|(i, a)| a.index() == i));
}

use crate::dataset::fnv1a_checksum as checksum;

#[test]
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn pinned_checksum() {
    // Pinned on x86_64 Linux: a change here means the data set changed.
    let d = dataset(&Default::default(), 16, 42).unwrap();
    assert_eq!(format!("{:016x}", checksum(&d)), "76cd81cb978af5e9");
}
