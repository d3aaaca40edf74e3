//! The REDD house-folder loader. The input is a house folder packed as
//! files separated by a line `=====`: `labels.dat` first, then
//! `channel_1.dat`, `channel_2.dat`, ... in order; the folder is written to a
//! temporary directory and loaded as the `nilm` workload loads it.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wattbench_workloads::nilm::redd::{load_house, ReddOptions};

fn scratch() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("wattbench-fuzz-redd-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&d);
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parts: Vec<&str> = text.split("\n=====\n").collect();
    if parts.len() > 8 {
        return;
    }
    let dir = scratch();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
    for (i, part) in parts.iter().enumerate() {
        let name = if i == 0 { "labels.dat".to_string() } else { format!("channel_{i}.dat") };
        if std::fs::write(dir.join(name), part).is_err() {
            return;
        }
    }
    let opts = ReddOptions {
        appliance: "washer_dryer".into(),
        target_scale_w: 2500.0,
        window: 5,
        interval_s: 8,
        max_gap_s: 30.0,
        stride: 2,
    };
    let _ = load_house(dir, &opts);
});
