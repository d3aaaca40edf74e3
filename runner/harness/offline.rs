//! Offline: every sample of the run is available at once and is processed in
//! batches; throughput is the figure. The sample count is sized from the
//! warm-up's rate so that the window lasts at least the minimum duration.

use std::sync::atomic::AtomicBool;

use super::window::{timed_window, warm_up};
use super::{HarnessError, SampleOrder, ScenarioOutcome, ScenarioSettings, SystemUnderTest, WindowObserver};

/// Margin over the warm-up's estimate, so that one pass usually suffices.
const SIZING_MARGIN: f64 = 1.1;

/// Queries needed to fill the minimum duration at the warm-up's rate.
fn planned_queries(settings: &ScenarioSettings, warmup_queries: u64, warmup_secs: f64) -> u64 {
    let rate = warmup_queries as f64 / warmup_secs.max(1e-9);
    let wanted = rate * settings.min_duration.as_secs_f64() * SIZING_MARGIN;
    // Round away floating-point dust (220.00000000000003 is 220) before rounding up.
    let for_duration = ((wanted * 1e6).round() / 1e6).ceil() as u64;
    for_duration.max(settings.min_queries)
}

pub(super) fn run(
    sut: &mut dyn SystemUnderTest,
    settings: &ScenarioSettings,
    observer: &mut dyn WindowObserver,
    stop: &AtomicBool,
) -> Result<ScenarioOutcome, HarnessError> {
    let mut order = SampleOrder::new(sut.sample_count(), settings.seed);
    let warm = warm_up(sut, &mut order, settings, stop)?;
    let planned = planned_queries(settings, warm.0, warm.1.as_secs_f64());
    // The planned set first; if the estimate was short, keep going until the
    // minimum duration is met so that the window is never too short.
    let more = |queries: u64, elapsed| queries < planned || elapsed < settings.min_duration;
    timed_window(sut, &mut order, settings, observer, stop, warm, &more)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn settings() -> ScenarioSettings {
        ScenarioSettings {
            scenario: super::super::Scenario::Offline,
            batch_size: 8,
            warmup: Duration::from_millis(10),
            min_duration: Duration::from_secs(2),
            min_queries: 5,
            seed: 1,
            target_qps: None,
        }
    }

    #[test]
    fn plan_fills_the_minimum_duration_with_margin() {
        // 100 queries in 1 s of warm-up: 2 s need 200, plus 10%.
        assert_eq!(planned_queries(&settings(), 100, 1.0), 220);
    }

    #[test]
    fn plan_never_goes_below_min_queries() {
        assert_eq!(planned_queries(&settings(), 1, 10.0), 5);
    }
}
