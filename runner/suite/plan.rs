//! Expanding a manifest into the ordered list of runs.

use std::time::Duration;

use toml::Spanned;

use super::{Defaults, PlanOverrides, RunEntry, SuiteError, SuiteSource};
use crate::backend::Precision;
use crate::device::DeviceSpec;
use crate::harness::{Scenario, ScenarioSettings};

/// One run of the plan: a workload × device × precision × batch × scenario.
#[derive(Clone, Debug)]
pub struct PlannedRun {
    /// Workload (task) id.
    pub workload: String,
    /// The engine that executes it: `burn`, `fused-cuda`, `fused-cpu`, `openai`.
    pub engine: String,
    /// Workload parameters (checked by the workload).
    pub params: serde_json::Value,
    /// Device as named.
    pub device: DeviceSpec,
    /// Numeric precision.
    pub precision: Precision,
    /// The harness's settings.
    pub settings: ScenarioSettings,
    /// Idle measurement before (and after) each trial.
    pub idle: Duration,
    /// Repeated trials of this configuration.
    pub trials: usize,
    /// Pause before each trial (jittered ±50%).
    pub cooldown: Duration,
    /// Server scenario: the p99 latency bound.
    pub latency_bound: Option<Duration>,
}

const DEFAULT_WARMUP_S: f64 = 2.0;
const DEFAULT_MIN_DURATION_S: f64 = 10.0;
const DEFAULT_MIN_QUERIES: u64 = 64;
const DEFAULT_IDLE_S: f64 = 3.0;
const DEFAULT_SEED: u64 = 2026;
const DEFAULT_TRIALS: u64 = 3;
const DEFAULT_COOLDOWN_S: f64 = 1.0;
const MAX_TRIALS: u64 = 100;
const MAX_LATENCY_BOUND_MS: f64 = 86_400_000.0;

/// A number of seconds a duration can hold: from 0 to a day.
fn seconds(s: f64) -> Result<Duration, String> {
    if s.is_finite() && (0.0..86_400.0).contains(&s) {
        Ok(Duration::from_secs_f64(s))
    } else {
        Err("must be a number of seconds from 0 to 86400".into())
    }
}

fn at_least_one(q: u64) -> Result<u64, String> {
    if q == 0 {
        Err("must be at least 1".into())
    } else {
        Ok(q)
    }
}

fn trial_count(t: u64) -> Result<usize, String> {
    if (1..=MAX_TRIALS).contains(&t) {
        Ok(t as usize)
    } else {
        Err(format!("must be from 1 to {MAX_TRIALS}"))
    }
}

struct Ctx<'a> {
    src: &'a SuiteSource,
}

impl Ctx<'_> {
    fn err<T>(&self, span: std::ops::Range<usize>, msg: impl Into<String>) -> Result<T, SuiteError> {
        Err(SuiteError::at(&self.src.file, &self.src.text, Some(span), msg))
    }

    /// One setting, from the first of: the command line, the run entry, the
    /// suite's `[defaults]`, the built-in default. `check` applies the same
    /// rule whichever supplied it; an error names the flag or points at the
    /// value in the file.
    fn setting<T: Copy + std::fmt::Display, U>(
        &self,
        (flag, cli): (&str, Option<T>),
        own: Option<&Spanned<T>>,
        shared: Option<&Spanned<T>>,
        default: T,
        check: impl Fn(T) -> Result<U, String>,
    ) -> Result<U, SuiteError> {
        if let Some(v) = cli {
            return check(v).map_err(|reason| SuiteError::Flag { flag: flag.into(), value: v.to_string(), reason });
        }
        match own.or(shared) {
            Some(v) => check(*v.get_ref()).or_else(|reason| self.err(v.span(), reason)),
            None => check(default).or_else(|reason| self.err(0..0, reason)),
        }
    }

    fn devices(
        &self,
        own: &Defaults,
        shared: &Defaults,
        cli: Option<DeviceSpec>,
    ) -> Result<Vec<DeviceSpec>, SuiteError> {
        if let Some(d) = cli {
            return Ok(vec![d]);
        }
        match own.devices.as_ref().or(shared.devices.as_ref()) {
            None => Ok(vec![DeviceSpec::Auto]),
            Some(list) => {
                list.iter().map(|d| d.get_ref().parse::<DeviceSpec>().or_else(|e| self.err(d.span(), e))).collect()
            }
        }
    }
}

/// The entry's parameters as JSON, with the engine chosen (see `choose_engine`), each checked.
fn params_json(entry: &RunEntry, ctx: &Ctx<'_>) -> Result<(serde_json::Value, String), SuiteError> {
    let mut value = match &entry.params {
        None => serde_json::json!({}),
        Some(table) => serde_json::to_value(table.get_ref()).or_else(|e| ctx.err(table.span(), e.to_string()))?,
    };
    let id = entry.workload.get_ref();
    let named = entry.engine.as_ref().map(|e| e.get_ref().as_str());
    let engine = match super::choose_engine(id, named, &mut value) {
        Ok(engine) => engine,
        Err(why) => {
            let span = match (&entry.engine, &entry.params) {
                (Some(e), _) => e.span(),
                (None, Some(t)) => t.span(),
                (None, None) => entry.workload.span(),
            };
            return ctx.err(span, why);
        }
    };
    // Errors point at the parameters, else at the engine named on the entry.
    let span = match (&entry.params, &entry.engine) {
        (Some(t), _) => t.span(),
        (None, Some(e)) => e.span(),
        (None, None) => return Ok((value, engine)),
    };
    // The endpoint engine's parameters are its own (choose_engine has
    // already refused it for a task it does not execute).
    if engine == crate::endpoint::ENGINE {
        return match crate::endpoint::qa::task_params(id, &value) {
            Ok(_) => Ok((value, engine)),
            Err(e) => ctx.err(span, e.to_string()),
        };
    }
    match wattbench_workloads::validate_params(id, &value) {
        Ok(()) => Ok((value, engine)),
        Err(e) => ctx.err(span, e.to_string()),
    }
}

/// Expands `src` into runs, in file order, with `cli`'s values replacing
/// the suite's.
pub fn plan(src: &SuiteSource, cli: &PlanOverrides) -> Result<Vec<PlannedRun>, SuiteError> {
    let ctx = Ctx { src };
    let shared = &src.manifest.defaults;
    if src.manifest.run.is_empty() {
        return Err(SuiteError::at(&src.file, &src.text, None, "the suite has no [[run]] entries"));
    }
    let mut runs = Vec::new();
    for entry in &src.manifest.run {
        let id = entry.workload.get_ref();
        if !wattbench_workloads::ids().contains(&id.as_str()) {
            let known = wattbench_workloads::ids().join(", ");
            return ctx.err(entry.workload.span(), format!("unknown workload `{id}` (known: {known})"));
        }
        let (params, engine) = params_json(entry, &ctx)?;
        let own = &entry.overrides();
        let scenarios: &Vec<Scenario> = entry.scenarios.get_ref();
        if scenarios.is_empty() {
            return ctx.err(entry.scenarios.span(), "list at least one scenario");
        }
        let batches = match &entry.batch_sizes {
            None => vec![1],
            Some(b) if b.get_ref().is_empty() || b.get_ref().contains(&0) => {
                return ctx.err(b.span(), "batch sizes must be a non-empty list of positive integers")
            }
            Some(b) => b.get_ref().clone(),
        };
        let precisions = match cli.precision {
            Some(p) => vec![p],
            None => {
                own.precisions.clone().or_else(|| shared.precisions.clone()).unwrap_or_else(|| vec![Precision::F32])
            }
        };
        let min_queries = ctx.setting(
            ("min-queries", cli.min_queries),
            own.min_queries.as_ref(),
            shared.min_queries.as_ref(),
            DEFAULT_MIN_QUERIES,
            at_least_one,
        )?;
        let secs = |flag: (&str, Option<f64>), own: &Option<Spanned<f64>>, shared: &Option<Spanned<f64>>, d| {
            ctx.setting(flag, own.as_ref(), shared.as_ref(), d, seconds)
        };
        let warmup = secs(("warmup-s", cli.warmup_s), &own.warmup_s, &shared.warmup_s, DEFAULT_WARMUP_S)?;
        let min_duration = secs(
            ("min-duration-s", cli.min_duration_s),
            &own.min_duration_s,
            &shared.min_duration_s,
            DEFAULT_MIN_DURATION_S,
        )?;
        let idle = secs(("idle-s", cli.idle_s), &own.idle_s, &shared.idle_s, DEFAULT_IDLE_S)?;
        let seed = own.seed.or(shared.seed).unwrap_or(DEFAULT_SEED);
        let trials = ctx.setting(
            ("trials", cli.trials),
            own.trials.as_ref(),
            shared.trials.as_ref(),
            DEFAULT_TRIALS,
            trial_count,
        )?;
        let cooldown = secs(("cooldown-s", cli.cooldown_s), &own.cooldown_s, &shared.cooldown_s, DEFAULT_COOLDOWN_S)?;
        let target_qps = match own.target_qps.as_ref().or(shared.target_qps.as_ref()) {
            Some(q) if !(q.get_ref().is_finite() && *q.get_ref() > 0.0) => {
                return ctx.err(q.span(), "must be a positive rate in queries per second")
            }
            q => q.map(|q| *q.get_ref()),
        };
        let latency_bound = match own.latency_bound_ms.as_ref().or(shared.latency_bound_ms.as_ref()) {
            // Duration::from_secs_f64 panics beyond about 1.8e19 s: bound it to a day, like every duration.
            Some(b) if !(b.get_ref().is_finite() && *b.get_ref() > 0.0 && *b.get_ref() <= MAX_LATENCY_BOUND_MS) => {
                return ctx.err(b.span(), "must be a positive number of milliseconds up to 86400000 (a day)")
            }
            b => b.map(|b| Duration::from_secs_f64(*b.get_ref() / 1e3)),
        };
        if scenarios.contains(&Scenario::Server) && (target_qps.is_none() || latency_bound.is_none()) {
            return ctx.err(entry.scenarios.span(), "the server scenario needs target_qps and latency_bound_ms");
        }
        for device in ctx.devices(own, shared, cli.device)? {
            for &precision in &precisions {
                for &batch_size in &batches {
                    for &scenario in scenarios {
                        let settings = ScenarioSettings {
                            scenario,
                            batch_size,
                            warmup,
                            min_duration,
                            min_queries,
                            seed,
                            target_qps: target_qps.filter(|_| scenario == Scenario::Server),
                        };
                        runs.push(PlannedRun {
                            workload: id.clone(),
                            engine: engine.clone(),
                            params: params.clone(),
                            device,
                            precision,
                            settings,
                            idle,
                            trials,
                            cooldown,
                            latency_bound: latency_bound.filter(|_| scenario == Scenario::Server),
                        });
                    }
                }
            }
        }
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use super::super::locate::parse_manifest;
    use super::*;

    fn source(text: &str) -> SuiteSource {
        let manifest = parse_manifest("t.toml", text).unwrap();
        SuiteSource { file: "t.toml".into(), manifest, text: text.into(), sha256: String::new() }
    }

    const HEAD: &str = "name = \"t\"\n[defaults]\nmin_duration_s = 1.5\n";

    #[test]
    fn expands_lists_in_order_with_defaults() {
        let text = format!("{HEAD}[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"single-stream\", \"offline\"]\nbatch_sizes = [1, 8]\nmin_queries = 5\n");
        let runs = plan(&source(&text), &PlanOverrides::default()).unwrap();
        let shape: Vec<_> = runs.iter().map(|r| (r.settings.batch_size, r.settings.scenario)).collect();
        assert_eq!(
            shape,
            [(1, Scenario::SingleStream), (1, Scenario::Offline), (8, Scenario::SingleStream), (8, Scenario::Offline)]
        );
        assert!(runs
            .iter()
            .all(|r| r.settings.min_duration == Duration::from_millis(1500) && r.settings.min_queries == 5));
        assert!(runs.iter().all(|r| r.device == DeviceSpec::Auto && r.precision == Precision::F32));
    }

    #[test]
    fn cli_device_replaces_the_suites() {
        let text = format!(
            "{HEAD}devices = [\"cuda:0\", \"cpu\"]\n[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"offline\"]\n"
        );
        let runs =
            plan(&source(&text), &PlanOverrides { device: Some(DeviceSpec::Cpu), ..Default::default() }).unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].device, DeviceSpec::Cpu);
    }

    #[test]
    fn unknown_workload_is_located() {
        let text = format!("{HEAD}[[run]]\nworkload = \"load-forcast\"\nscenarios = [\"offline\"]\n");
        let err = plan(&source(&text), &PlanOverrides::default()).unwrap_err().to_string();
        let known = wattbench_workloads::ids().join(", ");
        assert_eq!(err, format!("t.toml:5:12: field `workload`: unknown workload `load-forcast` (known: {known})"));
    }

    #[test]
    fn bad_params_are_located_and_explained() {
        let text = format!(
            "{HEAD}[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"offline\"]\nparams = {{ hidden = 0 }}\n"
        );
        let err = plan(&source(&text), &PlanOverrides::default()).unwrap_err().to_string();
        assert_eq!(
            err,
            "t.toml:7:10: field `params`: workload `load-forecast`: parameter `hidden`: must be at least 1"
        );
    }

    #[test]
    fn zero_batch_and_bad_device_and_negative_seconds() {
        let run = "[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"offline\"]\n";
        let zero = plan(&source(&format!("{HEAD}{run}batch_sizes = [4, 0]\n")), &PlanOverrides::default())
            .unwrap_err()
            .to_string();
        assert!(zero.contains("field `batch_sizes`: batch sizes must be"), "{zero}");
        let dev = plan(&source(&format!("{HEAD}devices = [\"tpu\"]\n{run}")), &PlanOverrides::default())
            .unwrap_err()
            .to_string();
        assert!(dev.starts_with("t.toml:4:") && dev.contains("unknown device `tpu`"), "{dev}");
        let neg =
            plan(&source(&format!("{HEAD}{run}warmup_s = -1.0\n")), &PlanOverrides::default()).unwrap_err().to_string();
        assert!(neg.contains("field `warmup_s`: must be a number of seconds"), "{neg}");
    }

    #[test]
    fn a_latency_bound_too_large_for_a_duration_is_located_not_a_panic() {
        let run = "[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"offline\"]\n";
        let err = plan(&source(&format!("{HEAD}latency_bound_ms = 1e308\n{run}")), &PlanOverrides::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("field `latency_bound_ms`: must be a positive number of milliseconds up to"), "{err}");
    }

    #[test]
    fn a_flag_replaces_the_suites_value_and_is_checked_by_the_same_rule() {
        let text = format!("{HEAD}precisions = [\"f32\", \"f16\"]\n[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"offline\"]\ntrials = 7\n");
        let cli = PlanOverrides {
            precision: Some(Precision::F32),
            trials: Some(2),
            warmup_s: Some(0.25),
            ..Default::default()
        };
        let runs = plan(&source(&text), &cli).unwrap();
        assert_eq!(runs.len(), 1, "--precision replaces the list, like --device");
        assert_eq!((runs[0].trials, runs[0].settings.warmup), (2, Duration::from_millis(250)));
        let bad = PlanOverrides { trials: Some(0), ..Default::default() };
        assert_eq!(plan(&source(&text), &bad).unwrap_err().to_string(), "--trials 0: must be from 1 to 100");
        let bad = PlanOverrides { min_duration_s: Some(f64::INFINITY), ..Default::default() };
        assert_eq!(
            plan(&source(&text), &bad).unwrap_err().to_string(),
            "--min-duration-s inf: must be a number of seconds from 0 to 86400"
        );
        let bad = PlanOverrides { min_queries: Some(0), ..Default::default() };
        assert_eq!(plan(&source(&text), &bad).unwrap_err().to_string(), "--min-queries 0: must be at least 1");
    }
}
