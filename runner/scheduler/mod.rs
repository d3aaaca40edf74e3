//! The run stage's owner: takes a plan, resolves its devices once, keeps
//! the runs of its shard, handles interrupts, runs each (`execute`), which
//! writes its result before the next starts, and reports every step to its
//! observers. The command line only turns flags into a plan and options.

mod interrupt;
mod observer;

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::SystemTime;

use wattbench_workloads::PrepareContext;

pub use interrupt::install_interrupt;
pub use observer::{RunObserver, Summary};

use crate::device::{cpu_info, ResolvedDevices};
use crate::energy::MeterChoice;
use crate::execute::{run_one, Environment, RunFailure};
use crate::results::ResultsDir;
use crate::suite::{PlannedRun, SuiteSource};

/// Why a plan could not start.
#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    /// A device the plan names cannot be used.
    #[error("{0}")]
    Device(String),
    /// The invocation's results folder could not be created.
    #[error("cannot create a results folder under {root}: {source}")]
    ResultsDir {
        /// The folder asked for.
        root: String,
        /// Why.
        source: std::io::Error,
    },
}

/// How to run a plan, besides the plan.
pub struct ScheduleOptions {
    /// The folder that receives this invocation's sub-folder of results.
    pub results_root: PathBuf,
    /// Where relative data and weights paths resolve.
    pub prepare: PrepareContext,
    /// How energy is metered.
    pub meter: MeterChoice,
    /// The command line, as results record it.
    pub command: String,
    /// Server runs search for the highest rate that stays VALID.
    pub find_peak: bool,
    /// Only shard K of N (K from 1): runs K, K+N, K+2N, ... of the plan.
    pub shard: Option<(usize, usize)>,
}

/// Whether plan position `index` belongs to `shard`.
pub fn in_shard(index: usize, shard: Option<(usize, usize)>) -> bool {
    shard.is_none_or(|(k, n)| index % n == k - 1)
}

/// Runs `runs` (the plan of `suite`) and reports to `observers`, in order.
/// A run that fails is reported and the plan goes on; an interrupt stops it
/// after the current query, with every finished result on disk.
pub fn run_plan(
    suite: &SuiteSource,
    runs: &[PlannedRun],
    options: &ScheduleOptions,
    observers: &mut [&mut dyn RunObserver],
) -> Result<Summary, SchedulerError> {
    let devices = ResolvedDevices::resolve(runs.iter().map(|r| r.device)).map_err(SchedulerError::Device)?;
    for n in &devices.notices {
        observers.iter_mut().for_each(|o| o.notice(n));
    }
    let cpu = cpu_info();
    let stamp = humantime::format_rfc3339_seconds(SystemTime::now()).to_string().replace([':', '-'], "");
    let dir = ResultsDir::create(&options.results_root, &suite.manifest.name, &stamp)
        .map_err(|source| SchedulerError::ResultsDir { root: options.results_root.display().to_string(), source })?;
    let stop = Arc::new(AtomicBool::new(false));
    install_interrupt(stop.clone());
    let env = Environment {
        suite,
        cpu: &cpu,
        prepare: &options.prepare,
        meter: &options.meter,
        results_dir: &dir.path,
        command: &options.command,
        stop: &stop,
        find_peak: options.find_peak,
        calibration_dir: crate::calibration::calibration_dir(),
    };

    let mine: Vec<usize> = (0..runs.len()).filter(|&i| in_shard(i, options.shard)).collect();
    let mut summary = Summary { planned: mine.len(), results_dir: dir.path.clone(), ..Summary::default() };
    observers.iter_mut().for_each(|o| o.plan_started(suite, summary.planned, &dir.path));
    for i in mine {
        let run = &runs[i];
        let target = devices.get(run.device);
        observers.iter_mut().for_each(|o| o.run_started(i, run, &target));
        match run_one(&env, i, run, &target) {
            Ok((record, path)) => {
                summary.written += 1;
                observers.iter_mut().for_each(|o| o.run_written(i, &record, &path));
            }
            Err(RunFailure::Interrupted) => {
                summary.interrupted = true;
                break;
            }
            Err(RunFailure::Failed(why)) => {
                summary.failed += 1;
                let why = crate::escape::one_line(&why);
                observers.iter_mut().for_each(|o| o.run_failed(i, run, &target, &why));
            }
        }
    }
    observers.iter_mut().for_each(|o| o.plan_finished(&summary));
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_take_every_nth_run_from_their_own_offset() {
        let of = |shard| (0..7).filter(|&i| in_shard(i, shard)).collect::<Vec<_>>();
        assert_eq!(of(None), [0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(of(Some((1, 3))), [0, 3, 6]);
        assert_eq!(of(Some((3, 3))), [2, 5]);
    }
}
