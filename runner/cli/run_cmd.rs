//! `wattbench run`: a suite from manifest to result files and a summary table.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wattbench_suites::PrepareContext;

use super::args::RunArgs;
use crate::device::{cpu_info, probe_cuda, resolve, CudaStatus, DeviceSpec, ResolvedDevice};
use crate::execute::{run_one, Environment, MeterChoice, RunFailure};
use crate::results::{ResultsDir, RunRecord};
use crate::suite::{load_suite, plan, PlannedRun};
use crate::table::Table;

fn seconds(name: &str, v: Option<f64>) -> anyhow::Result<Option<Duration>> {
    match v {
        None => Ok(None),
        Some(s) if s.is_finite() && (0.0..86_400.0).contains(&s) => Ok(Some(Duration::from_secs_f64(s))),
        Some(s) => bail!("--{name} {s}: must be a number of seconds from 0 to 86400"),
    }
}

fn apply_overrides(runs: &mut [PlannedRun], args: &RunArgs) -> anyhow::Result<()> {
    let min_duration = seconds("min-duration-s", args.min_duration_s)?;
    let warmup = seconds("warmup-s", args.warmup_s)?;
    let idle = seconds("idle-s", args.idle_s)?;
    let cooldown = seconds("cooldown-s", args.cooldown_s)?;
    if args.min_queries == Some(0) {
        bail!("--min-queries must be at least 1");
    }
    if matches!(args.trials, Some(t) if !(1..=100).contains(&t)) {
        bail!("--trials must be from 1 to 100");
    }
    for r in runs {
        r.settings.min_duration = min_duration.unwrap_or(r.settings.min_duration);
        r.settings.warmup = warmup.unwrap_or(r.settings.warmup);
        r.settings.min_queries = args.min_queries.unwrap_or(r.settings.min_queries);
        r.idle = idle.unwrap_or(r.idle);
        r.cooldown = cooldown.unwrap_or(r.cooldown);
        r.trials = args.trials.unwrap_or(r.trials);
        r.precision = args.precision.unwrap_or(r.precision);
    }
    Ok(())
}

/// Ctrl-C, SIGTERM (a cluster scheduler's notice before it kills a job) and
/// SIGHUP (a closed terminal), through the `ctrlc` crate's `termination`
/// feature: the first stops after the current query (finished results are
/// already on disk) and the summary is printed; a second one exits at once.
fn install_interrupt(stop: Arc<AtomicBool>) {
    let presses = AtomicUsize::new(0);
    let installed = ctrlc::set_handler(move || {
        if presses.fetch_add(1, Ordering::SeqCst) > 0 {
            eprintln!("\ninterrupted twice: exiting now");
            // Finished results are on disk; the run in progress writes nothing.
            std::process::exit(130);
        }
        stop.store(true, Ordering::SeqCst);
    });
    if let Err(e) = installed {
        eprintln!("warning: Ctrl-C/SIGTERM/SIGHUP handler not installed ({e}); a signal will end the run abruptly");
    }
}

fn progress(total: usize) -> ProgressBar {
    let target =
        if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
    let bar = ProgressBar::with_draw_target(Some(total as u64), target);
    if let Ok(style) = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn ms(ns: u64) -> String {
    format!("{:.3}", ns as f64 / 1e6)
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

/// Runs a suite. Exit code 0 when every run wrote its result, 1 when some
/// failed, 130 when interrupted.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let suite = load_suite(&args.suite)?;
    let mut runs = plan(&suite, args.device)?;
    apply_overrides(&mut runs, &args)?;
    let meter = match args.scripted_power_w {
        Some(w) if w.is_finite() && w >= 0.0 => {
            let period_s = args.scripted_counter_period_ms.unwrap_or(0.0) / 1e3;
            if !(period_s.is_finite() && period_s >= 0.0) {
                bail!("--scripted-counter-period-ms must be a non-negative number");
            }
            MeterChoice::Scripted { watts: w, period_s }
        }
        Some(w) => bail!("--scripted-power-w {w}: must be a non-negative number of watts"),
        None => MeterChoice::Real,
    };

    let needs_cuda = runs.iter().any(|r| r.device != DeviceSpec::Cpu);
    let cuda = if needs_cuda { probe_cuda() } else { CudaStatus::Unavailable("not probed".into()) };
    let mut resolved: HashMap<DeviceSpec, ResolvedDevice> = HashMap::new();
    for r in &runs {
        if let std::collections::hash_map::Entry::Vacant(slot) = resolved.entry(r.device) {
            let (device, notice) = resolve(r.device, &cuda).map_err(anyhow::Error::msg)?;
            if let Some(n) = notice {
                eprintln!("notice: {n}");
            }
            slot.insert(device);
        }
    }
    let gpus = match &cuda {
        CudaStatus::Available(g) => g.clone(),
        CudaStatus::Unavailable(_) => Vec::new(),
    };
    let cpu = cpu_info();
    let stamp = humantime::format_rfc3339_seconds(SystemTime::now()).to_string().replace([':', '-'], "");
    let dir = ResultsDir::create(&args.results, &suite.manifest.name, &stamp)
        .with_context(|| format!("cannot create a results folder under {}", args.results.display()))?;
    let prepare =
        PrepareContext { data_dir: args.data_dir.clone(), weights_dir: args.weights_dir.clone(), cuda_ordinal: None };
    let stop = Arc::new(AtomicBool::new(false));
    install_interrupt(stop.clone());
    // The program's own path is a local detail; the arguments are what
    // reproduce the run, with absolute paths reduced to their file names.
    let command = std::iter::once("wattbench".to_string())
        .chain(std::env::args().skip(1).map(|a| portable_arg(&a)))
        .collect::<Vec<_>>()
        .join(" ");
    let env = Environment {
        suite: &suite,
        cpu: &cpu,
        gpus: &gpus,
        prepare: &prepare,
        meter: &meter,
        results_dir: &dir.path,
        command: &command,
        stop: &stop,
        find_peak: args.find_peak,
        calibration_dir: crate::calibration::calibration_dir(),
    };

    let in_shard = |i: usize| args.shard.is_none_or(|(k, n)| i % n == k - 1);
    let planned = (0..runs.len()).filter(|&i| in_shard(i)).count();
    eprintln!("suite {} ({}): {planned} run(s) -> {}", suite.manifest.name, suite.file, dir.path.display());
    let bar = progress(planned);
    let mut table = Table::new(&[
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
    ]);
    let (mut failed, mut interrupted) = (0, false);
    for (i, r) in runs.iter().enumerate().filter(|(i, _)| in_shard(*i)) {
        let device = resolved.get(&r.device).copied().unwrap_or(ResolvedDevice::Cpu);
        bar.set_message(format!(
            "{} {} {device} {} b{}",
            r.workload, r.settings.scenario, r.precision, r.settings.batch_size
        ));
        match run_one(&env, i, r, device) {
            Ok((record, path)) => {
                bar.suspend(|| {
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
                table.row(summary_row(&record));
            }
            Err(RunFailure::Interrupted) => {
                interrupted = true;
                break;
            }
            Err(RunFailure::Failed(why)) => {
                failed += 1;
                bar.suspend(|| {
                    let why = crate::escape::one_line(&why);
                    eprintln!("error: run {i} ({} {} on {device}): {why}", r.workload, r.settings.scenario)
                });
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if let Err(e) = super::emit(&table.render()) {
        // The results are on disk; only the summary is lost.
        eprintln!("error: {e:#}");
    }
    let done = table.len();
    if interrupted {
        eprintln!("interrupted: {done} of {planned} run(s) finished; their results are in {}", dir.path.display());
        return Ok(ExitCode::from(130));
    }
    eprintln!("{done} result file(s) in {}", dir.path.display());
    if failed > 0 {
        eprintln!("{failed} run(s) failed");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// A command-line argument as a result may show it: an absolute path, alone
/// or after `--flag=`, reduced to its file name.
fn portable_arg(arg: &str) -> String {
    match arg.split_once('=') {
        Some((flag, value)) if flag.starts_with("--") => format!("{flag}={}", wattbench_suites::portable_path(value)),
        _ => wattbench_suites::portable_path(arg),
    }
}
