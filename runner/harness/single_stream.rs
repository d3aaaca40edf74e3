//! Single-stream: a closed loop of one query after another; latency is the
//! figure. The window ends once both the minimum query count and the
//! minimum duration are met.

use std::sync::atomic::AtomicBool;

use super::window::{timed_window, warm_up};
use super::{HarnessError, SampleOrder, ScenarioOutcome, ScenarioSettings, SystemUnderTest, WindowObserver};

pub(super) fn run(
    sut: &mut dyn SystemUnderTest,
    settings: &ScenarioSettings,
    observer: &mut dyn WindowObserver,
    stop: &AtomicBool,
) -> Result<ScenarioOutcome, HarnessError> {
    let mut order = SampleOrder::new(sut.sample_count(), settings.seed);
    let warm = warm_up(sut, &mut order, settings, stop)?;
    let more = |queries: u64, elapsed| queries < settings.min_queries || elapsed < settings.min_duration;
    timed_window(sut, &mut order, settings, observer, stop, warm, &more)
}
