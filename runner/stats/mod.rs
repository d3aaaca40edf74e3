//! Statistics over measurements: latency summaries, and the uncertainty of
//! repeated trials (bootstrap intervals, early-stopping percentiles, Poisson
//! arrival schedules).

mod latency;
pub mod uncertainty;

pub use latency::{decode_histogram, decode_histogram_bytes, decode_histogram_text, HistogramError, LatencySummary};
