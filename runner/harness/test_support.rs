//! A scripted system under test and observer for the harness's own tests.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::*;

/// Sleeps a fixed time per query and records every batch it saw.
pub(crate) struct SleepySut {
    pub per_query: Duration,
    pub samples: usize,
    pub seen: Vec<Vec<usize>>,
    pub syncs: usize,
    pub fail_at: Option<usize>,
}

impl SleepySut {
    pub fn new(per_query: Duration, samples: usize) -> Self {
        Self { per_query, samples, seen: Vec::new(), syncs: 0, fail_at: None }
    }
}

impl SystemUnderTest for SleepySut {
    fn sample_count(&self) -> usize {
        self.samples
    }
    fn issue(&mut self, samples: &[usize]) -> Result<(), HarnessError> {
        if self.fail_at == Some(self.seen.len()) {
            return Err(HarnessError::Sut("out of device memory".into()));
        }
        std::thread::sleep(self.per_query);
        self.seen.push(samples.to_vec());
        Ok(())
    }
    fn sync(&mut self) -> Result<(), HarnessError> {
        self.syncs += 1;
        Ok(())
    }
}

/// Records the order of window events.
#[derive(Default)]
pub(crate) struct RecordingObserver {
    pub events: Vec<&'static str>,
}

impl WindowObserver for RecordingObserver {
    fn open(&mut self) -> Result<(), HarnessError> {
        self.events.push("open");
        Ok(())
    }
    fn close(&mut self) -> Result<(), HarnessError> {
        self.events.push("close");
        Ok(())
    }
}

fn settings(scenario: Scenario) -> ScenarioSettings {
    ScenarioSettings {
        scenario,
        batch_size: 4,
        warmup: Duration::from_millis(20),
        min_duration: Duration::from_millis(100),
        min_queries: 10,
        seed: 3,
        target_qps: None,
    }
}

#[test]
fn single_stream_meets_both_minimums() {
    let mut sut = SleepySut::new(Duration::from_millis(2), 50);
    let mut obs = RecordingObserver::default();
    let out = run_scenario(&mut sut, &settings(Scenario::SingleStream), &mut obs, &AtomicBool::new(false)).unwrap();
    assert!(out.queries >= 10);
    assert!(out.window >= Duration::from_millis(100));
    assert_eq!(out.samples, out.queries * 4);
    assert_eq!(out.latency_ns.len(), out.queries);
    assert!(out.latency_ns.min() >= 2_000_000, "latency includes the query's work");
    assert_eq!(obs.events, ["open", "close"]);
    assert!(sut.syncs >= 1, "warm-up ends with a device sync");
    assert!(out.warmup_queries >= 1);
    assert!(sut.seen.iter().all(|b| b.len() == 4 && b.iter().all(|&s| s < 50)));
}

#[test]
fn single_stream_stops_at_min_queries_when_queries_are_slow() {
    let mut sut = SleepySut::new(Duration::from_millis(15), 50);
    let mut s = settings(Scenario::SingleStream);
    s.min_duration = Duration::from_millis(1);
    let out = run_scenario(&mut sut, &s, &mut RecordingObserver::default(), &AtomicBool::new(false)).unwrap();
    assert_eq!(out.queries, 10);
}

#[test]
fn offline_window_lasts_the_minimum_duration() {
    let mut sut = SleepySut::new(Duration::from_millis(1), 50);
    let out = run_scenario(
        &mut sut,
        &settings(Scenario::Offline),
        &mut RecordingObserver::default(),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert!(out.window >= Duration::from_millis(100));
    assert!(out.throughput_per_s() > 0.0);
}

#[test]
fn stop_flag_interrupts_before_the_window_closes() {
    let mut sut = SleepySut::new(Duration::from_millis(1), 50);
    let mut obs = RecordingObserver::default();
    let stop = AtomicBool::new(false);
    stop.store(true, Ordering::Relaxed);
    let err = run_scenario(&mut sut, &settings(Scenario::SingleStream), &mut obs, &stop).unwrap_err();
    assert!(matches!(err, HarnessError::Interrupted));
    assert!(obs.events.is_empty());
}

#[test]
fn a_failing_query_stops_the_scenario_with_its_error() {
    let mut sut = SleepySut::new(Duration::from_millis(1), 50);
    sut.fail_at = Some(3);
    let err = run_scenario(
        &mut sut,
        &settings(Scenario::Offline),
        &mut RecordingObserver::default(),
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "out of device memory");
}

#[test]
fn zero_batch_is_rejected() {
    let mut sut = SleepySut::new(Duration::from_millis(1), 5);
    let mut s = settings(Scenario::SingleStream);
    s.batch_size = 0;
    let err = run_scenario(&mut sut, &s, &mut NoWindowObserver, &AtomicBool::new(false)).unwrap_err();
    assert!(matches!(err, HarnessError::BadSettings(_)));
}

#[test]
fn server_measures_latency_from_the_scheduled_time() {
    // 2 ms per query at 1000 queries/s cannot keep up: the backlog must show in
    // the latency (measured from each query's scheduled time), not be hidden.
    let mut sut = SleepySut::new(Duration::from_millis(2), 50);
    let mut s = settings(Scenario::Server);
    s.batch_size = 1;
    s.target_qps = Some(1000.0);
    s.min_duration = Duration::from_millis(200);
    s.min_queries = 100;
    let out = run_scenario(&mut sut, &s, &mut RecordingObserver::default(), &AtomicBool::new(false)).unwrap();
    assert!(out.queries >= 100, "{}", out.queries);
    assert_eq!(out.latency_ns.len(), out.queries);
    assert!(out.window >= Duration::from_millis(390), "200 queries at 2 ms each: {:?}", out.window);
    assert!(out.latency_ns.max() > 150_000_000, "the backlog grows to ~200 ms: {}", out.latency_ns.max());
    let lateness = out.scheduler_lateness_ns.unwrap();
    assert_eq!(lateness.len(), out.queries);
    assert!(out.window >= Duration::from_millis(200));
}

#[test]
fn server_batches_what_has_queued() {
    let mut sut = SleepySut::new(Duration::from_millis(5), 50);
    let mut s = settings(Scenario::Server);
    s.batch_size = 8;
    s.target_qps = Some(1000.0);
    s.min_duration = Duration::from_millis(100);
    s.min_queries = 50;
    let out = run_scenario(&mut sut, &s, &mut RecordingObserver::default(), &AtomicBool::new(false)).unwrap();
    assert!(out.samples >= 50 && out.window >= Duration::from_millis(100));
    let batched = sut.seen.iter().skip(1).filter(|b| b.len() > 1).count();
    assert!(batched > 0 && sut.seen.iter().all(|b| b.len() <= 8));
}

#[test]
fn server_without_a_rate_is_rejected() {
    let mut sut = SleepySut::new(Duration::from_millis(1), 5);
    let err = run_scenario(&mut sut, &settings(Scenario::Server), &mut NoWindowObserver, &AtomicBool::new(false))
        .unwrap_err();
    assert!(err.to_string().contains("target_qps"), "{err}");
}
