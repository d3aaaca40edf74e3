//! The untimed warm-up and the timed window shared by the closed-loop
//! scenarios.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::outcome::{latency_histogram, record};
use super::{HarnessError, SampleOrder, ScenarioOutcome, ScenarioSettings, SystemUnderTest, WindowObserver};

/// Issues queries untimed for `settings.warmup` (at least one), then syncs.
/// Returns the number of warm-up queries and how long they took.
pub(super) fn warm_up(
    sut: &mut dyn SystemUnderTest,
    order: &mut SampleOrder,
    settings: &ScenarioSettings,
    stop: &AtomicBool,
) -> Result<(u64, Duration), HarnessError> {
    let start = Instant::now();
    let mut batch = Vec::with_capacity(settings.batch_size);
    let mut queries = 0;
    while queries == 0 || start.elapsed() < settings.warmup {
        if stop.load(Ordering::Relaxed) {
            return Err(HarnessError::Interrupted);
        }
        order.fill(&mut batch, settings.batch_size);
        sut.issue(&batch)?;
        queries += 1;
    }
    sut.sync()?;
    Ok((queries, start.elapsed()))
}

/// Opens the window, issues one query after another while
/// `more(queries_done, elapsed)` holds, timing each from its issue to its
/// completion, and closes the window right after the last completion.
pub(super) fn timed_window(
    sut: &mut dyn SystemUnderTest,
    order: &mut SampleOrder,
    settings: &ScenarioSettings,
    observer: &mut dyn WindowObserver,
    stop: &AtomicBool,
    warm: (u64, Duration),
    more: &dyn Fn(u64, Duration) -> bool,
) -> Result<ScenarioOutcome, HarnessError> {
    let mut latency_ns = latency_histogram()?;
    let mut batch = Vec::with_capacity(settings.batch_size);
    let mut queries = 0u64;

    observer.open()?;
    let opened = Instant::now();
    let mut last_done = opened;
    while more(queries, last_done - opened) {
        if stop.load(Ordering::Relaxed) {
            return Err(HarnessError::Interrupted);
        }
        order.fill(&mut batch, settings.batch_size);
        let issued = Instant::now();
        sut.issue(&batch)?;
        last_done = Instant::now();
        record(&mut latency_ns, last_done - issued);
        queries += 1;
    }
    observer.close()?;

    Ok(ScenarioOutcome {
        scenario: settings.scenario,
        batch_size: settings.batch_size,
        queries,
        samples: queries * settings.batch_size as u64,
        window: last_done - opened,
        latency_ns,
        warmup_queries: warm.0,
        warmup: warm.1,
        scheduler_lateness_ns: None,
    })
}
