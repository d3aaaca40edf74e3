//! Errors of workloads and their data.

use thiserror::Error;

/// Anything that can stop a workload from being prepared or run.
#[derive(Debug, Error)]
pub enum WorkloadError {
    /// No workload has this id.
    #[error("unknown workload `{id}` (known: {known})")]
    UnknownWorkload {
        /// The id asked for.
        id: String,
        /// Comma-separated known ids.
        known: String,
    },
    /// A workload parameter has a wrong value.
    #[error("workload `{workload}`: parameter `{name}`: {reason}")]
    BadParameter {
        /// Workload id.
        workload: String,
        /// Parameter name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The data could not be generated or loaded.
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    /// A metric could not be computed.
    #[error(transparent)]
    Metric(#[from] crate::metrics::MetricError),
    /// A weights file could not be read or did not fit the model.
    #[error("weights {path}: {reason}")]
    Weights {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The backend failed while executing (for example out of device memory).
    #[error("execution failed: {0}")]
    Execution(String),
}
