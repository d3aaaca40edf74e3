//! The load generator. It knows nothing of models: it issues queries of
//! sample indices to a [`SystemUnderTest`] in a scenario, times each one, and
//! tells a [`WindowObserver`] exactly when the measured window opens and
//! closes (so that meters read at the window's edges).

mod offline;
mod order;
mod outcome;
mod server;
mod settings;
mod single_stream;
mod sut;
mod window;

pub use order::SampleOrder;
pub use outcome::ScenarioOutcome;
pub use server::arrival_schedule;
pub use settings::{Scenario, ScenarioSettings, MAX_BATCH_SIZE, MIN_SERVER_SCHEDULE_LIMIT};
pub use sut::{HarnessError, NoWindowObserver, SystemUnderTest, WindowObserver};

use std::sync::atomic::AtomicBool;

/// Runs one scenario to completion (or until `stop` is raised).
pub fn run_scenario(
    sut: &mut dyn SystemUnderTest,
    settings: &ScenarioSettings,
    observer: &mut dyn WindowObserver,
    stop: &AtomicBool,
) -> Result<ScenarioOutcome, HarnessError> {
    settings.check()?;
    if sut.sample_count() == 0 {
        return Err(HarnessError::NoSamples);
    }
    match settings.scenario {
        Scenario::SingleStream => single_stream::run(sut, settings, observer, stop),
        Scenario::Offline => offline::run(sut, settings, observer, stop),
        Scenario::Server => server::run(sut, settings, observer, stop),
    }
}

#[cfg(test)]
mod server_tests;
#[cfg(test)]
pub(crate) mod test_support;
