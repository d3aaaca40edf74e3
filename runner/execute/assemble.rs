//! From trials to one result record: merged latency, intervals, energy
//! aggregate, evidence and verdict, provenance.

use std::time::SystemTime;

use hdrhistogram::Histogram;
use wattbench_workloads::{ModelCard, QualityReport, WeightsSource};

use super::environment::Environment;
use super::failure::RunFailure;
use super::trial::TrialOutcome;
use crate::backend::{self, Precision, BURN_VERSION};
use crate::calibration::{device_id, load_calibration, roofline};
use crate::device::DeviceFacts;
use crate::endpoint::EndpointTally;
use crate::energy::{aggregate, TrialEnergy};
use crate::engine::Engine;
use crate::harness::Scenario;
use crate::results::{
    os_description, AnswersRecord, DeviceProvenance, EarlyStoppingEstimate, EndpointRecord, GenerationRecord,
    PeakProbe, Performance, Provenance, RunRecord, RunSettings, ServerStats, TrialRecord, TrialStats, Warmup,
    SCHEMA_VERSION,
};
use crate::stats::uncertainty::spread;
use crate::stats::LatencySummary;
use crate::suite::PlannedRun;
use crate::validity::{judge, EnergyEvidence, RunEvidence, Thresholds, TrialEvidence};

/// RFC 3339 time, UTC, to the second.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

fn merged_latency(trials: &[TrialOutcome], lateness: bool) -> Result<Option<Histogram<u64>>, RunFailure> {
    let mut merged: Option<Histogram<u64>> = None;
    for t in trials {
        let h = if lateness { t.outcome.scheduler_lateness_ns.as_ref() } else { Some(&t.outcome.latency_ns) };
        let Some(h) = h else { continue };
        match merged.as_mut() {
            None => merged = Some(h.clone()),
            Some(m) => m.add(h).map_err(|e| RunFailure::Failed(format!("merging latency histograms: {e:?}")))?,
        }
    }
    Ok(merged)
}

fn trial_record(i: usize, t: &TrialOutcome) -> TrialRecord {
    TrialRecord {
        trial: i,
        queries: t.outcome.queries,
        samples: t.outcome.samples,
        duration_s: t.outcome.window.as_secs_f64(),
        throughput_per_s: t.outcome.throughput_per_s(),
        latency_p50_ns: t.outcome.latency_ns.value_at_quantile(0.5),
        latency_p99_ns: t.outcome.latency_ns.value_at_quantile(0.99),
        cooldown_s: t.cooldown_s,
        idle_before: t.idle_before.clone(),
        idle_after: t.idle_after.clone(),
        device_start: t.device_start.clone(),
        device_end: t.device_end.clone(),
        energy: t.energy.clone(),
    }
}

fn evidence(
    run: &PlannedRun,
    trials: &[TrialOutcome],
    es: &EarlyStoppingEstimate,
    quality: &QualityReport,
    cv: Option<f64>,
    monitor_unavailable: Option<String>,
    endpoint: Option<&EndpointRecord>,
) -> RunEvidence {
    RunEvidence {
        latency_bound_scenario: run.settings.scenario != Scenario::Offline,
        min_duration_s: run.settings.min_duration.as_secs_f64(),
        min_queries: run.settings.min_queries,
        trials: trials
            .iter()
            .map(|t| TrialEvidence {
                window_s: t.outcome.window.as_secs_f64(),
                queries: t.outcome.queries,
                energy: t.energy.joules.map(|_| EnergyEvidence {
                    method: t.energy.method,
                    counter_period_s: t.idle_before.as_ref().and_then(|i| i.counter_period_s),
                    trace_gap_frac: t.energy.trace_gap_frac,
                }),
                device_start: t.device_start.clone(),
                device_end: t.device_end.clone(),
            })
            .collect(),
        latency_queries: es.queries,
        latency_bound: run.latency_bound.map(|b| (b.as_nanos() as u64, es.latency_ns)),
        quality_passes: quality.passes,
        quality: (quality.metric.clone(), quality.value, quality.threshold),
        throughput_cv: cv,
        monitor_unavailable,
        request_failures: endpoint.map(EndpointRecord::failure_evidence),
        slo: endpoint.and_then(|e| e.slo.clone()),
    }
}

/// What the run achieved, for its place on the roofline.
struct Achieved {
    /// Samples per second (mean over trials).
    throughput: f64,
    /// Queries over every trial's window.
    queries: u64,
    /// The windows' total length, seconds.
    window_s: f64,
}

/// Achieved compute and traffic, placed on the device's roofline when it was calibrated.
fn performance(
    env: &Environment<'_>,
    target: &DeviceFacts,
    model: &ModelCard,
    precision: Precision,
    achieved: &Achieved,
) -> Performance {
    let Achieved { throughput, queries, window_s } = *achieved;
    let element = if precision == Precision::F32 { 4.0 } else { 2.0 };
    let weight_traffic = model.parameters as f64 * element * queries as f64 / window_s.max(1e-9);
    let io_traffic = model.bytes_per_sample as f64 * throughput;
    let flops = model.flops_per_sample as f64 * throughput;
    let bytes = io_traffic + weight_traffic;
    let id = device_id(target.device, target.gpu(), env.cpu);
    let (roofline, roofline_note) = match load_calibration(&env.calibration_dir, &id) {
        Ok(Some((path, cal))) => {
            // The file's name (the device's identity), not the local folder it sits in.
            let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            (Some(roofline(&cal, &file, precision != Precision::F32, flops, bytes)), None)
        }
        Ok(None) => {
            (None, Some(format!("{id} was never calibrated: run `wattbench calibrate --device {}`", target.device)))
        }
        Err(e) => (None, Some(e)),
    };
    Performance {
        flops_per_sample: model.flops_per_sample,
        achieved_flops_per_s: flops,
        achieved_bytes_per_s: bytes,
        roofline,
        roofline_note,
    }
}

/// The endpoint section of a remote engine's run, from every trial's tally.
fn endpoint_record(engine: &dyn Engine, trials: &[TrialOutcome]) -> Result<Option<EndpointRecord>, RunFailure> {
    let Some(settings) = engine.endpoint_settings() else { return Ok(None) };
    let mut total = EndpointTally::default();
    trials.iter().filter_map(|t| t.endpoint.as_ref()).for_each(|t| total.merge(t));
    let window_s: f64 = trials.iter().map(|t| t.outcome.window.as_secs_f64()).sum();
    EndpointRecord::build(settings, &total, window_s).map(Some).map_err(RunFailure::Failed)
}

/// What `assemble` needs besides the trials.
pub struct RunContext<'a> {
    /// Position in the plan.
    pub index: usize,
    /// The planned run.
    pub run: &'a PlannedRun,
    /// The device used, with its facts.
    pub target: &'a DeviceFacts,
    /// When the run started.
    pub started_at: String,
    /// Why the device is not monitored, if it is not.
    pub monitor_unavailable: Option<String>,
    /// Probes of a peak search.
    pub peak_search: Vec<PeakProbe>,
}

/// Builds the result record of a run.
pub fn assemble(
    env: &Environment<'_>,
    ctx: RunContext<'_>,
    workload: &dyn Engine,
    trials: &[TrialOutcome],
    quality: QualityReport,
) -> Result<RunRecord, RunFailure> {
    let run = ctx.run;
    let seed = run.settings.seed;
    let thresholds = Thresholds::default();
    let latency = merged_latency(trials, false)?.ok_or_else(|| RunFailure::Failed("no trial ran".into()))?;
    let es = EarlyStoppingEstimate::of(&latency, &thresholds);
    let throughputs: Vec<f64> = trials.iter().map(|t| t.outcome.throughput_per_s()).collect();
    let throughput =
        spread(&throughputs, seed).map_err(|e| RunFailure::Failed(format!("throughput statistics: {e}")))?;
    let per_j: Vec<f64> = trials.iter().filter_map(|t| t.energy.j_per_inference).collect();
    let net_j: Vec<f64> = trials.iter().filter_map(|t| t.energy.net_j_per_inference).collect();
    let energies: Vec<TrialEnergy<'_>> =
        trials.iter().map(|t| TrialEnergy { report: &t.energy, inferences: t.outcome.samples }).collect();
    let period = trials
        .iter()
        .filter_map(|t| t.idle_before.as_ref()?.counter_period_s)
        .fold(None, |m: Option<f64>, p| Some(m.map_or(p, |m| m.max(p))));
    let energy = aggregate(&energies, period, seed);
    let cv = (throughput.n > 1).then_some(throughput.cv);
    let endpoint = endpoint_record(workload, trials)?;
    let verdict =
        judge(&evidence(run, trials, &es, &quality, cv, ctx.monitor_unavailable, endpoint.as_ref()), &thresholds);
    let latency_ns = LatencySummary::from_histogram(&latency).map_err(RunFailure::Failed)?;
    let samples: u64 = trials.iter().map(|t| t.outcome.samples).sum();
    let window_s: f64 = trials.iter().map(|t| t.outcome.window.as_secs_f64()).sum();
    let server = match (run.settings.target_qps, run.latency_bound, merged_latency(trials, true)?) {
        (Some(target_qps), Some(bound), Some(lateness)) => Some(ServerStats {
            target_qps,
            achieved_qps: samples as f64 / window_s.max(1e-9),
            latency_bound_ns: bound.as_nanos() as u64,
            scheduler_lateness_ns: LatencySummary::from_histogram(&lateness).map_err(RunFailure::Failed)?,
            peak_search: ctx.peak_search,
        }),
        _ => None,
    };
    let tallies: Vec<_> =
        trials.iter().filter_map(|t| Some((t.generation.as_ref()?, t.outcome.window.as_secs_f64()))).collect();
    let generation = GenerationRecord::build(&tallies, &energy).map_err(RunFailure::Failed)?;
    let model = workload.model_card().clone();
    let data = workload.data_card().clone();
    let answers = workload.answer_score().map(|s| AnswersRecord::new(s, &data.sha256, &energy));
    // An endpoint runs elsewhere: the local device is not what was measured.
    let device_name =
        if workload.endpoint_settings().is_some() { "endpoint".to_string() } else { ctx.target.device.to_string() };
    // A workload that drives the device itself (the fused reference kernel) names its engine.
    let backend_name = match (workload.backend_name(), model.architecture.get("engine")) {
        (Some(name), _) => name,
        (None, Some(engine)) => engine.split_whitespace().next().unwrap_or("engine").to_string(),
        (None, None) => backend::backend_name(ctx.target.device).to_string(),
    };
    let queries = trials.iter().map(|t| t.outcome.queries).sum();
    let achieved = Achieved { throughput: throughput.mean, queries, window_s };
    Ok(RunRecord {
        schema_version: SCHEMA_VERSION,
        suite: env.suite.manifest.name.clone(),
        run_index: ctx.index,
        started_at: ctx.started_at,
        finished_at: now_rfc3339(),
        workload: run.workload.clone(),
        engine: run.engine.clone(),
        scenario: run.settings.scenario.to_string(),
        device: device_name,
        backend: backend_name.clone(),
        precision: run.precision.to_string(),
        batch_size: run.settings.batch_size,
        samples,
        queries,
        duration_s: window_s,
        throughput_per_s: throughput.mean,
        throughput_ci95_per_s: throughput.ci95,
        latency_ns,
        latency_early_stopping: es,
        verdict,
        trials: trials.iter().enumerate().map(|(i, t)| trial_record(i, t)).collect(),
        trial_stats: TrialStats {
            throughput_per_s: throughput.clone(),
            j_per_inference: spread(&per_j, seed).ok(),
            net_j_per_inference: spread(&net_j, seed).ok(),
        },
        server,
        generation,
        answers,
        endpoint,
        energy,
        quality,
        performance: performance(env, ctx.target, &model, run.precision, &achieved),
        warmup: Warmup {
            queries: trials.iter().map(|t| t.outcome.warmup_queries).sum(),
            duration_s: trials.iter().map(|t| t.outcome.warmup.as_secs_f64()).sum(),
        },
        settings: RunSettings {
            min_duration_s: run.settings.min_duration.as_secs_f64(),
            min_queries: run.settings.min_queries,
            warmup_s: run.settings.warmup.as_secs_f64(),
            idle_s: run.idle.as_secs_f64(),
            seed,
            trials: run.trials,
            cooldown_s: run.cooldown.as_secs_f64(),
        },
        provenance: Provenance {
            wattbench_version: env!("CARGO_PKG_VERSION").into(),
            git_hash: env!("WATTBENCH_GIT_HASH").into(),
            burn_version: BURN_VERSION.into(),
            backend: backend_name,
            precision: run.precision.to_string(),
            device: ctx.target.gpu().map(DeviceProvenance::gpu).unwrap_or_else(|| DeviceProvenance::cpu(env.cpu)),
            cpu_model: env.cpu.model.clone(),
            cpu_logical_cores: env.cpu.logical_cores,
            os: os_description(),
            suite_file: wattbench_workloads::portable_path(&env.suite.file),
            suite_sha256: env.suite.sha256.clone(),
            data_sha256: data.sha256.clone(),
            weights: match &model.weights {
                WeightsSource::RandomInit { seed } => format!("random-init:{seed}"),
                WeightsSource::File { sha256, .. } | WeightsSource::Reference { sha256, .. } => sha256.clone(),
            },
            command: env.command.into(),
            allocator: crate::allocator::heap_policy().into(),
            node: crate::results::node_name(&|k| std::env::var(k).ok()),
            task: crate::results::scheduler_task(&|k| std::env::var(k).ok()),
        },
        model,
        data,
        merged_from: Vec::new(),
        shards: Vec::new(),
    })
}
