//! The two interfaces the harness drives.

use std::time::Instant;

use thiserror::Error;

/// Anything that can stop a scenario.
#[derive(Debug, Error)]
pub enum HarnessError {
    /// The system under test failed to execute a query.
    #[error("{0}")]
    Sut(String),
    /// A meter failed at a window edge.
    #[error("meter: {0}")]
    Meter(String),
    /// The user interrupted the run (Ctrl-C).
    #[error("interrupted")]
    Interrupted,
    /// The system under test offers no samples.
    #[error("the workload has no samples to run")]
    NoSamples,
    /// The scenario settings are inconsistent.
    #[error("scenario settings: {0}")]
    BadSettings(String),
}

/// What the harness measures: something that runs a batch of samples.
pub trait SystemUnderTest {
    /// Number of distinct samples that queries may index.
    fn sample_count(&self) -> usize;

    /// Runs one query (the samples as one batch) and returns once the device
    /// has finished it and its outputs are on the host.
    fn issue(&mut self, samples: &[usize]) -> Result<(), HarnessError>;

    /// Runs one query of arrivals (the server scenario): sample `samples[i]`
    /// was due at `arrivals[i]`, so that a system that reports per-request
    /// figures (time to first token) can count them from the arrival.
    fn issue_arrivals(&mut self, samples: &[usize], arrivals: &[Instant]) -> Result<(), HarnessError> {
        let _ = arrivals;
        self.issue(samples)
    }

    /// Waits for all outstanding device work.
    fn sync(&mut self) -> Result<(), HarnessError>;
}

/// Told the exact edges of the measured window: meters read here.
pub trait WindowObserver {
    /// Called right after the device sync that ends the warm-up, before the first timed query.
    fn open(&mut self) -> Result<(), HarnessError>;
    /// Called right after the last timed query has completed.
    fn close(&mut self) -> Result<(), HarnessError>;
}

/// An observer that does nothing, for measurements without meters.
#[derive(Debug, Default)]
pub struct NoWindowObserver;

impl WindowObserver for NoWindowObserver {
    fn open(&mut self) -> Result<(), HarnessError> {
        Ok(())
    }
    fn close(&mut self) -> Result<(), HarnessError> {
        Ok(())
    }
}
