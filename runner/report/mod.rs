//! Self-contained HTML report (inline CSS + inline SVG, no scripts, no web fonts)
//! for wattbench result documents, handled as `serde_json::Value`.

pub mod cdf;
pub mod fleet;
pub mod frontier;
pub mod load_curve;
pub mod page;
pub mod power;
pub mod qa;
pub mod svg;

use serde_json::Value;

/// Why a report could not be rendered (one-line messages).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The input slice was empty.
    #[error("no result documents to report on")]
    NoDocuments,
    /// A document is not a JSON object.
    #[error("{file}: result document is not a JSON object")]
    NotAnObject {
        /// Source file name.
        file: String,
    },
    /// A required key is missing or has the wrong type.
    #[error("{file}: missing or mistyped required key `{key}` (expected {expected})")]
    MissingKey {
        /// Source file name.
        file: String,
        /// JSON key that was missing.
        key: String,
        /// Expected JSON type.
        expected: &'static str,
    },
}

/// One result document with its source file name and its position in the input.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// File name shown for provenance.
    pub source: &'a str,
    /// The whole result document.
    pub doc: &'a Value,
    /// Position in the input (selects the run's colour).
    pub index: usize,
}

impl<'a> Run<'a> {
    /// String value at a top-level key ("" when absent).
    pub fn s(&self, key: &str) -> &'a str {
        self.doc.get(key).and_then(Value::as_str).unwrap_or("")
    }

    /// Finite number at a JSON pointer such as `/energy/j_per_inference`.
    pub fn num(&self, ptr: &str) -> Option<f64> {
        self.doc.pointer(ptr).and_then(Value::as_f64).filter(|v| v.is_finite())
    }

    /// `[lo, hi]` pair of finite numbers at a JSON pointer.
    pub fn pair(&self, ptr: &str) -> Option<(f64, f64)> {
        let a = self.doc.pointer(ptr)?.as_array()?;
        match (a.first()?.as_f64(), a.get(1)?.as_f64()) {
            (Some(lo), Some(hi)) if lo.is_finite() && hi.is_finite() => Some((lo, hi)),
            _ => None,
        }
    }

    /// Human label: `suite#index scenario/device/precision/bN`.
    pub fn label(&self) -> String {
        let mut prefix = self.s("suite").to_string();
        if let Some(i) = self.doc.get("run_index").and_then(Value::as_i64) {
            prefix = format!("{prefix}#{i}");
        }
        let batch = self.num("/batch_size").map_or(String::from("?"), |b| svg::fmt_sig(b, 6));
        let core = format!("{}/{}/{}/b{batch}", self.s("scenario"), self.s("device"), self.s("precision"));
        if prefix.is_empty() {
            core
        } else {
            format!("{prefix} {core}")
        }
    }

    /// The run's plot colour.
    pub fn color(&self) -> &'static str {
        svg::PALETTE[self.index % svg::PALETTE.len()]
    }

    /// Measured J/inference, or `None` when energy is unmeasured.
    pub fn j_per_inference(&self) -> Option<f64> {
        let method = self.doc.pointer("/energy/method").and_then(Value::as_str).unwrap_or("unmeasured");
        if method == "unmeasured" {
            return None;
        }
        self.num("/energy/j_per_inference")
    }

    /// The energy note (possibly empty).
    pub fn energy_note(&self) -> &'a str {
        self.doc.pointer("/energy/note").and_then(Value::as_str).unwrap_or("")
    }
}

/// Required keys and their expected JSON types.
const REQUIRED: [(&str, &str); 7] = [
    ("workload", "string"),
    ("scenario", "string"),
    ("device", "string"),
    ("precision", "string"),
    ("batch_size", "number"),
    ("throughput_per_s", "number"),
    ("latency_ns", "object"),
];

fn check(file: &str, doc: &Value) -> Result<(), ReportError> {
    let obj = doc.as_object().ok_or_else(|| ReportError::NotAnObject { file: file.to_string() })?;
    for (key, expected) in REQUIRED {
        let ok = matches!(
            (obj.get(key), expected),
            (Some(Value::String(_)), "string")
                | (Some(Value::Number(_)), "number")
                | (Some(Value::Object(_)), "object")
        );
        if !ok {
            return Err(ReportError::MissingKey { file: file.to_string(), key: key.to_string(), expected });
        }
    }
    Ok(())
}

/// Groups runs by workload, in order of first appearance.
pub fn by_workload<'r, 'a>(runs: &'r [Run<'a>]) -> Vec<(&'a str, Vec<&'r Run<'a>>)> {
    let mut groups: Vec<(&'a str, Vec<&'r Run<'a>>)> = Vec::new();
    for run in runs {
        let w = run.s("workload");
        match groups.iter_mut().find(|(name, _)| *name == w) {
            Some((_, g)) => g.push(run),
            None => groups.push((w, vec![run])),
        }
    }
    groups
}

/// One self-contained HTML page (no network needed: inline CSS and inline SVG, no scripts
/// from anywhere, no web fonts) for these result documents; `sources` are the file names
/// shown for provenance.
pub fn render_report(docs: &[(String, Value)]) -> Result<String, ReportError> {
    if docs.is_empty() {
        return Err(ReportError::NoDocuments);
    }
    let mut runs = Vec::with_capacity(docs.len());
    for (index, (source, doc)) in docs.iter().enumerate() {
        check(source, doc)?;
        runs.push(Run { source, doc, index });
    }
    Ok(page::render(&runs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> Vec<(String, Value)> {
        let mut out = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results");
        for dir in [root.join("scripted"), root.join("unmeasured")] {
            let mut names: Vec<_> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
            names.sort();
            for p in names {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p.file_name().unwrap().to_string_lossy().into_owned(), serde_json::from_str(&text).unwrap()));
            }
        }
        out
    }

    #[test]
    fn errors_are_one_line_and_name_file_and_key() {
        assert!(matches!(render_report(&[]), Err(ReportError::NoDocuments)));
        let doc = serde_json::json!({"workload": "w", "scenario": "s", "device": "cpu", "precision": "f32"});
        let msg = render_report(&[("a.json".into(), doc)]).unwrap_err().to_string();
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
        let runs: Vec<Run> = docs.iter().enumerate().map(|(index, (s, d))| Run { source: s, doc: d, index }).collect();
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
