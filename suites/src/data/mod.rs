//! Data every workload shares: the labelled sample set, content
//! fingerprints, bounded reading of regular files, the seeded generator, and
//! the data error type.

pub mod dataset;
pub mod error;
pub mod fingerprint;
pub mod regular_file;
pub mod rng;

pub use error::DataError;
