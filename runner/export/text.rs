//! Aligned text for the terminal: leaderboards, a comparison and the
//! question-set frontiers. Strings from result files pass through
//! [`escape::terminal`], so that none can move the cursor or recolour the screen.

use std::fmt::Write;

use super::tables::{
    comparison_table, least_energy, question_set_table, question_set_title, ranking_table, ranking_title, unmatched,
};
use super::{ExportError, Exporter};
use crate::analysis::{CompareReport, QaFrontier, Ranking};
use crate::escape;

/// The terminal's aligned text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Text;

impl Exporter<[Ranking]> for Text {
    fn export(&self, rankings: &[Ranking]) -> Result<String, ExportError> {
        let mut out = String::new();
        for r in rankings {
            let _ = writeln!(out, "{}\n{}", escape::terminal(&ranking_title(r)), ranking_table(r).render());
            for ex in &r.excluded {
                let [device, file, reason] = [&ex.device, &ex.file, &ex.reason].map(|s| escape::terminal(s));
                let _ = writeln!(out, "  not ranked: {device} ({file}): {reason}");
            }
            out.push('\n');
        }
        Ok(out)
    }
}

impl Exporter<CompareReport> for Text {
    fn export(&self, report: &CompareReport) -> Result<String, ExportError> {
        let mut out = comparison_table(report).render();
        unmatched(report, &mut out, "  ", escape::terminal);
        Ok(out)
    }
}

impl Exporter<[QaFrontier]> for Text {
    fn export(&self, frontiers: &[QaFrontier]) -> Result<String, ExportError> {
        let mut out = String::new();
        for f in frontiers {
            let _ = writeln!(
                out,
                "{}\n{}  least energy per correct answer among passing runs: {}\n",
                escape::terminal(&question_set_title(f)),
                question_set_table(f).render(),
                escape::terminal(&least_energy(f))
            );
        }
        Ok(out)
    }
}
