//! `wattbench list`: the workload catalogue and the built-in suites.

use std::process::ExitCode;

use serde_json::json;
use wattbench_workloads::{catalogue, manifests};

use super::args::ListArgs;
use crate::suite::load_suite;
use crate::table::Table;

/// Prints the workloads and suites.
pub fn list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let workloads = catalogue();
    let mut suites = Vec::new();
    for s in manifests::BUILTIN {
        let src = load_suite(s.name)?;
        suites.push((s.name, src.manifest.description.clone(), src.manifest.run.len()));
    }
    if args.json {
        let suites: Vec<_> =
            suites.iter().map(|(n, d, r)| json!({"name": n, "description": d, "entries": r})).collect();
        super::emit(&(serde_json::to_string_pretty(&json!({ "workloads": workloads, "suites": suites }))? + "\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = Table::new(&["workload", "sector", "task", "model", "parameters", "FLOPs/sample", "quality gate"]);
    for w in &workloads {
        t.row(vec![
            w.id.clone(),
            w.sector.clone(),
            w.task.clone(),
            w.model.clone(),
            w.parameters.to_string(),
            format!("{:.3e}", w.flops_per_sample as f64),
            w.quality_gate.clone(),
        ]);
    }
    let mut text = t.render() + "\n";
    let mut t = Table::new(&["suite", "entries", "description"]);
    for (name, description, entries) in suites {
        t.row(vec![name.to_string(), entries.to_string(), description]);
    }
    text.push_str(&t.render());
    super::emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
