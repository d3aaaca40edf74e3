//! One planned run, from staging to the written result file.

use std::path::PathBuf;

use super::assemble::{assemble, now_rfc3339, RunContext};
use super::backend_health;
use super::environment::Environment;
use super::failure::RunFailure;
use super::panic_guard::{catch_panic, panics_caught};
use super::peak::find_peak;
use super::stage::stage;
use super::trial::run_trial;
use crate::device::DeviceFacts;
use crate::energy::open_monitor;
use crate::harness::Scenario;
use crate::results::{write_atomic, RunRecord};
use crate::suite::PlannedRun;

/// Runs `run` on `target` (every trial, then the accuracy pass) and writes
/// its result file; returns the record and its path. A run on a GPU whose
/// backend panicked earlier in this process is not started (see
/// [`super::backend_health`]); a panic in this one is recorded.
pub fn run_one(
    env: &Environment<'_>,
    index: usize,
    run: &PlannedRun,
    target: &DeviceFacts,
) -> Result<(RunRecord, PathBuf), RunFailure> {
    if let Some(why) = backend_health::refusal(target.device) {
        return Err(RunFailure::Failed(why));
    }
    let panics_before = panics_caught();
    let outcome = run_guarded(env, index, run, target);
    if panics_caught() > panics_before {
        let label = format!("run {index} ({} {} on {})", run.workload, run.settings.scenario, target.device);
        backend_health::record_panic(target.device, &label);
    }
    outcome
}

fn run_guarded(
    env: &Environment<'_>,
    index: usize,
    run: &PlannedRun,
    target: &DeviceFacts,
) -> Result<(RunRecord, PathBuf), RunFailure> {
    let started_at = now_rfc3339();
    // Settings that cannot run (a batch too large, a server schedule too long) fail before staging.
    run.settings.check().map_err(|e| RunFailure::Failed(e.to_string()))?;
    let mut workload = stage(env, run, target)?;

    // A peak search reports its best probe: the record is that of the run at that rate.
    let mut at_peak = run.clone();
    let (trials, peak_search) = if env.find_peak && run.settings.scenario == Scenario::Server {
        let (rate, trial, probes) = find_peak(env, run, target, workload.as_mut())?;
        at_peak.settings.target_qps = Some(rate);
        (vec![trial], probes)
    } else {
        let trials = (0..run.trials)
            .map(|t| run_trial(env, run, &run.settings, t, target, workload.as_mut()))
            .collect::<Result<Vec<_>, _>>()?;
        (trials, Vec::new())
    };

    let quality = catch_panic(|| workload.accuracy())
        .map_err(|p| RunFailure::Failed(format!("accuracy pass panicked: {p}")))?
        .map_err(|e| RunFailure::Failed(format!("accuracy pass: {e}")))?;
    let monitor_unavailable = workload.unmetered_here().or_else(|| open_monitor(target).unavailable());
    let ctx = RunContext { index, run: &at_peak, target, started_at, monitor_unavailable, peak_search };
    let record = assemble(env, ctx, workload.as_ref(), &trials, quality)?;
    let name = record.file_name(index, "");
    let path = write_atomic(env.results_dir, &name, &record)
        .map_err(|e| RunFailure::Failed(format!("could not write {}: {e}", env.results_dir.join(&name).display())))?;
    Ok((record, path))
}
