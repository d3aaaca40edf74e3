//! `wattbench check RESULTS...`: every file's derived figures recomputed
//! from its raw data; one line per file, and one per field that disagrees.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::args::CheckArgs;
use crate::analysis::{load_file, result_files};
use crate::check::{check_record, TOLERANCE};

/// Checks every result named; exit code 1 when any file fails.
pub fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let files = result_files(&args.results)?;
    let mut failed = 0usize;
    // Written through the guarded writer (a closed pipe ends the output, a
    // full disk is one error), with names from the file system made safe
    // for the terminal.
    let mut out = String::new();
    for file in &files {
        let shown = crate::escape::terminal(&file.display().to_string());
        match load_file(file) {
            Err(e) => {
                failed += 1;
                let _ = writeln!(out, "FAIL {shown}: {}", crate::escape::terminal(&e.to_string()));
            }
            Ok(loaded) => {
                let found = check_record(&loaded.record);
                if found.is_empty() {
                    let _ = writeln!(out, "ok   {shown}");
                } else {
                    failed += 1;
                    let _ = writeln!(out, "FAIL {shown}: {} field(s) disagree with the raw data", found.len());
                    for d in &found {
                        let _ = writeln!(out, "     {}", crate::escape::terminal(&d.to_string()));
                    }
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "{} of {} result(s) check (figures recomputed from trials, histograms, energy, reference cards; floats within {TOLERANCE:e} relative)",
        files.len() - failed,
        files.len()
    );
    super::emit(&out)?;
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
