//! Page assembly: inline CSS, header, summary table, the plot sections and provenance.

use serde::Serialize;
use serde_json::Value;

use crate::report::svg::{esc, fmt_si, fmt_sig};
use crate::report::{by_workload, cdf, finite, fleet, frontier, load_curve, pair, power, qa, Run};

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:24px auto;max-width:1220px;color:#222;padding:0 16px}
h1{margin:0 0 4px}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:36px}h3{margin:18px 0 6px;font-size:15px}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ddd;padding:4px 7px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;white-space:nowrap}small{color:#666}
.good{color:#176b1d;font-weight:600}.bad{color:#b00020;font-weight:600}.muted{color:#777}
.notice{color:#9a4d00}.caption{color:#555;font-size:13px;margin:2px 0 12px}
.prov{display:flex;flex-wrap:wrap;gap:16px}.prov table{font-size:12px;max-width:590px}.prov td{word-break:break-all}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
svg{display:block;margin:6px 0 10px;background:#fff}svg text{font-family:inherit;fill:#333}
svg .tick{font-size:11px}svg .axis{font-size:12px}svg .legend,svg .label{font-size:12px}svg text.notice{fill:#9a4d00}
svg .grid{stroke:#ececec;stroke-width:1}svg .frame{fill:none;stroke:#555;stroke-width:1}";

fn td(s: &str) -> String {
    format!("<td>{}</td>", esc(s))
}

/// Nanoseconds as milliseconds.
fn ms(ns: u64) -> String {
    fmt_sig(ns as f64 / 1e6, 3)
}

fn energy_cell(run: &Run) -> String {
    let method = run.record.energy.method.as_str();
    match run.j_per_inference() {
        None => "<td class=\"muted\">unmeasured</td>".to_string(),
        Some(j) => {
            let ci = pair(run.record.energy.j_per_inference_ci95).map_or(String::new(), |(lo, hi)| {
                format!("<br><small>ci95 {} – {}</small>", esc(&fmt_si(lo, "J")), esc(&fmt_si(hi, "J")))
            });
            format!("<td class=\"num\">{} <small>({})</small>{ci}</td>", esc(&fmt_si(j, "J")), esc(method))
        }
    }
}

fn quality_cell(run: &Run) -> String {
    let q = &run.record.quality;
    let detail = match finite(q.value) {
        Some(v) => {
            let th = q.threshold.and_then(finite).map_or(String::new(), |t| format!(" vs {}", fmt_sig(t, 3)));
            format!("<br><small>{} {}{}</small>", esc(&q.metric), fmt_sig(v, 3), esc(&th))
        }
        None => String::new(),
    };
    match q.passes {
        Some(true) => format!("<td><span class=\"good\">pass</span>{detail}</td>"),
        Some(false) => format!("<td><span class=\"bad\">FAIL</span>{detail}</td>"),
        None => format!("<td class=\"muted\">ungated{detail}</td>"),
    }
}

fn verdict_cell(run: &Run) -> String {
    let v = &run.record.verdict;
    let rules: Vec<String> = v.failed_rules.iter().map(|r| esc(&r.rule)).collect();
    let rules = if rules.is_empty() { String::new() } else { format!("<br><small>{}</small>", rules.join(", ")) };
    if v.valid {
        format!("<td><span class=\"good\">VALID</span>{rules}</td>")
    } else {
        format!("<td><span class=\"bad\">INVALID</span>{rules}</td>")
    }
}

fn summary(runs: &[Run]) -> String {
    let mut h = String::from("<table><tr><th>run</th><th>workload</th><th>scenario</th><th>device</th><th>precision</th><th>batch</th><th>throughput (/s)</th><th>p50 ms</th><th>p99 ms</th><th>J/inference</th><th>quality</th><th>verdict</th></tr>\n");
    for run in runs {
        let rec = run.record;
        let tp = run.throughput().map_or("n/a".into(), |v| fmt_sig(v, 3));
        let ci = pair(rec.throughput_ci95_per_s).map_or(String::new(), |(lo, hi)| {
            format!("<br><small>ci95 {} – {}</small>", fmt_sig(lo, 3), fmt_sig(hi, 3))
        });
        h.push_str(&format!(
            "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td>{}{}{}{}<td class=\"num\">{}</td><td class=\"num\">{}{ci}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>{}{}{}</tr>\n",
            run.color(),
            esc(run.label()),
            td(&rec.workload),
            td(&rec.scenario),
            td(&rec.device),
            td(&rec.precision),
            run.batch(),
            esc(&tp),
            ms(rec.latency_ns.p50),
            ms(rec.latency_ns.p99),
            energy_cell(run),
            quality_cell(run),
            verdict_cell(run),
        ));
    }
    h.push_str("</table>\n");
    h
}

/// A typed section as (dotted key, text) rows, through its serde form: the
/// provenance table lists every field the schema has, in the order a JSON
/// reader of the file sees them (keys sorted at each level).
pub fn fields<T: Serialize>(section: &T) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    if let Ok(v) = serde_json::to_value(section) {
        flatten("", &v, &mut rows);
    }
    rows
}

/// Flattens nested objects into dotted keys (`device.name`); scalars rendered as text.
pub fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, x, out);
            }
        }
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Null => out.push((prefix.to_string(), "—".to_string())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

fn provenance(runs: &[Run]) -> String {
    let mut h = String::from("<div class=\"prov\">\n");
    for run in runs {
        let mut rows = vec![("source file".to_string(), run.source.to_string())];
        rows.extend(fields(&run.record.provenance));
        h.push_str(&format!(
            "<table><tr><th colspan=\"2\"><span class=\"swatch\" style=\"background:{}\"></span>{}</th></tr>\n",
            run.color(),
            esc(run.label())
        ));
        for (k, v) in rows {
            h.push_str(&format!("<tr>{}{}</tr>\n", td(&k), td(&v)));
        }
        h.push_str("</table>\n");
    }
    h.push_str("</div>\n");
    h
}

/// Assembles the whole HTML page for validated runs.
pub fn render(runs: &[Run]) -> String {
    let workloads: Vec<&str> = by_workload(runs).into_iter().map(|(w, _)| w).collect();
    let mut suites: Vec<&str> = runs.iter().map(|r| r.record.suite.as_str()).filter(|s| !s.is_empty()).collect();
    suites.sort_unstable();
    suites.dedup();
    let mut h = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>wattbench report</title>\n<style>\n");
    h.push_str(CSS);
    h.push_str("\n</style></head><body>\n<section id=\"summary\">\n<h1>wattbench report</h1>\n");
    h.push_str(&format!(
        "<p>{} run{} · workload{}: {} · suite{}: {}</p>\n",
        runs.len(),
        if runs.len() == 1 { "" } else { "s" },
        if workloads.len() == 1 { "" } else { "s" },
        esc(&workloads.join(", ")),
        if suites.len() == 1 { "" } else { "s" },
        esc(&suites.join(", "))
    ));
    h.push_str(&summary(runs));
    h.push_str("</section>\n<section id=\"latency\">\n<h2>Latency distribution</h2>\n");
    h.push_str(&cdf::section(runs));
    h.push_str("</section>\n<section id=\"power\">\n<h2>Power trace</h2>\n");
    h.push_str(&power::section(runs));
    h.push_str("</section>\n<section id=\"frontier\">\n<h2>Efficiency frontier</h2>\n");
    h.push_str(&frontier::section(runs));
    let curve = load_curve::section(runs);
    if !curve.is_empty() {
        h.push_str("</section>\n<section id=\"load-curve\">\n<h2>Endpoint load curve</h2>\n");
        h.push_str(&curve);
    }
    if qa::has_answers(runs) {
        h.push_str("</section>\n<section id=\"qa-frontier\">\n<h2>Accuracy against energy per correct answer</h2>\n");
        h.push_str(&qa::section(runs));
    }
    h.push_str("</section>\n<section id=\"fleet\">\n<h2>Fleet: nodes and tasks</h2>\n");
    h.push_str(&fleet::section(runs));
    h.push_str("</section>\n<section id=\"provenance\">\n<h2>Provenance</h2>\n");
    h.push_str(&provenance(runs));
    h.push_str("</section>\n</body></html>\n");
    h
}

/// Text of one `<section id=...>` of a rendered page (test helper).
#[cfg(test)]
pub fn section_text<'h>(html: &'h str, id: &str) -> &'h str {
    let start = html.find(&format!("<section id=\"{id}\"")).unwrap_or(html.len());
    let end = html[start..].find("</section>").map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn provenance_flattens_nested_device() {
        let mut rows = Vec::new();
        flatten("", &json!({"git": "abc", "device": {"name": "H100", "uuid": null}, "n": 2}), &mut rows);
        let keys: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(keys, ["device.name", "device.uuid", "git", "n"]);
        assert_eq!(rows[0].1, "H100");
    }

    #[test]
    fn summary_escapes_and_marks_unmeasured() {
        let mut doc = crate::report::fixture_record();
        (doc.workload, doc.scenario, doc.device, doc.precision) = ("<w&>".into(), "s'".into(), "d".into(), "p".into());
        (doc.batch_size, doc.throughput_per_s, doc.latency_ns.p50) = (8, 12.0, 1_500_000);
        doc.energy.method = crate::energy::EnergyMethod::Unmeasured;
        doc.quality.passes = None;
        doc.verdict.valid = true;
        doc.verdict.failed_rules.clear();
        let h = summary(&[Run::new("x.json", &doc, 0)]);
        assert!(h.contains("&lt;w&amp;&gt;") && h.contains("s&#39;") && !h.contains("<w&>"));
        assert!(h.contains(">unmeasured<") && h.contains("VALID") && h.contains("ungated") && h.contains(">1.5<"));
    }
}
