//! The SEG-Y rev 1 loader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wattbench_workloads::seismic_facies::segy::parse_segy;

fuzz_target!(|data: &[u8]| {
    let _ = parse_segy(data);
});
