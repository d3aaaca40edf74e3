//! The server scenario at rates so low that its schedule would outlast any
//! reasonable run, and Ctrl-C while it waits for the next arrival.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use super::test_support::{RecordingObserver, SleepySut};
use super::*;

fn server(rate: f64, min_duration: Duration, min_queries: u64) -> ScenarioSettings {
    ScenarioSettings {
        scenario: Scenario::Server,
        batch_size: 1,
        warmup: Duration::from_millis(10),
        min_duration,
        min_queries,
        seed: 3,
        target_qps: Some(rate),
    }
}

/// Runs the scenario on a thread; its result, or `None` if it takes longer than `limit`.
fn run_within(
    settings: ScenarioSettings,
    stop: Arc<AtomicBool>,
    limit: Duration,
) -> Option<Result<ScenarioOutcome, HarnessError>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut sut = SleepySut::new(Duration::from_millis(1), 8);
        let _ = tx.send(run_scenario(&mut sut, &settings, &mut RecordingObserver::default(), &stop));
    });
    rx.recv_timeout(limit).ok()
}

#[test]
fn a_rate_too_low_for_the_duration_limits_is_refused_up_front() {
    // 10 queries at 0.001/s: about 10,000 s of schedule for a 0.1 s minimum window.
    let got = run_within(server(0.001, Duration::from_millis(100), 10), Arc::default(), Duration::from_secs(10));
    match got {
        Some(Err(HarnessError::BadSettings(why))) => {
            assert!(why.contains("target_qps 0.001") && why.contains("min_queries"), "{why}")
        }
        other => panic!("expected a refusal up front, got {:?}", other.map(|r| r.map(|o| o.queries))),
    }
}

#[test]
fn ctrl_c_while_waiting_for_a_distant_arrival_stops_promptly() {
    // One arrival every 100 s on average, within a 200 s window: accepted, and slow.
    let stop = Arc::new(AtomicBool::new(false));
    let raise = stop.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        raise.store(true, Ordering::SeqCst);
    });
    let got = run_within(server(0.01, Duration::from_secs(200), 1), stop, Duration::from_secs(5));
    assert!(matches!(got, Some(Err(HarnessError::Interrupted))), "not stopped within 5 s of Ctrl-C");
}
