//! `wattbench run`'s summary table on standard output: a row per written
//! result, printed when the plan ends.

use std::path::Path;

use super::run_progress::ms;
use crate::results::RunRecord;
use crate::scheduler::{RunObserver, Summary};
use crate::table::Table;

/// Collects a row per written result and prints the table at the end.
pub struct RunTable {
    table: Table,
}

impl Default for RunTable {
    fn default() -> Self {
        RunTable {
            table: Table::new(&[
                "#",
                "workload",
                "scenario",
                "device",
                "prec",
                "batch",
                "samples/s",
                "p50 ms",
                "p99 ms",
                "J/inference",
                "quality",
                "verdict",
            ]),
        }
    }
}

fn summary_row(r: &RunRecord) -> Vec<String> {
    let quality = match r.quality.passes {
        Some(true) => format!("{} {:.4} pass", r.quality.metric, r.quality.value),
        Some(false) => format!("{} {:.4} FAIL", r.quality.metric, r.quality.value),
        None => format!("{} {:.4} ungated", r.quality.metric, r.quality.value),
    };
    let energy = match (r.energy.j_per_inference, r.energy.j_per_inference_ci95) {
        (Some(j), Some([lo, hi])) => format!("{j:.3e} [{lo:.3e}, {hi:.3e}] ({})", r.energy.method),
        (Some(j), None) => format!("{j:.3e} ({})", r.energy.method),
        _ => r.energy.method.to_string(),
    };
    let throughput = match r.throughput_ci95_per_s {
        Some([lo, hi]) => format!("{:.1} [{lo:.1}, {hi:.1}]", r.throughput_per_s),
        None => format!("{:.1}", r.throughput_per_s),
    };
    let verdict = if r.verdict.valid {
        "VALID".to_string()
    } else {
        let rules: Vec<&str> = r.verdict.failed_rules.iter().map(|f| f.rule.as_str()).collect();
        format!("INVALID ({})", rules.join(", "))
    };
    vec![
        r.run_index.to_string(),
        r.workload.clone(),
        r.scenario.clone(),
        r.device.clone(),
        r.precision.clone(),
        r.batch_size.to_string(),
        throughput,
        ms(r.latency_ns.p50),
        ms(r.latency_ns.p99),
        energy,
        quality,
        verdict,
    ]
}

impl RunObserver for RunTable {
    fn run_written(&mut self, _index: usize, record: &RunRecord, _path: &Path) {
        self.table.row(summary_row(record));
    }

    fn plan_finished(&mut self, _summary: &Summary) {
        if let Err(e) = super::emit(&self.table.render()) {
            // The results are on disk; only the summary is lost.
            eprintln!("error: {e:#}");
        }
    }
}
