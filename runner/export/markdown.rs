//! GitHub-flavoured Markdown (a CI job's summary): leaderboards, a
//! comparison and the question-set frontiers. Strings from result files
//! pass through [`escape::markdown`]: no raw HTML, no broken table row.

use std::fmt::Write;

use super::tables::{
    comparison_table, least_energy, question_set_table, question_set_title, ranking_table, ranking_title, unmatched,
};
use super::{ExportError, Exporter};
use crate::analysis::{CompareReport, QaFrontier, Ranking};
use crate::escape;

/// GitHub-flavoured Markdown.
#[derive(Clone, Copy, Debug, Default)]
pub struct Markdown;

impl Exporter<[Ranking]> for Markdown {
    fn export(&self, rankings: &[Ranking]) -> Result<String, ExportError> {
        let mut out = String::new();
        for r in rankings {
            let title = escape::markdown(&ranking_title(r));
            let _ = writeln!(out, "### {title}\n\n{}", ranking_table(r).render_markdown());
            for ex in &r.excluded {
                let [device, file, reason] = [&ex.device, &ex.file, &ex.reason].map(|s| escape::markdown(s));
                let _ = writeln!(out, "- not ranked: {device} ({file}): {reason}");
            }
            out.push('\n');
        }
        Ok(out)
    }
}

impl Exporter<CompareReport> for Markdown {
    fn export(&self, report: &CompareReport) -> Result<String, ExportError> {
        let verdict = if report.regressed() { "Regression" } else { "No regression" };
        let mut out = format!(
            "## wattbench compare: {verdict}\n\nAllowed worsening {:.1}%, counted only beyond the noise (disjoint 95% intervals).\n\n",
            report.max_regression * 100.0
        );
        out.push_str(&comparison_table(report).render_markdown());
        out.push('\n');
        unmatched(report, &mut out, "- ", escape::markdown);
        Ok(out)
    }
}

impl Exporter<[QaFrontier]> for Markdown {
    fn export(&self, frontiers: &[QaFrontier]) -> Result<String, ExportError> {
        let mut out = String::new();
        for f in frontiers {
            let _ = writeln!(
                out,
                "### {}\n\n{}\nLeast energy per correct answer among passing runs: {}\n",
                escape::markdown(&question_set_title(f)),
                question_set_table(f).render_markdown(),
                escape::markdown(&least_energy(f))
            );
        }
        Ok(out)
    }
}
