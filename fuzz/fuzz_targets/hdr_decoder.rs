//! The HDR histogram decoder, on the raw V2 (deflate) bytes a result carries
//! base64-encoded, and on the base64 text itself.
#![no_main]

use base64::Engine;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    if let Ok(h) = wattbench::stats::decode_histogram(&encoded) {
        let _ = (h.value_at_quantile(0.99), h.max(), h.min(), h.mean(), h.len());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = wattbench::stats::decode_histogram(text);
    }
});
