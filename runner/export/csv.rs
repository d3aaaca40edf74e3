//! Comma-separated values (RFC 4180) of the leaderboards: one row per run,
//! ranked and excluded. Every field passes through [`escape::csv`], which
//! also defuses a field a spreadsheet would run as a formula.

use std::fmt::Write;

use super::{ExportError, Exporter};
use crate::analysis::Ranking;
use crate::escape;

/// Comma-separated values.
#[derive(Clone, Copy, Debug, Default)]
pub struct Csv;

const HEADER: &str =
    "workload,scenario,rank,tied,ranked_by,value,ci95_low,ci95_high,device,backend,batch_size,excluded_reason,file\n";

fn row(out: &mut String, fields: &[&str]) {
    let _ = writeln!(out, "{}", fields.iter().map(|f| escape::csv(f)).collect::<Vec<_>>().join(","));
}

impl Exporter<[Ranking]> for Csv {
    fn export(&self, rankings: &[Ranking]) -> Result<String, ExportError> {
        let mut out = String::from(HEADER);
        for r in rankings {
            let by = r.by.to_string();
            for run in &r.ranked {
                let (lo, hi) = run.interval.map(|[l, h]| (l.to_string(), h.to_string())).unwrap_or_default();
                let (rank, tied, value, batch) =
                    (run.rank.to_string(), run.tied.to_string(), run.value.to_string(), run.batch_size.to_string());
                row(
                    &mut out,
                    &[
                        &r.workload,
                        &r.scenario,
                        &rank,
                        &tied,
                        &by,
                        &value,
                        &lo,
                        &hi,
                        &run.device,
                        &run.backend,
                        &batch,
                        "",
                        &run.file,
                    ],
                );
            }
            for ex in &r.excluded {
                row(
                    &mut out,
                    &[&r.workload, &r.scenario, "", "", &by, "", "", "", &ex.device, "", "", &ex.reason, &ex.file],
                );
            }
        }
        Ok(out)
    }
}
