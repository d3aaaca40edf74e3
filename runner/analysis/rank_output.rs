//! Leaderboards as a terminal table, Markdown, CSV or JSON.

use std::fmt::Write;

use super::{RankBy, Ranking};
use crate::escape;
use crate::table::Table;

/// Output formats of `rank`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned text.
    Table,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// Comma-separated values (one row per run, ranked and excluded).
    Csv,
    /// JSON (the rankings as data).
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "table" => Ok(Format::Table),
            "markdown" | "md" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(format!("unknown format `{s}` (expected table, markdown, csv or json)")),
        }
    }
}

fn number(v: f64, by: RankBy) -> String {
    match by {
        RankBy::Energy => format!("{v:.4}"),
        RankBy::Throughput => format!("{v:.1}"),
        RankBy::P99 => format!("{v:.3}"),
    }
}

fn interval(i: Option<[f64; 2]>, by: RankBy) -> String {
    i.map(|[lo, hi]| format!("[{}, {}]", number(lo, by), number(hi, by))).unwrap_or_else(|| "-".into())
}

fn rank_cell(rank: usize, tied: bool) -> String {
    if tied {
        format!("={rank}")
    } else {
        rank.to_string()
    }
}

/// Renders the rankings in `format`.
pub fn render(rankings: &[Ranking], format: Format) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    match format {
        Format::Json => return serde_json::to_string_pretty(rankings).map(|s| s + "\n"),
        Format::Csv => {
            out.push_str("workload,scenario,rank,tied,ranked_by,value,ci95_low,ci95_high,device,backend,batch_size,excluded_reason,file\n");
            for r in rankings {
                for run in &r.ranked {
                    let (lo, hi) = run.interval.map(|[l, h]| (l.to_string(), h.to_string())).unwrap_or_default();
                    let fields = [
                        &r.workload,
                        &r.scenario,
                        &run.rank.to_string(),
                        &run.tied.to_string(),
                        &r.by.to_string(),
                        &run.value.to_string(),
                        &lo,
                        &hi,
                        &run.device,
                        &run.backend,
                        &run.batch_size.to_string(),
                        "",
                        &run.file,
                    ];
                    let _ = writeln!(out, "{}", fields.iter().map(|f| escape::csv(f)).collect::<Vec<_>>().join(","));
                }
                for ex in &r.excluded {
                    let fields = [
                        &r.workload,
                        &r.scenario,
                        "",
                        "",
                        &r.by.to_string(),
                        "",
                        "",
                        "",
                        &ex.device,
                        "",
                        "",
                        &ex.reason,
                        &ex.file,
                    ];
                    let _ = writeln!(out, "{}", fields.iter().map(|f| escape::csv(f)).collect::<Vec<_>>().join(","));
                }
            }
        }
        Format::Table | Format::Markdown => {
            for r in rankings {
                let title = format!(
                    "{} / {} by {} ({} ranked, {} excluded)",
                    r.workload,
                    r.scenario,
                    r.by,
                    r.ranked.len(),
                    r.excluded.len()
                );
                let mut t = Table::new(&["rank", &r.by.to_string(), "95% interval", "device", "backend", "batch"]);
                for run in &r.ranked {
                    t.row(vec![
                        rank_cell(run.rank, run.tied),
                        number(run.value, r.by),
                        interval(run.interval, r.by),
                        run.device.clone(),
                        run.backend.clone(),
                        run.batch_size.to_string(),
                    ]);
                }
                if format == Format::Markdown {
                    let _ = writeln!(out, "### {}\n\n{}", escape::markdown(&title), t.render_markdown());
                    for ex in &r.excluded {
                        let [device, file, reason] = [&ex.device, &ex.file, &ex.reason].map(|s| escape::markdown(s));
                        let _ = writeln!(out, "- not ranked: {device} ({file}): {reason}");
                    }
                } else {
                    let _ = writeln!(out, "{}\n{}", escape::terminal(&title), t.render());
                    for ex in &r.excluded {
                        let [device, file, reason] = [&ex.device, &ex.file, &ex.reason].map(|s| escape::terminal(s));
                        let _ = writeln!(out, "  not ranked: {device} ({file}): {reason}");
                    }
                }
                out.push('\n');
            }
        }
    }
    Ok(out)
}
