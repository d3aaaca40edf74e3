//! The suite parser and planner: any text gives a plan or a one-line error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(src) = wattbench::suite::parse_suite("fuzz.toml".into(), text.into()) {
        let _ = wattbench::suite::plan(&src, &wattbench::suite::PlanOverrides::default());
    }
});
