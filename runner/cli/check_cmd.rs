//! `wattbench check RESULTS...`: every file's derived figures recomputed
//! from its raw data; one line per file, and one per field that disagrees.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::args::CheckArgs;
use crate::analysis::{parse_result, read_result_bytes, result_files};
use crate::check::{check_record, TOLERANCE};
use crate::signing::{parse_public_key, verify_bytes, Verification};

/// The signature of `bytes` (read from `file`), judged against the trusted
/// keys (none: any valid signature, or none at all). `Err` is why the file fails.
fn signature(file: &std::path::Path, bytes: &[u8], trusted: &[String]) -> Result<String, String> {
    match verify_bytes(file, bytes).map_err(|e| e.to_string())? {
        Verification::Signed(key) if trusted.is_empty() || trusted.contains(&key) => {
            Ok(format!(" (signed by {})", &key[..16]))
        }
        Verification::Signed(key) => Err(format!("signed by {}, a key not trusted (--trust)", &key[..16])),
        Verification::Unsigned if trusted.is_empty() => Ok(String::new()),
        Verification::Unsigned => Err("not signed (no .sig beside it), and --trust requires a signature".into()),
    }
}

/// Checks every result named; exit code 1 when any file fails.
pub fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let trusted = args
        .trust
        .iter()
        .map(|k| parse_public_key(k).map(|b| crate::signing::encode_hex(&b)))
        .collect::<Result<Vec<_>, _>>()?;
    let files = result_files(&args.results)?;
    let mut failed = 0usize;
    // Written through the guarded writer (a closed pipe ends the output, a
    // full disk is one error), with names from the file system made safe
    // for the terminal.
    let mut out = String::new();
    for file in &files {
        let shown = crate::escape::terminal(&file.display().to_string());
        // Read once: the figures checked and the bytes whose signature is verified are the same.
        let loaded = read_result_bytes(file)
            .and_then(|bytes| parse_result(&bytes, &file.display().to_string()).map(|record| (bytes, record)));
        match loaded {
            Err(e) => {
                failed += 1;
                let _ = writeln!(out, "FAIL {shown}: {}", crate::escape::terminal(&e.to_string()));
            }
            Ok((bytes, record)) => {
                let found = check_record(&record);
                let signed = signature(file, &bytes, &trusted);
                if let Err(why) = &signed {
                    failed += 1;
                    let _ = writeln!(out, "FAIL {shown}: {}", crate::escape::terminal(why));
                } else if found.is_empty() {
                    let _ = writeln!(out, "ok   {shown}{}", signed.unwrap_or_default());
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
