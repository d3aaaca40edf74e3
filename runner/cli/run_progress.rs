//! `wattbench run`'s progress on standard error: a bar on a terminal, and a
//! line per written result (with its INVALID rules, warnings and token
//! figures) or per failed run.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::device::DeviceFacts;
use crate::results::RunRecord;
use crate::scheduler::{RunObserver, Summary};
use crate::suite::{PlannedRun, SuiteSource};

/// Milliseconds with three decimals, from nanoseconds.
pub(super) fn ms(ns: u64) -> String {
    format!("{:.3}", ns as f64 / 1e6)
}

/// The progress observer; the bar exists once the plan starts.
#[derive(Default)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Prints `lines` without tearing the bar.
    fn say(&self, lines: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(lines),
            None => lines(),
        }
    }
}

fn bar(total: usize) -> ProgressBar {
    let target =
        if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
    let bar = ProgressBar::with_draw_target(Some(total as u64), target);
    if let Ok(style) = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

impl RunObserver for Progress {
    fn notice(&mut self, text: &str) {
        self.say(|| eprintln!("notice: {text}"));
    }

    fn plan_started(&mut self, suite: &SuiteSource, planned: usize, results_dir: &Path) {
        eprintln!("suite {} ({}): {planned} run(s) -> {}", suite.manifest.name, suite.file, results_dir.display());
        self.bar = Some(bar(planned));
    }

    fn run_started(&mut self, _index: usize, r: &PlannedRun, target: &DeviceFacts) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "{} {} {} {} b{}",
                r.workload, r.settings.scenario, target.device, r.precision, r.settings.batch_size
            ));
        }
    }

    fn run_written(&mut self, _index: usize, record: &RunRecord, path: &Path) {
        self.say(|| {
            eprintln!("wrote {}", path.display());
            for f in &record.verdict.failed_rules {
                eprintln!("  INVALID {}: measured {}, bound {}: {}", f.rule, f.measured, f.bound, f.fix);
            }
            for w in &record.verdict.warnings {
                eprintln!("  warning {}: measured {}, bound {}: {}", w.rule, w.measured, w.bound, w.fix);
            }
            if let Some(g) = &record.generation {
                let per_token = g.j_per_output_token.map_or("unmeasured".into(), |j| format!("{j:.4} J"));
                eprintln!(
                    "  tokens: {:.1} output/s, {:.0} prefill/s; TTFT p50 {} ms p99 {} ms; ITL p50 {} ms p99 {} ms; \
                     per output token {per_token}",
                    g.output_tokens_per_s,
                    g.prefill_tokens_per_s,
                    ms(g.ttft_ns.p50),
                    ms(g.ttft_ns.p99),
                    ms(g.itl_ns.p50),
                    ms(g.itl_ns.p99),
                );
            }
        });
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn run_failed(&mut self, index: usize, r: &PlannedRun, target: &DeviceFacts, why: &str) {
        self.say(|| {
            eprintln!("error: run {index} ({} {} on {}): {why}", r.workload, r.settings.scenario, target.device)
        });
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn plan_finished(&mut self, _summary: &Summary) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
