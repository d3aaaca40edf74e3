//! What every run of an invocation shares.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use wattbench_workloads::PrepareContext;

use crate::device::CpuInfo;
use crate::energy::MeterChoice;
use crate::suite::SuiteSource;

/// What every run of an invocation shares.
pub struct Environment<'a> {
    /// The suite.
    pub suite: &'a SuiteSource,
    /// Host CPU facts.
    pub cpu: &'a CpuInfo,
    /// Where relative data and weights paths resolve.
    pub prepare: &'a PrepareContext,
    /// How energy is metered.
    pub meter: &'a MeterChoice,
    /// Folder of this invocation's results.
    pub results_dir: &'a Path,
    /// The command line, for provenance.
    pub command: &'a str,
    /// Raised by Ctrl-C.
    pub stop: &'a AtomicBool,
    /// Server runs search for the highest rate that stays VALID.
    pub find_peak: bool,
    /// Where device calibrations are stored.
    pub calibration_dir: PathBuf,
}
