//! The ETT CSV loader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wattbench_workloads::load_forecast::ett::parse_ett_str;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_ett_str(text, "fuzz.csv", "OT");
});
