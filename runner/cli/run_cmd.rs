//! `wattbench run`: flags into a plan and options; the scheduler runs it.

use std::process::ExitCode;

use anyhow::bail;
use wattbench_workloads::PrepareContext;

use super::args::RunArgs;
use super::run_progress::Progress;
use super::run_table::RunTable;
use crate::energy::MeterChoice;
use crate::scheduler::{run_plan, ScheduleOptions};
use crate::suite::{load_suite, plan, PlanOverrides};

/// The flags that replace the suite's settings, raw: `plan` checks them.
fn overrides(args: &RunArgs) -> PlanOverrides {
    PlanOverrides {
        device: args.device,
        precision: args.precision,
        min_duration_s: args.min_duration_s,
        warmup_s: args.warmup_s,
        min_queries: args.min_queries,
        idle_s: args.idle_s,
        trials: args.trials.map(|t| t as u64),
        cooldown_s: args.cooldown_s,
    }
}

/// The meter: the device's own, or (tests only) a scripted power.
fn meter(args: &RunArgs) -> anyhow::Result<MeterChoice> {
    Ok(match args.scripted_power_w {
        Some(w) if w.is_finite() && w >= 0.0 => {
            let period_s = args.scripted_counter_period_ms.unwrap_or(0.0) / 1e3;
            if !(period_s.is_finite() && period_s >= 0.0) {
                bail!("--scripted-counter-period-ms must be a non-negative number");
            }
            MeterChoice::Scripted { watts: w, period_s }
        }
        Some(w) => bail!("--scripted-power-w {w}: must be a non-negative number of watts"),
        None => MeterChoice::Real,
    })
}

/// Runs a suite. Exit code 0 when every run wrote its result, 1 when some
/// failed, 130 when interrupted.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let suite = load_suite(&args.suite)?;
    let runs = plan(&suite, &overrides(&args))?;
    let options = ScheduleOptions {
        results_root: args.results.clone(),
        prepare: PrepareContext {
            data_dir: args.data_dir.clone(),
            weights_dir: args.weights_dir.clone(),
            ..Default::default()
        },
        meter: meter(&args)?,
        // The program's own path is a local detail; the arguments are what
        // reproduce the run, with absolute paths reduced to their file names.
        command: std::iter::once("wattbench".to_string())
            .chain(std::env::args().skip(1).map(|a| portable_arg(&a)))
            .collect::<Vec<_>>()
            .join(" "),
        find_peak: args.find_peak,
        shard: args.shard,
    };
    let (mut progress, mut table) = (Progress::default(), RunTable::default());
    let summary = run_plan(&suite, &runs, &options, &mut [&mut progress, &mut table])?;
    let dir = summary.results_dir.display();
    if summary.interrupted {
        eprintln!(
            "interrupted: {} of {} run(s) finished; their results are in {dir}",
            summary.written, summary.planned
        );
        return Ok(ExitCode::from(130));
    }
    eprintln!("{} result file(s) in {dir}", summary.written);
    if summary.failed > 0 {
        eprintln!("{} run(s) failed", summary.failed);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// A command-line argument as a result may show it: an absolute path, alone
/// or after `--flag=`, reduced to its file name.
fn portable_arg(arg: &str) -> String {
    match arg.split_once('=') {
        Some((flag, value)) if flag.starts_with("--") => {
            format!("{flag}={}", wattbench_workloads::portable_path(value))
        }
        _ => wattbench_workloads::portable_path(arg),
    }
}
