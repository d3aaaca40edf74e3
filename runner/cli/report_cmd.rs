//! `wattbench report`: one self-contained HTML page with plots.

use std::process::ExitCode;

use super::args::ReportArgs;
use super::write_export;
use crate::analysis::load_results;
use crate::export::Html;

/// Writes the report.
pub fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let results = load_results(&args.results)?;
    write_export(results.as_slice(), &Html, &args.out)?;
    eprintln!("wrote {} ({} run(s))", args.out.display(), results.len());
    Ok(ExitCode::SUCCESS)
}
