//! Why a run produced no result file.

use crate::harness::HarnessError;

/// Why a run produced no result file.
#[derive(Debug, thiserror::Error)]
pub enum RunFailure {
    /// The user interrupted it.
    #[error("interrupted")]
    Interrupted,
    /// It failed, with a one-line reason.
    #[error("{0}")]
    Failed(String),
}

impl From<HarnessError> for RunFailure {
    /// A harness error ends the run; an interrupted harness is an interrupted run.
    fn from(e: HarnessError) -> RunFailure {
        match e {
            HarnessError::Interrupted => RunFailure::Interrupted,
            other => RunFailure::Failed(other.to_string()),
        }
    }
}
