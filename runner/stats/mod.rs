//! Statistics over measurements.

mod latency;

pub use latency::{decode_histogram, LatencySummary};
