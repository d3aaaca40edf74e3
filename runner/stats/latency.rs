//! Latency percentiles from an HDR histogram, with the histogram itself
//! serialised so that runs can be merged exactly later.

use base64::Engine;
use std::io::Read;

#[cfg(test)]
use hdrhistogram::serialization::V2Serializer;
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

/// Why the `hdr` field of a [`LatencySummary`] could not be decoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HistogramError {
    /// The text is not base64.
    #[error("latency histogram is not base64: {0}")]
    NotBase64(base64::DecodeError),
    /// The bytes are not an HdrHistogram V2 encoding wattbench reads (see [`decode_histogram_bytes`]).
    #[error("{0}")]
    Invalid(String),
}

/// Decodes the `hdr` field of a [`LatencySummary`] back into a histogram:
/// the one decoder of every reader (check, merge, the report). The field
/// comes from a file that may be hostile: see [`decode_histogram_bytes`].
pub fn decode_histogram_text(hdr: &str) -> Result<Histogram<u64>, HistogramError> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(hdr.trim()).map_err(HistogramError::NotBase64)?;
    decode_histogram_bytes(&bytes).map_err(HistogramError::Invalid)
}

/// [`decode_histogram_text`] with its error as a one-line message.
pub fn decode_histogram(hdr: &str) -> Result<Histogram<u64>, String> {
    decode_histogram_text(hdr).map_err(|e| e.to_string())
}

const V2_COOKIE: u32 = 0x1c84_9313;
const V2_COMPRESSED_COOKIE: u32 = 0x1c84_9314;
/// Cookie, payload length, normalising offset, significant digits, lowest,
/// highest, integer-to-double ratio.
const V2_HEADER_BYTES: usize = 40;
/// Deflate expands at most about 1032-fold.
const DEFLATE_MAX_RATIO: usize = 1032;
/// Far more than any histogram wattbench writes (3 significant digits: a few
/// hundred KiB of counts at most), far less than a hostile claim.
const MAX_DECODED_BYTES: usize = 16 << 20;
/// wattbench records with 3 significant digits; more multiplies the counts
/// array a decoder allocates (5 digits to 2^63: 67 MB from a few bytes).
const MAX_SIGNIFICANT_DIGITS: u32 = 3;

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    bytes.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Decodes an HdrHistogram V2 encoding (deflate-compressed or plain). Every
/// length it holds is checked against the bytes actually there before
/// anything is allocated for it: the decoder of the `hdrhistogram` crate
/// trusts the payload length of the header (a 4 GiB claim in a 5.7 KB file
/// once allocated 4.2 GB).
pub fn decode_histogram_bytes(bytes: &[u8]) -> Result<Histogram<u64>, String> {
    let plain: std::borrow::Cow<'_, [u8]> = match be32(bytes, 0) {
        Some(V2_COMPRESSED_COOKIE) => {
            let claimed = be32(bytes, 4).ok_or("latency histogram is truncated")? as usize;
            let data = &bytes[8..];
            if claimed > data.len() {
                return Err(format!(
                    "latency histogram claims {claimed} bytes of compressed data but holds {}",
                    data.len()
                ));
            }
            let limit = claimed.saturating_mul(DEFLATE_MAX_RATIO).min(MAX_DECODED_BYTES);
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(&data[..claimed])
                .take(limit as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| format!("latency histogram does not decompress: {e}"))?;
            if out.len() > limit {
                return Err(format!("latency histogram decompresses to more than {limit} bytes"));
            }
            out.into()
        }
        Some(V2_COOKIE) => bytes.into(),
        _ => return Err("latency histogram is not an HdrHistogram V2 encoding".into()),
    };
    if be32(&plain, 0) != Some(V2_COOKIE) || plain.len() < V2_HEADER_BYTES {
        return Err("latency histogram is not an HdrHistogram V2 encoding".into());
    }
    let claimed = be32(&plain, 4).unwrap_or(u32::MAX) as usize;
    let held = plain.len() - V2_HEADER_BYTES;
    if claimed > held {
        return Err(format!("latency histogram claims {claimed} bytes of counts but holds {held}"));
    }
    let digits = be32(&plain, 12).unwrap_or(u32::MAX);
    if digits > MAX_SIGNIFICANT_DIGITS {
        return Err(format!(
            "latency histogram has {digits} significant digits; wattbench reads at most {MAX_SIGNIFICANT_DIGITS}"
        ));
    }
    let h: Histogram<u64> = Deserializer::new()
        .deserialize(&mut &plain[..])
        .map_err(|e| format!("latency histogram does not decode: {e:?}"))?;
    // The crate's percentile and iteration code adds the counts without an
    // overflow check (a panic, or a wrapped and wrong percentile): counts
    // whose sum does not fit in 64 bits, or disagree with the total the
    // decoder kept, are refused. (Found by the hdr_decoder fuzz target.)
    let summed = h.count_between(0, u64::MAX); // every index of the counts array
    if summed == u64::MAX || summed != h.len() {
        return Err("latency histogram counts overflow or disagree with their total".into());
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_that_overflow_their_total_are_refused() {
        // Two counts whose sum does not fit in 64 bits: the crate's
        // `value_at_quantile` then panics ("attempt to add with overflow"),
        // as the hdr_decoder fuzz target found.
        let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).unwrap();
        // The format holds counts up to i64::MAX: three of them overflow.
        for v in [1_000, 2_000, 3_000] {
            h.record_n(v, i64::MAX as u64).unwrap();
        }
        let mut bytes = Vec::new();
        Serializer::serialize(&mut V2Serializer::new(), &h, &mut bytes).unwrap();
        let err = decode_histogram_bytes(&bytes).expect_err("an overflowing histogram must be refused");
        assert!(err.contains("overflow"), "{err}");
    }

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

    /// An HdrHistogram V2 deflate encoding whose inner header claims
    /// `payload_len` bytes, followed by `payload` (the real bytes).
    fn crafted(payload_len: u32, payload: &[u8]) -> String {
        use std::io::Write;
        let mut inner = Vec::new();
        inner.extend_from_slice(&0x1c84_9313u32.to_be_bytes());
        inner.extend_from_slice(&payload_len.to_be_bytes());
        inner.extend_from_slice(&0u32.to_be_bytes()); // normalising offset
        inner.extend_from_slice(&3u32.to_be_bytes()); // significant digits
        inner.extend_from_slice(&1u64.to_be_bytes()); // lowest
        inner.extend_from_slice(&3_600_000_000_000u64.to_be_bytes()); // highest
        inner.extend_from_slice(&1.0f64.to_be_bytes()); // integer to double ratio
        inner.extend_from_slice(payload);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&inner).unwrap();
        let compressed = z.finish().unwrap();
        let mut outer = Vec::new();
        outer.extend_from_slice(&0x1c84_9314u32.to_be_bytes());
        outer.extend_from_slice(&(compressed.len() as u32).to_be_bytes());
        outer.extend_from_slice(&compressed);
        base64::engine::general_purpose::STANDARD.encode(outer)
    }

    #[test]
    fn a_payload_length_beyond_the_data_is_refused_before_allocating() {
        // A 4 GiB claim in a few dozen bytes: once, this allocated 4.2 GB.
        let err = decode_histogram(&crafted(u32::MAX, &[2, 0])).unwrap_err();
        assert!(err.contains("claims 4294967295 bytes"), "{err}");
        // The honest length of the same payload decodes.
        assert!(decode_histogram(&crafted(2, &[2, 0])).is_ok());
    }

    #[test]
    fn a_compressed_length_beyond_the_data_is_refused() {
        let mut bytes = base64::engine::general_purpose::STANDARD.decode(crafted(2, &[2, 0])).unwrap();
        bytes[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        let err = decode_histogram(&base64::engine::general_purpose::STANDARD.encode(bytes)).unwrap_err();
        assert!(err.contains("claims 4294967295 bytes"), "{err}");
    }

    #[test]
    fn garbage_hdr_is_an_error_not_a_panic() {
        assert!(decode_histogram("not base64!").is_err());
        assert!(decode_histogram("AAAA").is_err());
    }
}
