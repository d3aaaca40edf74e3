//! `wattbench check RESULTS...`: every file's derived figures recomputed
//! from its raw data; one line per file, and one per field that disagrees.

use std::process::ExitCode;

use super::args::CheckArgs;
use crate::analysis::{load_file, result_files};
use crate::check::{check_record, TOLERANCE};

/// Checks every result named; exit code 1 when any file fails.
pub fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let files = result_files(&args.results)?;
    let mut failed = 0usize;
    for file in &files {
        let shown = file.display();
        match load_file(file) {
            Err(e) => {
                failed += 1;
                println!("FAIL {shown}: {e}");
            }
            Ok(loaded) => {
                let found = check_record(&loaded.record);
                if found.is_empty() {
                    println!("ok   {shown}");
                } else {
                    failed += 1;
                    println!("FAIL {shown}: {} field(s) disagree with the raw data", found.len());
                    for d in &found {
                        println!("     {d}");
                    }
                }
            }
        }
    }
    println!(
        "{} of {} result(s) check (figures recomputed from trials, histograms, energy, reference cards; floats within {TOLERANCE:e} relative)",
        files.len() - failed,
        files.len()
    );
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
