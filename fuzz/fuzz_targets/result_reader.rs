//! The result reader and the checker: any bytes give a record or a one-line
//! error, never a panic, and a record that parses is checked as `rank` and
//! `wattbench check` check it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = wattbench::analysis::parse_result(data, "fuzz.json") {
        // Whatever parsed is then read the way rank/compare/report read it.
        let _ = wattbench::stats::decode_histogram(&record.latency_ns.hdr);
        let _ = wattbench::check::check_record(&record);
    }
});
