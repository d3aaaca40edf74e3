//! Each rule fails for its own reason, and a clean run is VALID.

use super::*;
use crate::device::DeviceState;
use crate::energy::EnergyMethod;

fn state(clock: u32, temp: u32, reasons: &[&str]) -> Option<DeviceState> {
    Some(DeviceState {
        sm_clock_mhz: Some(clock),
        temperature_c: Some(temp),
        throttle_reasons: reasons.iter().map(|s| s.to_string()).collect(),
    })
}

fn trial(window_s: f64) -> TrialEvidence {
    TrialEvidence {
        window_s,
        queries: 2000,
        energy: Some(EnergyEvidence {
            method: EnergyMethod::NvmlCounter,
            counter_period_s: Some(0.1),
            trace_gap_frac: Some(0.02),
        }),
        device_start: state(1980, 50, &[]),
        device_end: state(1980, 55, &[]),
    }
}

fn clean() -> RunEvidence {
    RunEvidence {
        latency_bound_scenario: true,
        min_duration_s: 10.0,
        min_queries: 64,
        trials: vec![trial(12.0), trial(11.0), trial(12.5)],
        latency_queries: 6000,
        latency_bound: None,
        quality_passes: Some(true),
        quality: ("mape_pct".into(), 3.9, Some(5.8)),
        throughput_cv: Some(0.01),
        monitor_unavailable: None,
        request_failures: None,
        slo: None,
    }
}

fn failed(e: &RunEvidence) -> Vec<String> {
    let v = judge(e, &Thresholds::default());
    assert_eq!(v.valid, v.failed_rules.is_empty());
    v.failed_rules.iter().map(|r| r.rule.clone()).collect()
}

#[test]
fn a_clean_run_is_valid_and_every_rule_was_checked() {
    let v = judge(&clean(), &Thresholds::default());
    assert!(v.valid, "{v:?}");
    assert!(v.unchecked_rules.is_empty(), "{v:?}");
    for rule in [
        "min_duration",
        "min_queries",
        "latency_early_stopping",
        "energy_window",
        "energy_trace_agreement",
        "throttling",
        "quality_gate",
    ] {
        assert!(v.passed_rules.iter().any(|r| r == rule), "{rule} not checked: {v:?}");
    }
}

#[test]
fn a_window_too_short_for_the_counter_is_invalid_with_the_needed_length() {
    let mut e = clean();
    e.trials[1].window_s = 4.0; // 2 x 0.1 s / 4 s = 5% > 2%
    e.min_duration_s = 1.0;
    assert_eq!(failed(&e), ["energy_window"]);
    let v = judge(&e, &Thresholds::default());
    assert!(v.failed_rules[0].fix.contains("at least 10.0 s"), "{}", v.failed_rules[0].fix);
    assert_eq!(v.failed_rules[0].measured, serde_json::json!(0.05));
}

#[test]
fn an_unmeasured_counter_period_is_invalid() {
    let mut e = clean();
    e.trials[0].energy.as_mut().unwrap().counter_period_s = None;
    assert_eq!(failed(&e), ["energy_window"]);
}

#[test]
fn a_throttled_run_is_invalid() {
    let mut e = clean();
    e.trials[2].device_end = state(1980, 60, &["sw-power-cap"]);
    assert_eq!(failed(&e), ["throttling"]);
    let mut e = clean();
    e.trials[0].device_end = state(1500, 55, &[]);
    assert_eq!(failed(&e), ["clock_drop"]);
    let mut e = clean();
    e.trials[0].device_end = state(1980, 80, &[]);
    assert_eq!(failed(&e), ["temperature_drift"]);
}

#[test]
fn a_counter_that_disagrees_with_the_trace_is_invalid() {
    let mut e = clean();
    e.trials[1].energy.as_mut().unwrap().trace_gap_frac = Some(-0.25);
    assert_eq!(failed(&e), ["energy_trace_agreement"]);
    let v = judge(&e, &Thresholds::default());
    assert!(v.failed_rules[0].fix.contains("-25.0%"), "{}", v.failed_rules[0].fix);
}

#[test]
fn a_missed_latency_bound_is_invalid_and_says_reduce_the_rate() {
    let mut e = clean();
    e.latency_bound = Some((1_000_000, Some(1_500_000)));
    assert_eq!(failed(&e), ["latency_bound"]);
    assert!(judge(&e, &Thresholds::default()).failed_rules[0].fix.starts_with("reduce the target rate"));
    e.latency_bound = Some((2_000_000, Some(1_500_000)));
    assert!(failed(&e).is_empty());
}

#[test]
fn too_few_queries_for_early_stopping_names_the_count_needed() {
    let mut e = clean();
    e.latency_queries = 200;
    assert_eq!(failed(&e), ["latency_early_stopping"]);
    let v = judge(&e, &Thresholds::default());
    assert_eq!(v.failed_rules[0].bound, serde_json::json!(459));
    // Offline throughput runs are not held to it.
    e.latency_bound_scenario = false;
    assert!(failed(&e).is_empty());
}

#[test]
fn failing_quality_is_invalid() {
    let mut e = clean();
    e.quality_passes = Some(false);
    assert_eq!(failed(&e), ["quality_gate"]);
}

#[test]
fn unmeasured_energy_and_an_unmonitored_cpu_are_listed_not_passed() {
    let mut e = clean();
    for t in &mut e.trials {
        t.energy = None;
        t.device_start = None;
        t.device_end = None;
    }
    e.monitor_unavailable = Some("the CPU has no clock or throttle monitor".into());
    let v = judge(&e, &Thresholds::default());
    assert!(v.valid);
    let unchecked: Vec<_> = v.unchecked_rules.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(unchecked, ["energy_window", "energy_trace_agreement", "throttling"]);
    assert!(!v.passed_rules.iter().any(|r| r == "energy_window"));
}

#[test]
fn large_trial_variation_is_a_warning() {
    let mut e = clean();
    e.throughput_cv = Some(0.12);
    let v = judge(&e, &Thresholds::default());
    assert!(v.valid);
    assert_eq!(v.warnings[0].rule, "throughput_variation");
}
