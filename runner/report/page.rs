//! Page assembly: inline CSS, header, summary table, the plot sections and provenance.

use serde_json::Value;

use crate::report::svg::{esc, fmt_si, fmt_sig};
use crate::report::{by_workload, cdf, fleet, frontier, load_curve, power, qa, Run};

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

fn ms(run: &Run, key: &str) -> String {
    run.num(&format!("/latency_ns/{key}")).map_or("n/a".into(), |v| fmt_sig(v / 1e6, 3))
}

fn energy_cell(run: &Run) -> String {
    let method = run.doc.pointer("/energy/method").and_then(Value::as_str).unwrap_or("unmeasured");
    match run.j_per_inference() {
        None => "<td class=\"muted\">unmeasured</td>".to_string(),
        Some(j) => {
            let ci = run.pair("/energy/j_per_inference_ci95").map_or(String::new(), |(lo, hi)| {
                format!("<br><small>ci95 {} – {}</small>", esc(&fmt_si(lo, "J")), esc(&fmt_si(hi, "J")))
            });
            format!("<td class=\"num\">{} <small>({})</small>{ci}</td>", esc(&fmt_si(j, "J")), esc(method))
        }
    }
}

fn quality_cell(run: &Run) -> String {
    let q = run.doc.get("quality");
    let detail = match (q.and_then(|q| q.get("metric")).and_then(Value::as_str), run.num("/quality/value")) {
        (Some(m), Some(v)) => {
            let th = run.num("/quality/threshold").map_or(String::new(), |t| format!(" vs {}", fmt_sig(t, 3)));
            format!("<br><small>{} {}{}</small>", esc(m), fmt_sig(v, 3), esc(&th))
        }
        _ => String::new(),
    };
    match q.and_then(|q| q.get("passes")).and_then(Value::as_bool) {
        Some(true) => format!("<td><span class=\"good\">pass</span>{detail}</td>"),
        Some(false) => format!("<td><span class=\"bad\">FAIL</span>{detail}</td>"),
        None => format!("<td class=\"muted\">ungated{detail}</td>"),
    }
}

fn verdict_cell(run: &Run) -> String {
    let v = run.doc.get("verdict");
    let rules: Vec<String> = v
        .and_then(|v| v.get("failed_rules"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|r| r.get("rule").and_then(Value::as_str)).map(esc).collect())
        .unwrap_or_default();
    let rules = if rules.is_empty() { String::new() } else { format!("<br><small>{}</small>", rules.join(", ")) };
    match v.and_then(|v| v.get("valid")).and_then(Value::as_bool) {
        Some(true) => format!("<td><span class=\"good\">VALID</span>{rules}</td>"),
        Some(false) => format!("<td><span class=\"bad\">INVALID</span>{rules}</td>"),
        None => format!("<td class=\"muted\">no verdict{rules}</td>"),
    }
}

fn summary(runs: &[Run]) -> String {
    let mut h = String::from("<table><tr><th>run</th><th>workload</th><th>scenario</th><th>device</th><th>precision</th><th>batch</th><th>throughput (/s)</th><th>p50 ms</th><th>p99 ms</th><th>J/inference</th><th>quality</th><th>verdict</th></tr>\n");
    for run in runs {
        let tp = run.num("/throughput_per_s").map_or("n/a".into(), |v| fmt_sig(v, 3));
        let ci = run.pair("/throughput_ci95_per_s").map_or(String::new(), |(lo, hi)| {
            format!("<br><small>ci95 {} – {}</small>", fmt_sig(lo, 3), fmt_sig(hi, 3))
        });
        h.push_str(&format!(
            "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td>{}{}{}{}<td class=\"num\">{}</td><td class=\"num\">{}{ci}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>{}{}{}</tr>\n",
            run.color(),
            esc(&run.label()),
            td(run.s("workload")),
            td(run.s("scenario")),
            td(run.s("device")),
            td(run.s("precision")),
            run.num("/batch_size").map_or("n/a".into(), |b| fmt_sig(b, 6)),
            esc(&tp),
            ms(run, "p50"),
            ms(run, "p99"),
            energy_cell(run),
            quality_cell(run),
            verdict_cell(run),
        ));
    }
    h.push_str("</table>\n");
    h
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
        if let Some(p) = run.doc.get("provenance") {
            flatten("", p, &mut rows);
        }
        h.push_str(&format!(
            "<table><tr><th colspan=\"2\"><span class=\"swatch\" style=\"background:{}\"></span>{}</th></tr>\n",
            run.color(),
            esc(&run.label())
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
    let mut suites: Vec<&str> = runs.iter().map(|r| r.s("suite")).filter(|s| !s.is_empty()).collect();
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
        let doc = json!({"workload": "<w&>", "scenario": "s'", "device": "d", "precision": "p", "batch_size": 8,
            "throughput_per_s": 12.0, "latency_ns": {"p50": 1.5e6}, "energy": {"method": "unmeasured"},
            "verdict": {"valid": true, "failed_rules": []}});
        let h = summary(&[Run { source: "x.json", doc: &doc, index: 0 }]);
        assert!(h.contains("&lt;w&amp;&gt;") && h.contains("s&#39;") && !h.contains("<w&>"));
        assert!(h.contains(">unmeasured<") && h.contains("VALID") && h.contains("ungated") && h.contains(">1.5<"));
    }
}
