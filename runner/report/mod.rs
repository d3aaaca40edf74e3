//! Self-contained HTML report (inline CSS + inline SVG, no scripts, no web fonts)
//! for wattbench results, read as typed records ([`RunRecord`]). The HTML
//! exporter ([`crate::export::Html`]) writes it.

pub mod cdf;
pub mod fleet;
pub mod frontier;
pub mod load_curve;
pub mod page;
pub mod power;
pub mod qa;
pub mod svg;

use crate::analysis::LoadedResult;
use crate::energy::EnergyMethod;
use crate::results::RunRecord;

/// Why a report could not be rendered (one-line messages).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The input slice was empty.
    #[error("no result documents to report on")]
    NoDocuments,
}

/// One result as the report shows it: the typed record, the file it came
/// from, its position in the input and its label.
#[derive(Debug, Clone)]
pub struct Run<'a> {
    /// File name shown for provenance.
    pub source: &'a str,
    /// The result.
    pub record: &'a RunRecord,
    /// Position in the input (selects the run's colour).
    pub index: usize,
    /// Human label: `suite#index scenario/device/precision/bN` (see [`Run::new`]).
    pub label: String,
}

/// The value when it is finite (a figure the report can draw or print).
pub(crate) fn finite(v: f64) -> Option<f64> {
    Some(v).filter(|v| v.is_finite())
}

/// A `[lo, hi]` interval as a pair, when both ends are finite.
pub(crate) fn pair(interval: Option<[f64; 2]>) -> Option<(f64, f64)> {
    match interval {
        Some([lo, hi]) if lo.is_finite() && hi.is_finite() => Some((lo, hi)),
        _ => None,
    }
}

impl<'a> Run<'a> {
    /// The run of `record` read from `source`, at `index` in the input.
    pub fn new(source: &'a str, record: &'a RunRecord, index: usize) -> Self {
        let mut prefix = record.suite.clone();
        if let Ok(i) = i64::try_from(record.run_index) {
            prefix = format!("{prefix}#{i}");
        }
        let batch = svg::fmt_sig(record.batch_size as f64, 6);
        let core = format!("{}/{}/{}/b{batch}", record.scenario, record.device, record.precision);
        let label = if prefix.is_empty() { core } else { format!("{prefix} {core}") };
        Run { source, record, index, label }
    }

    /// Human label: `suite#index scenario/device/precision/bN`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The batch size as the report prints it.
    pub fn batch(&self) -> String {
        svg::fmt_sig(self.record.batch_size as f64, 6)
    }

    /// The run's plot colour.
    pub fn color(&self) -> &'static str {
        svg::PALETTE[self.index % svg::PALETTE.len()]
    }

    /// Samples per second, when finite.
    pub fn throughput(&self) -> Option<f64> {
        finite(self.record.throughput_per_s)
    }

    /// Whether anything measured the energy.
    pub fn energy_measured(&self) -> bool {
        self.record.energy.method != EnergyMethod::Unmeasured
    }

    /// Measured J/inference, or `None` when energy is unmeasured.
    pub fn j_per_inference(&self) -> Option<f64> {
        if !self.energy_measured() {
            return None;
        }
        self.record.energy.j_per_inference.and_then(finite)
    }

    /// The energy note (possibly empty).
    pub fn energy_note(&self) -> &'a str {
        self.record.energy.note.as_deref().unwrap_or("")
    }
}

/// Groups runs by workload, in order of first appearance.
pub fn by_workload<'r, 'a>(runs: &'r [Run<'a>]) -> Vec<(&'a str, Vec<&'r Run<'a>>)> {
    let mut groups: Vec<(&'a str, Vec<&'r Run<'a>>)> = Vec::new();
    for run in runs {
        let w = run.record.workload.as_str();
        match groups.iter_mut().find(|(name, _)| *name == w) {
            Some((_, g)) => g.push(run),
            None => groups.push((w, vec![run])),
        }
    }
    groups
}

/// One self-contained HTML page (no network needed: inline CSS and inline SVG, no scripts
/// from anywhere, no web fonts) for these results (read, and checked, by
/// [`crate::analysis::load_results`]); their files are shown for provenance.
pub fn render_report(results: &[LoadedResult]) -> Result<String, ReportError> {
    if results.is_empty() {
        return Err(ReportError::NoDocuments);
    }
    let sources: Vec<String> = results.iter().map(|r| r.path.display().to_string()).collect();
    let runs: Vec<Run> = results
        .iter()
        .zip(&sources)
        .enumerate()
        .map(|(index, (r, source))| Run::new(source, &r.record, index))
        .collect();
    Ok(page::render(&runs))
}

/// The committed fixture result that unit tests of the report start from.
#[cfg(test)]
pub(crate) fn fixture_record() -> RunRecord {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/results/scripted/01-load-forecast-offline-cpu-f32-b4.json");
    crate::analysis::load_file(&path).unwrap().record
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixtures() -> Vec<LoadedResult> {
        let mut out = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results");
        for dir in [root.join("scripted"), root.join("unmeasured")] {
            let mut names: Vec<_> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
            names.sort();
            for p in names {
                let mut loaded = crate::analysis::load_file(&p).unwrap();
                loaded.path = PathBuf::from(p.file_name().unwrap());
                out.push(loaded);
            }
        }
        out
    }

    #[test]
    fn errors_are_one_line_and_name_file_and_key() {
        assert!(matches!(render_report(&[]), Err(ReportError::NoDocuments)));
        // A document without a required key is refused by the one loader every
        // reader uses, in one line that names the file and the key.
        let dir = tempfile::tempdir().unwrap();
        let mut doc = serde_json::to_value(fixture_record()).unwrap();
        doc.as_object_mut().unwrap().remove("batch_size");
        let path = dir.path().join("a.json");
        std::fs::write(&path, doc.to_string()).unwrap();
        let msg = crate::analysis::load_file(&path).map(|_| ()).unwrap_err().to_string();
        assert!(msg.contains("a.json") && msg.contains("batch_size") && !msg.contains('\n'), "{msg}");
    }

    #[test]
    fn fixture_render_has_every_section_and_label() {
        let docs = fixtures();
        assert_eq!(docs.len(), 5, "the committed fixture results");
        let html = render_report(&docs).unwrap();
        assert_eq!(html, render_report(&docs).unwrap(), "deterministic");
        let ids = ["summary", "latency", "power", "frontier", "fleet", "provenance"];
        let mut last = 0;
        for id in ids {
            let at = html.find(&format!("<section id=\"{id}\"")).unwrap();
            assert!(at >= last, "section {id} out of order");
            last = at;
        }
        for id in ["latency", "power", "frontier"] {
            let sec = page::section_text(&html, id);
            assert!(sec.contains("<svg"), "no svg in {id}");
        }
        let sources: Vec<String> = docs.iter().map(|d| d.path.display().to_string()).collect();
        let runs: Vec<Run> =
            docs.iter().zip(&sources).enumerate().map(|(index, (d, s))| Run::new(s, &d.record, index)).collect();
        for r in &runs {
            assert!(html.contains(&svg::esc(&r.label())), "missing label {}", r.label());
            assert!(html.contains(r.source));
        }
        assert!(html.contains("energy unmeasured: nothing measured"));
        for bad in ["<script", "<link", "@import", "@font-face", "https://", "<img"] {
            assert!(!html.contains(bad), "page contains {bad}");
        }
    }
}
