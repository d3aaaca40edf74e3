//! Latency percentiles from an HDR histogram, with the histogram itself
//! serialised so that runs can be merged exactly later.

use base64::Engine;
use hdrhistogram::serialization::{Deserializer, Serializer, V2DeflateSerializer};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Percentiles of a latency histogram, in nanoseconds.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LatencySummary {
    /// Median.
    pub p50: u64,
    /// 90th percentile.
    pub p90: u64,
    /// 99th percentile.
    pub p99: u64,
    /// 99.9th percentile.
    pub p999: u64,
    /// Largest recorded value.
    pub max: u64,
    /// Smallest recorded value.
    pub min: u64,
    /// Arithmetic mean.
    pub mean: f64,
    /// Number of recorded latencies.
    pub count: u64,
    /// The histogram: HdrHistogram V2 compressed (deflate) encoding, base64.
    pub hdr: String,
}

impl LatencySummary {
    /// Summarises `hist` (values in nanoseconds).
    pub fn from_histogram(hist: &Histogram<u64>) -> Result<Self, String> {
        let mut bytes = Vec::new();
        V2DeflateSerializer::new()
            .serialize(hist, &mut bytes)
            .map_err(|e| format!("could not serialise the latency histogram: {e:?}"))?;
        Ok(Self {
            p50: hist.value_at_quantile(0.50),
            p90: hist.value_at_quantile(0.90),
            p99: hist.value_at_quantile(0.99),
            p999: hist.value_at_quantile(0.999),
            max: hist.max(),
            min: hist.min(),
            mean: hist.mean(),
            count: hist.len(),
            hdr: base64::engine::general_purpose::STANDARD.encode(bytes),
        })
    }
}

/// Decodes the `hdr` field of a [`LatencySummary`] back into a histogram.
pub fn decode_histogram(hdr: &str) -> Result<Histogram<u64>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(hdr)
        .map_err(|e| format!("latency histogram is not base64: {e}"))?;
    Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .map_err(|e| format!("latency histogram does not decode: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_distribution() {
        let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).unwrap();
        for v in 1..=1000u64 {
            h.record(v * 1000).unwrap();
        }
        let s = LatencySummary::from_histogram(&h).unwrap();
        // 3 significant digits: each percentile within 0.1% of the exact value.
        for (got, exact) in [(s.p50, 500_000.0), (s.p90, 900_000.0), (s.p99, 990_000.0), (s.p999, 999_000.0)] {
            assert!((got as f64 - exact).abs() / exact < 1e-3, "{got} vs {exact}");
        }
        assert_eq!(s.count, 1000);
        assert!((s.mean - 500_500.0).abs() / 500_500.0 < 1e-3);
    }

    #[test]
    fn serialised_histogram_round_trips_exactly() {
        let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).unwrap();
        for v in [17u64, 1_000, 123_456, 9_999_999, 3_000_000_000] {
            h.record(v).unwrap();
        }
        let s = LatencySummary::from_histogram(&h).unwrap();
        let back = decode_histogram(&s.hdr).unwrap();
        assert_eq!(back, h);
    }

    #[test]
    fn garbage_hdr_is_an_error_not_a_panic() {
        assert!(decode_histogram("not base64!").is_err());
        assert!(decode_histogram("AAAA").is_err());
    }
}
