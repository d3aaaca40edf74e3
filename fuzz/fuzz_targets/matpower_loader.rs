//! The MATPOWER case-file loader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wattbench_workloads::dispatch_proxy::matpower::Case;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(case) = Case::parse(text) {
        let _ = case.total_load_mw();
    }
});
