//! `wattbench rank`, `compare` and `merge`: reading result files back.

use std::process::ExitCode;

use anyhow::Context;

use super::args::{CompareArgs, MergeArgs, RankArgs};
use super::write_export;
use crate::analysis::{compare, load_results, merge, qa_frontiers, rank, MergeError};
use crate::export::{Exporter, Junit, Markdown, Text};
use crate::results::write_atomic;

/// Prints the leaderboards.
pub fn rank_cmd(args: RankArgs) -> anyhow::Result<ExitCode> {
    let results = load_results(&args.results)?;
    let rankings = rank(&results, args.by);
    super::emit(&args.format.rankings().export(&rankings)?)?;
    // Question sets: accuracy against J per correct answer (in the formats that have them).
    if let Some(exporter) = args.format.question_sets() {
        super::emit(&exporter.export(&qa_frontiers(&results))?)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Compares; exit 1 when a change is worse than allowed beyond the noise.
pub fn compare_cmd(args: CompareArgs) -> anyhow::Result<ExitCode> {
    if !(args.max_regression.is_finite() && args.max_regression >= 0.0) {
        anyhow::bail!("--max-regression must be a non-negative fraction (0.05 is 5%)");
    }
    let baseline = load_results(std::slice::from_ref(&args.baseline))?;
    let new = load_results(std::slice::from_ref(&args.new))?;
    let report = compare(&baseline, &new, args.max_regression);
    if report.matched.is_empty() {
        anyhow::bail!("no configuration appears in both {} and {}", args.baseline.display(), args.new.display());
    }
    super::emit(&Text.export(&report)?)?;
    if let Some(path) = &args.markdown {
        write_export(&report, &Markdown, path)?;
    }
    if let Some(path) = &args.junit {
        write_export(&report, &Junit, path)?;
    }
    let regressions: usize = report.matched.iter().map(|m| m.changes.iter().filter(|c| c.regression).count()).sum();
    if regressions > 0 {
        eprintln!("{regressions} regression(s) beyond noise and worse than {:.1}%", args.max_regression * 100.0);
        return Ok(ExitCode::from(1));
    }
    eprintln!("no regression beyond noise (allowed worsening {:.1}%)", args.max_regression * 100.0);
    Ok(ExitCode::SUCCESS)
}

/// Merges results per configuration into `--out`.
pub fn merge_cmd(args: MergeArgs) -> anyhow::Result<ExitCode> {
    let results = load_results(&args.results)?;
    let merged = match merge(&results) {
        Err(MergeError::Mismatched(list)) => {
            // One line per differing field; the summary comes last, as the error.
            for m in &list {
                eprintln!("error: {m}");
            }
            anyhow::bail!("{} field(s) differ between results of the same configuration; nothing merged", list.len());
        }
        other => other?,
    };
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    for (i, r) in merged.iter().enumerate() {
        // A sanitised, length-bounded single component: never a path out of --out.
        let name = r.file_name(i, "-merged");
        let path =
            write_atomic(&args.out, &name, r).with_context(|| format!("cannot write into {}", args.out.display()))?;
        eprintln!("wrote {} (from {} result(s))", path.display(), r.merged_from.len());
    }
    Ok(ExitCode::SUCCESS)
}
