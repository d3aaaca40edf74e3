//! A reader of 2D seismic sections in SEG-Y (revision 0 and 1, big-endian).
//!
//! Layout: a 3200-byte textual header (EBCDIC or ASCII), a 400-byte binary
//! header, optionally (revision 1) extended 3200-byte textual headers, then
//! traces of a 240-byte header followed by the samples. Only fixed-length
//! traces are read (every trace has the binary header's sample count), in
//! data sample format 1 (IBM float) or 5 (IEEE float). The whole file is held
//! in memory while it is parsed.

use super::ibm_float::ibm_to_f32;
use super::text_header::{decode_text_header, TextEncoding};
use std::fmt;
use std::path::Path;

/// Bytes of the textual file header.
pub const TEXT_HEADER_BYTES: usize = 3200;
/// Bytes of the binary file header.
pub const BINARY_HEADER_BYTES: usize = 400;
/// Bytes of each trace header.
pub const TRACE_HEADER_BYTES: usize = 240;

/// File offset of the binary header's sample interval in µs (bytes 3217-3218).
const SAMPLE_INTERVAL_AT: usize = 3216;
/// File offset of the binary header's samples per trace (bytes 3221-3222).
const SAMPLES_AT: usize = 3220;
/// File offset of the binary header's data sample format code (bytes 3225-3226).
const FORMAT_AT: usize = 3224;
/// File offset of the SEG-Y revision number (bytes 3501-3502; 0x0100 is rev 1).
const REVISION_AT: usize = 3500;
/// File offset of the number of extended textual headers (bytes 3505-3506, rev 1).
const EXTENDED_AT: usize = 3504;
/// Offset in a trace header of its number of samples (bytes 115-116).
const TRACE_SAMPLES_AT: usize = 114;
/// Offset in a trace header of its sample interval in µs (bytes 117-118).
const TRACE_INTERVAL_AT: usize = 116;

/// A data sample format that can be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleFormat {
    /// Code 1: 4-byte IBM floating point.
    IbmFloat,
    /// Code 5: 4-byte IEEE floating point.
    IeeeFloat,
}

impl SampleFormat {
    /// The format of a binary-header code, `None` when not supported.
    pub fn from_code(code: i16) -> Option<SampleFormat> {
        match code {
            1 => Some(SampleFormat::IbmFloat),
            5 => Some(SampleFormat::IeeeFloat),
            _ => None,
        }
    }

    /// The binary-header code.
    pub fn code(self) -> i16 {
        match self {
            SampleFormat::IbmFloat => 1,
            SampleFormat::IeeeFloat => 5,
        }
    }
}

/// A 2D section read from a SEG-Y file.
#[derive(Clone, Debug, PartialEq)]
pub struct SegySection {
    /// Time samples per trace (rows).
    pub samples: usize,
    /// Traces in file order (columns).
    pub traces: usize,
    /// Amplitudes `[samples, traces]` row-major: `data[s * traces + k]` is
    /// sample `s` of trace `k`, as stored (not normalised).
    pub data: Vec<f32>,
    /// Sample interval in milliseconds.
    pub dt_ms: f64,
    /// The sample format the file used.
    pub format: SampleFormat,
    /// The textual header's encoding.
    pub text_encoding: TextEncoding,
    /// The textual header as lines of up to 80 characters.
    pub text_header: String,
}

/// Why a SEG-Y file could not be read or tiled.
#[derive(Clone, Debug, PartialEq)]
pub enum SegyError {
    /// The file could not be read.
    Io {
        /// The file.
        path: String,
        /// The system's message.
        message: String,
    },
    /// The file ends before the headers do.
    TooShort {
        /// Bytes in the file.
        len: usize,
        /// Bytes the headers need.
        need: usize,
        /// Which headers.
        what: &'static str,
    },
    /// The data sample format code is neither 1 (IBM float) nor 5 (IEEE float).
    UnsupportedFormat {
        /// The code as read (big-endian).
        code: i16,
    },
    /// The binary header gives zero samples per trace.
    ZeroSamples,
    /// Neither the binary header nor the first trace header gives a sample interval.
    ZeroInterval,
    /// A revision-1 header announces a variable number (negative count) of
    /// extended textual headers, which is not supported.
    ExtendedHeaders {
        /// The count as read.
        count: i16,
    },
    /// The file holds the headers and nothing else.
    NoTraces,
    /// The file ends inside the samples of its last trace.
    TruncatedTrace {
        /// Index (0-based) of the incomplete trace.
        trace: usize,
        /// Bytes of it present.
        have: usize,
        /// Bytes of a whole trace.
        trace_bytes: usize,
    },
    /// The bytes after the last whole trace are too few for a trace header:
    /// the length is not headers plus whole traces.
    TrailingBytes {
        /// Whole traces read.
        traces: usize,
        /// Bytes left over.
        extra: usize,
        /// Bytes of a whole trace.
        trace_bytes: usize,
    },
    /// A trace header gives a sample count other than the binary header's.
    TraceLength {
        /// Index (0-based) of the trace.
        trace: usize,
        /// Its count.
        samples: usize,
        /// The binary header's count.
        expected: usize,
    },
    /// A sample is NaN or infinite (or an IBM value beyond `f32`'s range).
    NotFinite {
        /// Index (0-based) of the trace.
        trace: usize,
        /// Index (0-based) of the sample.
        sample: usize,
    },
    /// The section cannot be cut into tiles as asked.
    Tiles {
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for SegyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SegyError::Io { path, message } => write!(f, "cannot read SEG-Y file {path}: {message}"),
            SegyError::TooShort { len, need, what } => {
                write!(f, "SEG-Y file of {len} bytes is too short for {what} ({need} bytes)")
            }
            SegyError::UnsupportedFormat { code } => {
                write!(f, "unsupported SEG-Y data sample format code {code}: only 1 (IBM float) and 5 (IEEE float)")?;
                if SampleFormat::from_code(code.swap_bytes()).is_some() {
                    write!(f, "; the binary header looks little-endian, but SEG-Y rev 1 is big-endian")?;
                }
                Ok(())
            }
            SegyError::ZeroSamples => write!(f, "SEG-Y binary header gives zero samples per trace"),
            SegyError::ZeroInterval => {
                write!(f, "SEG-Y sample interval is zero in both the binary header and the first trace header")
            }
            SegyError::ExtendedHeaders { count } => {
                write!(f, "SEG-Y header announces {count} extended textual headers; a variable count is not supported")
            }
            SegyError::NoTraces => write!(f, "SEG-Y file holds headers but no traces"),
            SegyError::TruncatedTrace { trace, have, trace_bytes } => write!(
                f,
                "SEG-Y file ends inside trace {trace}: {have} of its {trace_bytes} bytes present (truncated last trace)"
            ),
            SegyError::TrailingBytes { traces, extra, trace_bytes } => write!(
                f,
                "SEG-Y file length is not headers + whole traces: {extra} bytes after {traces} traces of \
                 {trace_bytes} bytes"
            ),
            SegyError::TraceLength { trace, samples, expected } => write!(
                f,
                "SEG-Y trace {trace} has {samples} samples but the binary header says {expected}; \
                 variable trace lengths are not supported"
            ),
            SegyError::NotFinite { trace, sample } => {
                write!(f, "SEG-Y trace {trace} sample {sample} is not a finite f32")
            }
            SegyError::Tiles { reason } => write!(f, "cannot cut the SEG-Y section into tiles: {reason}"),
        }
    }
}

impl std::error::Error for SegyError {}

/// Reads a SEG-Y file; see [`parse_segy`].
pub fn read_segy(path: &Path) -> Result<SegySection, SegyError> {
    let bytes = crate::regular_file::read_regular(path)
        .map_err(|e| SegyError::Io { path: path.display().to_string(), message: e.to_string() })?;
    parse_segy(&bytes)
}

/// Parses a whole SEG-Y file held in memory. The sample interval comes from
/// the binary header (bytes 3217-3218, µs), or from the first trace header
/// when that is zero. Trace headers are checked only for their sample count
/// (bytes 115-116), which must be zero or equal the binary header's.
pub fn parse_segy(bytes: &[u8]) -> Result<SegySection, SegyError> {
    let headers = TEXT_HEADER_BYTES + BINARY_HEADER_BYTES;
    if bytes.len() < headers {
        return Err(SegyError::TooShort { len: bytes.len(), need: headers, what: "the textual and binary headers" });
    }
    let (text_encoding, text_header) = decode_text_header(bytes.get(..TEXT_HEADER_BYTES).unwrap_or_default());
    let code = be_u16(bytes, FORMAT_AT) as i16;
    let format = SampleFormat::from_code(code).ok_or(SegyError::UnsupportedFormat { code })?;
    let samples = usize::from(be_u16(bytes, SAMPLES_AT));
    if samples == 0 {
        return Err(SegyError::ZeroSamples);
    }
    let extended = if be_u16(bytes, REVISION_AT) >= 0x0100 { be_u16(bytes, EXTENDED_AT) as i16 } else { 0 };
    if extended < 0 {
        return Err(SegyError::ExtendedHeaders { count: extended });
    }
    let data_start = headers + extended as usize * TEXT_HEADER_BYTES;
    if bytes.len() < data_start {
        return Err(SegyError::TooShort { len: bytes.len(), need: data_start, what: "the extended textual headers" });
    }
    let trace_bytes = TRACE_HEADER_BYTES + 4 * samples;
    let body = bytes.get(data_start..).unwrap_or_default();
    let (traces, extra) = (body.len() / trace_bytes, body.len() % trace_bytes);
    if extra >= TRACE_HEADER_BYTES {
        return Err(SegyError::TruncatedTrace { trace: traces, have: extra, trace_bytes });
    }
    if extra > 0 {
        return Err(SegyError::TrailingBytes { traces, extra, trace_bytes });
    }
    if traces == 0 {
        return Err(SegyError::NoTraces);
    }
    let mut interval_us = be_u16(bytes, SAMPLE_INTERVAL_AT);
    if interval_us == 0 {
        interval_us = be_u16(body, TRACE_INTERVAL_AT);
    }
    if interval_us == 0 {
        return Err(SegyError::ZeroInterval);
    }
    let mut data = vec![0.0f32; samples * traces];
    for (k, trace) in body.chunks_exact(trace_bytes).enumerate() {
        let own = usize::from(be_u16(trace, TRACE_SAMPLES_AT));
        if own != 0 && own != samples {
            return Err(SegyError::TraceLength { trace: k, samples: own, expected: samples });
        }
        let values = trace.get(TRACE_HEADER_BYTES..).unwrap_or_default().chunks_exact(4);
        for (s, word) in values.enumerate() {
            let &[a, b, c, d] = word else { continue };
            let bits = u32::from_be_bytes([a, b, c, d]);
            let v = match format {
                SampleFormat::IbmFloat => ibm_to_f32(bits),
                SampleFormat::IeeeFloat => f32::from_bits(bits),
            };
            if !v.is_finite() {
                return Err(SegyError::NotFinite { trace: k, sample: s });
            }
            data[s * traces + k] = v;
        }
    }
    Ok(SegySection {
        samples,
        traces,
        data,
        dt_ms: f64::from(interval_us) / 1000.0,
        format,
        text_encoding,
        text_header,
    })
}

/// The big-endian `u16` at `at`, 0 when out of range.
fn be_u16(bytes: &[u8], at: usize) -> u16 {
    match bytes.get(at..at + 2) {
        Some(&[hi, lo]) => u16::from_be_bytes([hi, lo]),
        _ => 0,
    }
}

/// Building SEG-Y files in memory for tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::super::ibm_float::ibm_from_f64;
    use super::*;

    /// A valid file: ASCII textual header, the given format code, sample
    /// interval and traces (`traces[k]` holds trace `k`'s samples).
    pub fn build(code: i16, interval_us: u16, traces: &[Vec<f32>]) -> Vec<u8> {
        let samples = traces.first().map_or(0, Vec::len);
        let mut out = format!("{:<3200}", "C 1 SYNTHETIC TEST FILE").into_bytes();
        let mut binary = [0u8; BINARY_HEADER_BYTES];
        let mut put = |at: usize, v: u16| binary[at - 3200..at - 3198].copy_from_slice(&v.to_be_bytes());
        put(SAMPLE_INTERVAL_AT, interval_us);
        put(SAMPLES_AT, samples as u16);
        put(FORMAT_AT, code as u16);
        out.extend_from_slice(&binary);
        for trace in traces {
            let mut header = [0u8; TRACE_HEADER_BYTES];
            header[TRACE_SAMPLES_AT..TRACE_SAMPLES_AT + 2].copy_from_slice(&(trace.len() as u16).to_be_bytes());
            header[TRACE_INTERVAL_AT..TRACE_INTERVAL_AT + 2].copy_from_slice(&interval_us.to_be_bytes());
            out.extend_from_slice(&header);
            for &v in trace {
                let bits = if code == 1 { ibm_from_f64(f64::from(v)) } else { v.to_bits() };
                out.extend_from_slice(&bits.to_be_bytes());
            }
        }
        out
    }

    /// Overwrites the big-endian `u16` at `at`.
    pub fn set_u16(bytes: &mut [u8], at: usize, v: u16) {
        bytes[at..at + 2].copy_from_slice(&v.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::super::text_header::to_ebcdic;
    use super::testing::{build, set_u16};
    use super::*;

    /// Three traces of four samples with distinct, exactly representable values.
    fn traces() -> Vec<Vec<f32>> {
        (0..3).map(|k| (0..4).map(|s| (k * 10 + s) as f32 - 118.625).collect()).collect()
    }

    #[test]
    fn reads_ibm_with_an_ebcdic_header_from_a_file() {
        let mut bytes = build(1, 2000, &traces());
        let text = to_ebcdic(&format!("{:<3200}", "C 1 CLIENT: DEMO  C 2 LINE: 7"));
        bytes[..3200].copy_from_slice(&text);
        // -118.625 is 0xC276A000 in IBM float.
        assert_eq!(bytes[3600 + 240..3600 + 244], [0xC2, 0x76, 0xA0, 0x00]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("line.sgy");
        std::fs::write(&path, &bytes).unwrap();
        let s = read_segy(&path).unwrap();
        assert_eq!((s.samples, s.traces, s.dt_ms, s.format), (4, 3, 2.0, SampleFormat::IbmFloat));
        assert_eq!(s.text_encoding, TextEncoding::Ebcdic);
        assert_eq!(s.text_header, "C 1 CLIENT: DEMO  C 2 LINE: 7");
        for k in 0..3 {
            for t in 0..4 {
                assert_eq!(s.data[t * 3 + k], (k * 10 + t) as f32 - 118.625);
            }
        }
        let missing = read_segy(&dir.path().join("absent.sgy")).unwrap_err();
        assert!(matches!(missing, SegyError::Io { .. }), "{missing}");
    }

    #[test]
    fn reads_ieee_and_known_ibm_words() {
        let values = vec![vec![1.0, -118.625, 0.15625, 3.0e-5], vec![-0.0, 7.25e6, 1.0e-30, -2.5]];
        let s = parse_segy(&build(5, 4000, &values)).unwrap();
        assert_eq!((s.samples, s.traces, s.dt_ms, s.format), (4, 2, 4.0, SampleFormat::IeeeFloat));
        assert_eq!(s.text_encoding, TextEncoding::Ascii);
        assert_eq!(s.text_header, "C 1 SYNTHETIC TEST FILE");
        assert_eq!(s.data, vec![1.0, -0.0, -118.625, 7.25e6, 0.15625, 1.0e-30, 3.0e-5, -2.5]);
        // Hand-written IBM words.
        let mut bytes = build(1, 1000, &[vec![0.0, 0.0, 0.0]]);
        for (i, word) in [0x4110_0000u32, 0xC276_A000, 0x4028_0000].iter().enumerate() {
            bytes[3840 + 4 * i..3844 + 4 * i].copy_from_slice(&word.to_be_bytes());
        }
        assert_eq!(parse_segy(&bytes).unwrap().data, vec![1.0, -118.625, 0.15625]);
    }

    #[test]
    fn skips_extended_headers_and_falls_back_to_the_trace_interval() {
        let plain = build(5, 2000, &traces());
        let mut bytes = plain[..3600].to_vec();
        set_u16(&mut bytes, REVISION_AT, 0x0100);
        set_u16(&mut bytes, EXTENDED_AT, 2);
        bytes.extend(vec![b' '; 6400]);
        bytes.extend_from_slice(&plain[3600..]);
        let s = parse_segy(&bytes).unwrap();
        assert_eq!(s.data, parse_segy(&plain).unwrap().data);
        // Revision 0: the count's bytes are unassigned and ignored.
        let mut rev0 = plain.clone();
        set_u16(&mut rev0, EXTENDED_AT, 2);
        assert_eq!(parse_segy(&rev0).unwrap().traces, 3);
        let mut no_interval = plain.clone();
        set_u16(&mut no_interval, SAMPLE_INTERVAL_AT, 0);
        assert_eq!(parse_segy(&no_interval).unwrap().dt_ms, 2.0);
        set_u16(&mut no_interval, 3600 + TRACE_INTERVAL_AT, 0);
        assert_eq!(parse_segy(&no_interval), Err(SegyError::ZeroInterval));
    }

    #[test]
    fn malformed_files_give_clear_errors() {
        let good = build(1, 2000, &traces());
        let trace_bytes = 240 + 16;
        assert_eq!(good.len(), 3600 + 3 * trace_bytes);
        let err = |bytes: &[u8]| parse_segy(bytes).unwrap_err();

        let e = err(&good[..3599]);
        assert_eq!(e, SegyError::TooShort { len: 3599, need: 3600, what: "the textual and binary headers" });
        assert!(e.to_string().contains("too short"), "{e}");
        assert!(matches!(err(&[]), SegyError::TooShort { len: 0, .. }));

        let mut bad = good.clone();
        set_u16(&mut bad, FORMAT_AT, 3);
        let e = err(&bad);
        assert_eq!(e, SegyError::UnsupportedFormat { code: 3 });
        assert!(e.to_string().contains("format code 3") && !e.to_string().contains("little-endian"), "{e}");
        set_u16(&mut bad, FORMAT_AT, 0x0500);
        assert!(err(&bad).to_string().contains("little-endian"));

        let mut zero = good.clone();
        set_u16(&mut zero, SAMPLES_AT, 0);
        assert_eq!(err(&zero), SegyError::ZeroSamples);
        assert!(err(&zero).to_string().contains("zero samples"));

        assert_eq!(err(&good[..3600]), SegyError::NoTraces);

        let cut = &good[..good.len() - 5];
        let e = err(cut);
        assert_eq!(e, SegyError::TruncatedTrace { trace: 2, have: trace_bytes - 5, trace_bytes });
        assert!(e.to_string().contains("truncated last trace"), "{e}");

        let mut long = good.clone();
        long.extend_from_slice(&[0; 7]);
        let e = err(&long);
        assert_eq!(e, SegyError::TrailingBytes { traces: 3, extra: 7, trace_bytes });
        assert!(e.to_string().contains("not headers + whole traces"), "{e}");
        // Half a trace header after the binary header.
        assert_eq!(err(&good[..3720]), SegyError::TrailingBytes { traces: 0, extra: 120, trace_bytes });

        let mut uneven = good.clone();
        set_u16(&mut uneven, 3600 + trace_bytes + TRACE_SAMPLES_AT, 5);
        assert_eq!(err(&uneven), SegyError::TraceLength { trace: 1, samples: 5, expected: 4 });

        let mut ext = good.clone();
        set_u16(&mut ext, REVISION_AT, 0x0100);
        set_u16(&mut ext, EXTENDED_AT, 0xFFFF);
        assert_eq!(err(&ext), SegyError::ExtendedHeaders { count: -1 });
        set_u16(&mut ext, EXTENDED_AT, 3);
        assert!(matches!(err(&ext), SegyError::TooShort { need: 13200, .. }));

        let nan = build(5, 2000, &[vec![0.0, f32::NAN], vec![1.0, 2.0]]);
        assert_eq!(err(&nan), SegyError::NotFinite { trace: 0, sample: 1 });
        let mut huge = build(1, 2000, &[vec![1.0, 2.0]]);
        huge[3844..3848].copy_from_slice(&0x7FFF_FFFFu32.to_be_bytes());
        assert_eq!(err(&huge), SegyError::NotFinite { trace: 0, sample: 1 });
    }
}
