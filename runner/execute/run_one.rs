//! One planned run, from staging to the written result file.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use wattbench_suites::PrepareContext;

use super::assemble::{assemble, now_rfc3339, RunContext};
use super::batch_bound::{check_batch_fits, host_available_memory};
use super::engine::{Engine, InProcess};
use super::meters::{open_monitor, MeterChoice};
use super::panic_guard::catch_panic;
use super::peak::find_peak;
use super::trial::run_trial;
use crate::backend;
use crate::device::{CpuInfo, GpuInfo, ResolvedDevice};
use crate::endpoint::{EndpointEngine, EndpointParams};
use crate::harness::Scenario;
use crate::results::{write_atomic, RunRecord};
use crate::suite::{PlannedRun, SuiteSource};

/// What every run of an invocation shares.
pub struct Environment<'a> {
    /// The suite.
    pub suite: &'a SuiteSource,
    /// Host CPU facts.
    pub cpu: &'a CpuInfo,
    /// CUDA devices found.
    pub gpus: &'a [GpuInfo],
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
    pub calibration_dir: std::path::PathBuf,
}

/// Why a run produced no result file.
#[derive(Debug, thiserror::Error)]
pub enum RunFailure {
    /// The user interrupted it.
    #[error("interrupted")]
    Interrupted,
    /// It failed, with a one-line reason.
    #[error("{0}")]
    Failed(String),
}

/// Stages the run's engine: an OpenAI-compatible endpoint when its
/// parameters say `engine = "openai"`, otherwise the workload on a Burn backend.
///
/// An in-process batch whose inputs and outputs alone would not fit in the
/// device's (or the host's) memory fails here, before any allocation.
fn stage(
    env: &Environment<'_>,
    run: &PlannedRun,
    device: ResolvedDevice,
    gpu_memory_bytes: Option<u64>,
) -> Result<Box<dyn Engine>, RunFailure> {
    if EndpointParams::selected_by(&run.params) {
        return Ok(Box::new(EndpointEngine::prepare(&run.params, env.prepare).map_err(RunFailure::Failed)?));
    }
    let staged = catch_panic(|| backend::prepare(&run.workload, &run.params, env.prepare, device, run.precision))
        .map_err(|p| RunFailure::Failed(format!("staging panicked: {p}")))?;
    let workload = staged.map_err(|e| RunFailure::Failed(e.to_string()))?;
    check_batch_fits(
        run.settings.batch_size,
        workload.model_card(),
        &device.to_string(),
        gpu_memory_bytes,
        host_available_memory(),
    )
    .map_err(RunFailure::Failed)?;
    Ok(Box::new(InProcess(workload)))
}

/// Runs `run` on `device` (every trial, then the accuracy pass) and writes
/// its result file; returns the record and its path.
pub fn run_one(
    env: &Environment<'_>,
    index: usize,
    run: &PlannedRun,
    device: ResolvedDevice,
) -> Result<(RunRecord, PathBuf), RunFailure> {
    let started_at = now_rfc3339();
    // Settings that cannot run (a batch too large, a server schedule too long) fail before staging.
    run.settings.check().map_err(|e| RunFailure::Failed(e.to_string()))?;
    let gpu = match device {
        ResolvedDevice::Cuda(i) => env.gpus.get(i as usize),
        ResolvedDevice::Cpu => None,
    };
    let mut workload = stage(env, run, device, gpu.and_then(|g| g.memory_bytes))?;

    // A peak search reports its best probe: the record is that of the run at that rate.
    let mut at_peak = run.clone();
    let (trials, peak_search) = if env.find_peak && run.settings.scenario == Scenario::Server {
        let (rate, trial, probes) = find_peak(env, run, device, gpu, workload.as_mut())?;
        at_peak.settings.target_qps = Some(rate);
        (vec![trial], probes)
    } else {
        let trials = (0..run.trials)
            .map(|t| run_trial(env, run, &run.settings, t, device, gpu, workload.as_mut()))
            .collect::<Result<Vec<_>, _>>()?;
        (trials, Vec::new())
    };

    let quality = catch_panic(|| workload.accuracy())
        .map_err(|p| RunFailure::Failed(format!("accuracy pass panicked: {p}")))?
        .map_err(|e| RunFailure::Failed(format!("accuracy pass: {e}")))?;
    let monitor_unavailable = workload.unmetered_here().or_else(|| open_monitor(device, gpu).unavailable());
    let ctx = RunContext { index, run: &at_peak, device, gpu, started_at, monitor_unavailable, peak_search };
    let record = assemble(env, ctx, workload.as_ref(), &trials, quality)?;
    let name = record.file_name(index, "");
    let path = write_atomic(env.results_dir, &name, &record)
        .map_err(|e| RunFailure::Failed(format!("could not write {}: {e}", env.results_dir.join(&name).display())))?;
    Ok((record, path))
}
