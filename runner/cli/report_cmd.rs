//! `wattbench report`: one self-contained HTML page with plots.

use std::process::ExitCode;

use anyhow::Context;

use super::args::ReportArgs;
use crate::analysis::load_results;

/// Writes the report.
pub fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let results = load_results(&args.results)?;
    let docs = results
        .iter()
        .map(|r| Ok((r.path.display().to_string(), serde_json::to_value(&r.record)?)))
        .collect::<Result<Vec<_>, serde_json::Error>>()?;
    let html = crate::report::render_report(&docs)?;
    crate::results::write_text_atomic(&args.out, &html)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!("wrote {} ({} run(s))", args.out.display(), results.len());
    Ok(ExitCode::SUCCESS)
}
