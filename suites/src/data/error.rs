//! Errors of data: loading, generating, validating or windowing it.

use thiserror::Error;

/// Errors from loading, generating, validating or windowing data. Each
/// displays as one line with enough context to locate the problem.
#[derive(Debug, Error)]
pub enum DataError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// File concerned.
        path: String,
        /// Underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The input has no data rows (empty file, or a header only).
    #[error("{path}: no data rows ({reason})")]
    Empty {
        /// File or origin concerned.
        path: String,
        /// What was found instead.
        reason: String,
    },
    /// The header line is unusable.
    #[error("{path} line 1: bad header: {reason}")]
    BadHeader {
        /// File or origin concerned.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A line has the wrong number of comma-separated fields.
    #[error("{path} line {line}: expected {expected} fields, found {found}")]
    FieldCount {
        /// File or origin concerned.
        path: String,
        /// 1-based line number.
        line: usize,
        /// Number of header columns.
        expected: usize,
        /// Number of fields on the line.
        found: usize,
    },
    /// One field could not be used.
    #[error("{path} line {line}, column \"{column}\": {reason}")]
    Malformed {
        /// File or origin concerned.
        path: String,
        /// 1-based line number.
        line: usize,
        /// Column name from the header.
        column: String,
        /// What is wrong with the value.
        reason: String,
    },
    /// A requested column does not exist.
    #[error("{path}: no column \"{column}\" (available: {})", .available.join(", "))]
    MissingColumn {
        /// File or origin concerned.
        path: String,
        /// Column that was asked for.
        column: String,
        /// Columns that do exist.
        available: Vec<String>,
    },
    /// Timestamps are not strictly consecutive whole hours.
    #[error("{path} line {line}: not hourly: {reason}")]
    NotHourly {
        /// File or origin concerned.
        path: String,
        /// 1-based line number.
        line: usize,
        /// Which timestamp was expected and which was found.
        reason: String,
    },
    /// Not enough steps for the requested operation.
    #[error("series too short: need {needed} steps, got {got}")]
    TooShort {
        /// Steps required.
        needed: usize,
        /// Steps available.
        got: usize,
    },
    /// Any other invalid argument or inconsistent data.
    #[error("invalid data: {0}")]
    Invalid(String),
}
