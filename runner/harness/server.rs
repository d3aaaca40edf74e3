//! Server: queries arrive as a Poisson process at a target rate, from a
//! schedule generated before timing. A tokio task issues each query at its
//! scheduled time; the system under test serves them in arrival order,
//! batching whatever has queued (up to `batch_size`). Each arrival is a
//! query of one sample. Latency is measured
//! from each query's *scheduled* time, so a stalled system cannot hide its
//! backlog (no coordinated omission); the issuer's own lateness is recorded
//! separately.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::outcome::{latency_histogram, record};
use super::window::warm_up;
use super::{HarnessError, SampleOrder, ScenarioOutcome, ScenarioSettings, SystemUnderTest, WindowObserver};
use crate::stats::uncertainty::poisson_schedule;

/// Beyond this distance to the next arrival the issuer sleeps instead of spinning.
const SPIN_BELOW: Duration = Duration::from_millis(2);
/// The issuer sleeps at most this long at a time, then looks whether the
/// server has stopped (Ctrl-C): a distant arrival never delays the stop.
const LONGEST_SLEEP: Duration = Duration::from_millis(50);

/// One arrival (a query of one sample): when it was due and when it was actually issued.
struct Arrival {
    due: Instant,
    issued: Instant,
}

/// The arrival schedule: Poisson at `rate`, long enough that its last
/// arrival falls after the minimum duration and that it holds the minimum
/// query count. Offsets from the window's opening, nanoseconds.
pub fn arrival_schedule(settings: &ScenarioSettings, rate: f64) -> Result<Vec<u64>, HarnessError> {
    let min_ns = settings.min_duration.as_nanos() as u64;
    // `check` bounds the expected length by the limit; this bounds the drawn
    // one (a Poisson schedule may run long by chance, never this long).
    let limit_ns = u64::try_from(settings.server_schedule_limit().as_nanos()).unwrap_or(u64::MAX).saturating_mul(2);
    let mut count = ((rate * settings.min_duration.as_secs_f64() * 1.2).ceil() as usize).max(16);
    loop {
        let offsets =
            poisson_schedule(rate, count, settings.seed).map_err(|e| HarnessError::BadSettings(e.to_string()))?;
        if let Some(cut) = offsets.iter().position(|&o| o >= min_ns) {
            let keep = (cut + 1).max(settings.min_queries as usize);
            if offsets.get(keep.min(offsets.len()) - 1).is_some_and(|&last| last > limit_ns) {
                return Err(HarnessError::BadSettings(format!(
                    "the arrival schedule at target_qps {rate} would last more than {} s",
                    limit_ns / 1_000_000_000
                )));
            }
            if keep <= offsets.len() {
                return Ok(offsets[..keep].to_vec());
            }
            count = keep;
        } else {
            count *= 2;
        }
    }
}

/// Issues every arrival at its time on a current-thread tokio runtime. The
/// runtime is built before the window opens; the schedule starts at the
/// instant received on `start` (the window's opening).
fn spawn_issuer(
    start: std::sync::mpsc::Receiver<Instant>,
    offsets: Vec<u64>,
    tx: mpsc::UnboundedSender<Arrival>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_time().build() else { return };
        let Ok(start) = start.recv() else { return };
        rt.block_on(async move {
            for offset in offsets {
                let due = start + Duration::from_nanos(offset);
                loop {
                    if tx.is_closed() {
                        return; // the server stopped (interrupt or error)
                    }
                    let now = Instant::now();
                    if now >= due {
                        break;
                    }
                    if due - now > SPIN_BELOW {
                        tokio::time::sleep_until((due - SPIN_BELOW / 2).min(now + LONGEST_SLEEP).into()).await;
                    } else {
                        tokio::task::yield_now().await;
                        std::hint::spin_loop();
                    }
                }
                if tx.send(Arrival { due, issued: Instant::now() }).is_err() {
                    return; // the server stopped (interrupt or error)
                }
            }
        });
    })
}

pub(super) fn run(
    sut: &mut dyn SystemUnderTest,
    settings: &ScenarioSettings,
    observer: &mut dyn WindowObserver,
    stop: &AtomicBool,
) -> Result<ScenarioOutcome, HarnessError> {
    let rate =
        settings.target_qps.ok_or_else(|| HarnessError::BadSettings("the server scenario needs target_qps".into()))?;
    let mut order = SampleOrder::new(sut.sample_count(), settings.seed);
    let warm = warm_up(sut, &mut order, settings, stop)?;
    let offsets = arrival_schedule(settings, rate)?;
    let count = offsets.len();
    let mut latency_ns = latency_histogram()?;
    let mut lateness_ns = latency_histogram()?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut pending: Vec<Arrival> = Vec::with_capacity(settings.batch_size);
    let mut batch = Vec::with_capacity(settings.batch_size);
    let mut due = Vec::with_capacity(settings.batch_size);

    let (start_tx, start_rx) = std::sync::mpsc::channel();
    let issuer = spawn_issuer(start_rx, offsets, tx);
    observer.open()?;
    let opened = Instant::now();
    // If the issuer already stopped (no runtime), the loop below reports it.
    let _ = start_tx.send(opened);
    let (mut served, mut last_done) = (0usize, opened);
    let result = loop {
        if served == count {
            break Ok(());
        }
        if stop.load(Ordering::Relaxed) {
            break Err(HarnessError::Interrupted);
        }
        // Wait for one arrival (briefly, so that Ctrl-C stays responsive), then take what else has queued.
        match rx.try_recv() {
            Ok(a) => pending.push(a),
            Err(mpsc::error::TryRecvError::Empty) => {
                std::thread::yield_now();
                continue;
            }
            Err(mpsc::error::TryRecvError::Disconnected) => {
                break Err(HarnessError::Sut("the arrival scheduler stopped early".into()))
            }
        }
        while pending.len() < settings.batch_size {
            match rx.try_recv() {
                Ok(a) => pending.push(a),
                Err(_) => break,
            }
        }
        order.fill(&mut batch, pending.len());
        due.clear();
        due.extend(pending.iter().map(|a| a.due));
        if let Err(e) = sut.issue_arrivals(&batch, &due) {
            break Err(e);
        }
        last_done = Instant::now();
        for a in pending.drain(..) {
            record(&mut latency_ns, last_done.saturating_duration_since(a.due));
            record(&mut lateness_ns, a.issued.saturating_duration_since(a.due));
        }
        served += batch.len();
    };
    drop(rx);
    let _ = issuer.join();
    result?;
    observer.close()?;

    Ok(ScenarioOutcome {
        scenario: settings.scenario,
        batch_size: settings.batch_size,
        queries: served as u64,
        samples: served as u64,
        window: last_done - opened,
        latency_ns,
        warmup_queries: warm.0,
        warmup: warm.1,
        scheduler_lateness_ns: Some(lateness_ns),
    })
}
