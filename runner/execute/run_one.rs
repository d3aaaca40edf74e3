//! One planned run, from staging to the written result file.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::SystemTime;

use wattbench_suites::{PrepareContext, WeightsSource};

use super::meters::{open_meter, EnergyWindow, MeterChoice};
use super::panic_guard::catch_panic;
use super::sut_adapter::WorkloadSut;
use crate::backend::{self, BURN_VERSION};
use crate::device::{CpuInfo, GpuInfo, ResolvedDevice};
use crate::energy::{measure_idle, EnergyMethod, EnergyReport, WindowMeasurement};
use crate::harness::{run_scenario, HarnessError};
use crate::results::{
    os_description, write_atomic, DeviceProvenance, Performance, Provenance, RunRecord,
    RunSettings, Warmup, SCHEMA_VERSION,
};
use crate::stats::LatencySummary;
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

fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

fn harness_failure(e: HarnessError) -> RunFailure {
    match e {
        HarnessError::Interrupted => RunFailure::Interrupted,
        other => RunFailure::Failed(other.to_string()),
    }
}

/// A second meter of the same device for the power trace, if it can sample power.
fn power_source(
    env: &Environment<'_>,
    device: ResolvedDevice,
    gpu: Option<&GpuInfo>,
) -> Option<Box<dyn crate::energy::EnergyMeter>> {
    let mut second = open_meter(env.meter, device, gpu, env.cpu);
    matches!(second.power_w(), Ok(Some(_))).then_some(second)
}

/// Runs `run` on `device` and writes its result file; returns the record and its path.
pub fn run_one(
    env: &Environment<'_>,
    index: usize,
    run: &PlannedRun,
    device: ResolvedDevice,
) -> Result<(RunRecord, PathBuf), RunFailure> {
    let started_at = now_rfc3339();
    let gpu = match device {
        ResolvedDevice::Cuda(i) => env.gpus.get(i as usize),
        ResolvedDevice::Cpu => None,
    };
    let staged = catch_panic(|| {
        backend::prepare(
            &run.workload,
            &run.params,
            env.prepare,
            device,
            run.precision,
        )
    })
    .map_err(|p| RunFailure::Failed(format!("staging panicked: {p}")))?;
    let mut workload = staged.map_err(|e| RunFailure::Failed(e.to_string()))?;

    let mut meter = open_meter(env.meter, device, gpu, env.cpu);
    let idle_w = if meter.method() == EnergyMethod::Unmeasured || run.idle.is_zero() {
        None
    } else {
        measure_idle(meter.as_mut(), run.idle)
            .map_err(|e| RunFailure::Failed(format!("idle power: {e}")))?
    };

    let trace_source = power_source(env, device, gpu);
    let mut window = EnergyWindow::new(meter.as_mut(), trace_source);
    let outcome = catch_panic(|| {
        run_scenario(
            &mut WorkloadSut(workload.as_mut()),
            &run.settings,
            &mut window,
            env.stop,
        )
    })
    .map_err(|p| RunFailure::Failed(format!("the backend panicked: {p}")))?
    .map_err(harness_failure)?;
    let measured = window.result.take();
    drop(window);
    let (gross_j, window_s, trace) =
        measured.ok_or_else(|| RunFailure::Failed("the energy window never closed".into()))?;

    let quality = catch_panic(|| workload.accuracy())
        .map_err(|p| RunFailure::Failed(format!("accuracy pass panicked: {p}")))?
        .map_err(|e| RunFailure::Failed(format!("accuracy pass: {e}")))?;

    let energy = if meter.method() == EnergyMethod::Unmeasured {
        EnergyReport::unmeasured(&meter.scope(), window_s)
    } else {
        EnergyReport::from_window(&WindowMeasurement {
            method: meter.method(),
            scope: meter.scope(),
            window_s,
            gross_j,
            idle_w,
            inferences: outcome.samples,
            trace,
        })
    };
    let latency_ns =
        LatencySummary::from_histogram(&outcome.latency_ns).map_err(RunFailure::Failed)?;
    let model = workload.model_card().clone();
    let data = workload.data_card().clone();
    let throughput = outcome.throughput_per_s();
    let record = RunRecord {
        schema_version: SCHEMA_VERSION,
        suite: env.suite.manifest.name.clone(),
        run_index: index,
        started_at,
        finished_at: now_rfc3339(),
        workload: run.workload.clone(),
        scenario: run.settings.scenario.to_string(),
        device: device.to_string(),
        backend: backend::backend_name(device).into(),
        precision: run.precision.to_string(),
        batch_size: run.settings.batch_size,
        samples: outcome.samples,
        queries: outcome.queries,
        duration_s: outcome.window.as_secs_f64(),
        throughput_per_s: throughput,
        latency_ns,
        energy,
        quality,
        performance: Performance {
            flops_per_sample: model.flops_per_sample,
            achieved_flops_per_s: model.flops_per_sample as f64 * throughput,
        },
        warmup: Warmup {
            queries: outcome.warmup_queries,
            duration_s: outcome.warmup.as_secs_f64(),
        },
        settings: RunSettings {
            min_duration_s: run.settings.min_duration.as_secs_f64(),
            min_queries: run.settings.min_queries,
            warmup_s: run.settings.warmup.as_secs_f64(),
            idle_s: run.idle.as_secs_f64(),
            seed: run.settings.seed,
        },
        provenance: Provenance {
            wattbench_version: env!("CARGO_PKG_VERSION").into(),
            git_hash: env!("WATTBENCH_GIT_HASH").into(),
            burn_version: BURN_VERSION.into(),
            backend: backend::backend_name(device).into(),
            precision: run.precision.to_string(),
            device: gpu
                .map(DeviceProvenance::gpu)
                .unwrap_or_else(|| DeviceProvenance::cpu(env.cpu)),
            cpu_model: env.cpu.model.clone(),
            cpu_logical_cores: env.cpu.logical_cores,
            os: os_description(),
            suite_file: env.suite.file.clone(),
            suite_sha256: env.suite.sha256.clone(),
            data_sha256: data.sha256.clone(),
            weights: match &model.weights {
                WeightsSource::RandomInit { seed } => format!("random-init:{seed}"),
                WeightsSource::File { sha256, .. } | WeightsSource::Reference { sha256, .. } => {
                    sha256.clone()
                }
            },
            command: env.command.into(),
        },
        model,
        data,
    };
    let name = format!(
        "{index:02}-{}-{}-{}-{}-b{}.json",
        record.workload,
        record.scenario,
        record.device.replace(':', ""),
        record.precision,
        record.batch_size
    );
    let path = write_atomic(env.results_dir, &name, &record).map_err(|e| {
        RunFailure::Failed(format!(
            "could not write {}: {e}",
            env.results_dir.join(&name).display()
        ))
    })?;
    Ok((record, path))
}
