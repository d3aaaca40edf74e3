//! What the scheduler reports as a plan runs. Every method has a no-op
//! default, so an observer (the progress bar, the terminal table, a future
//! exporter) implements only what it shows.

use std::path::{Path, PathBuf};

use crate::device::DeviceFacts;
use crate::results::RunRecord;
use crate::suite::{PlannedRun, SuiteSource};

/// How a plan ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The invocation's results folder.
    pub results_dir: PathBuf,
    /// Runs of the plan in this shard.
    pub planned: usize,
    /// Runs that wrote their result file.
    pub written: usize,
    /// Runs that failed (and wrote nothing).
    pub failed: usize,
    /// Whether Ctrl-C, SIGTERM or SIGHUP stopped the plan.
    pub interrupted: bool,
}

/// Receives the scheduler's events, in order.
pub trait RunObserver {
    /// A one-line notice before the plan starts (a device fell back to the CPU).
    fn notice(&mut self, _text: &str) {}
    /// The plan starts: `planned` runs will write into `results_dir`.
    fn plan_started(&mut self, _suite: &SuiteSource, _planned: usize, _results_dir: &Path) {}
    /// Run `index` of the plan starts on `target`.
    fn run_started(&mut self, _index: usize, _run: &PlannedRun, _target: &DeviceFacts) {}
    /// Run `index` wrote its result file at `path`.
    fn run_written(&mut self, _index: usize, _record: &RunRecord, _path: &Path) {}
    /// Run `index` failed, with a one-line reason; it wrote nothing.
    fn run_failed(&mut self, _index: usize, _run: &PlannedRun, _target: &DeviceFacts, _why: &str) {}
    /// The plan ended (every run done, or interrupted).
    fn plan_finished(&mut self, _summary: &Summary) {}
}
