//! One trial of a configuration: a cool-down, idle power before, the
//! scenario with meters at the window's edges, idle power after.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use wattbench_suites::rng::SplitMix64;
use wattbench_suites::{GenerationTally, PreparedWorkload};

use super::meters::{open_meter, open_monitor, EnergyWindow};
use super::panic_guard::catch_panic;
use super::run_one::{Environment, RunFailure};
use super::sut_adapter::WorkloadSut;
use crate::device::{DeviceState, GpuInfo, ResolvedDevice};
use crate::energy::{measure_idle, EnergyMeter, EnergyMethod, EnergyReport, IdleMeasurement, WindowMeasurement};
use crate::harness::{run_scenario, HarnessError, ScenarioOutcome, ScenarioSettings, WindowObserver};
use crate::suite::PlannedRun;

/// What one trial measured.
pub struct TrialOutcome {
    /// The harness's window.
    pub outcome: ScenarioOutcome,
    /// Energy of the window (idle: mean of before and after).
    pub energy: EnergyReport,
    /// Idle before the window.
    pub idle_before: Option<IdleMeasurement>,
    /// Idle after the window.
    pub idle_after: Option<IdleMeasurement>,
    /// Device state at the window's edges.
    pub device_start: Option<DeviceState>,
    /// See `device_start`.
    pub device_end: Option<DeviceState>,
    /// The pause before the trial, seconds.
    pub cooldown_s: f64,
    /// Token timings of a generative workload's timed batches.
    pub generation: Option<GenerationTally>,
}

/// Passes the window's edges on, remembering when it opened.
struct MarkOpen<'a> {
    inner: &'a mut dyn WindowObserver,
    opened: Option<Instant>,
}

impl WindowObserver for MarkOpen<'_> {
    fn open(&mut self) -> Result<(), HarnessError> {
        self.opened = Some(Instant::now());
        self.inner.open()
    }
    fn close(&mut self) -> Result<(), HarnessError> {
        self.inner.close()
    }
}

fn harness_failure(e: HarnessError) -> RunFailure {
    match e {
        HarnessError::Interrupted => RunFailure::Interrupted,
        other => RunFailure::Failed(other.to_string()),
    }
}

/// Sleeps `pause` in short steps, so that Ctrl-C stays responsive.
fn pause(env: &Environment<'_>, pause: Duration) -> Result<(), RunFailure> {
    let until = Instant::now() + pause;
    while Instant::now() < until {
        if env.stop.load(Ordering::Relaxed) {
            return Err(RunFailure::Interrupted);
        }
        std::thread::sleep(Duration::from_millis(20).min(until - Instant::now()));
    }
    Ok(())
}

/// The pause before trial `index`: none before the first, otherwise the
/// cool-down jittered by ±50% (seeded), against aliasing with the power
/// sampling period.
pub fn cooldown_for(run: &PlannedRun, index: usize) -> Duration {
    if index == 0 || run.cooldown.is_zero() {
        return Duration::ZERO;
    }
    let mut rng = SplitMix64::new(run.settings.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    run.cooldown.mul_f64(0.5 + rng.next_f64())
}

fn idle(meter: &mut dyn EnergyMeter, run: &PlannedRun) -> Result<Option<IdleMeasurement>, RunFailure> {
    if meter.method() == EnergyMethod::Unmeasured || run.idle.is_zero() {
        return Ok(None);
    }
    measure_idle(meter, run.idle).map_err(|e| RunFailure::Failed(format!("idle power: {e}")))
}

/// Runs trial `index` of `run` on the staged workload.
pub fn run_trial(
    env: &Environment<'_>,
    run: &PlannedRun,
    settings: &ScenarioSettings,
    index: usize,
    device: ResolvedDevice,
    gpu: Option<&GpuInfo>,
    workload: &mut dyn PreparedWorkload,
) -> Result<TrialOutcome, RunFailure> {
    let cooldown = cooldown_for(run, index);
    pause(env, cooldown)?;
    let mut meter = open_meter(env.meter, device, gpu, env.cpu);
    let mut monitor = open_monitor(device, gpu);
    let idle_before = idle(meter.as_mut(), run)?;

    let mut second = open_meter(env.meter, device, gpu, env.cpu);
    let trace_source = matches!(second.power_w(), Ok(Some(_))).then_some(second);
    let mut window = EnergyWindow::new(meter.as_mut(), monitor.as_mut(), trace_source);
    let mut marked = MarkOpen { inner: &mut window, opened: None };
    let outcome = catch_panic(|| run_scenario(&mut WorkloadSut(workload), settings, &mut marked, env.stop))
        .map_err(|p| RunFailure::Failed(format!("the backend panicked: {p}")))?
        .map_err(harness_failure)?;
    let generation = marked.opened.and_then(|since| workload.take_generation(since));
    let readings = window.result.take();
    drop(window);
    let readings = readings.ok_or_else(|| RunFailure::Failed("the energy window never closed".into()))?;
    let idle_after = idle(meter.as_mut(), run)?;

    let idle_w = match (&idle_before, &idle_after) {
        (Some(a), Some(b)) => Some((a.idle_w + b.idle_w) / 2.0),
        (Some(a), None) | (None, Some(a)) => Some(a.idle_w),
        (None, None) => None,
    };
    let energy = if meter.method() == EnergyMethod::Unmeasured {
        EnergyReport::unmeasured(&meter.scope(), readings.window_s)
    } else {
        EnergyReport::from_window(&WindowMeasurement {
            method: meter.method(),
            scope: meter.scope(),
            window_s: readings.window_s,
            gross_j: readings.gross_j,
            idle_w,
            inferences: outcome.samples,
            trace: readings.trace,
        })
    };
    Ok(TrialOutcome {
        outcome,
        energy,
        idle_before,
        idle_after,
        device_start: readings.device_start,
        device_end: readings.device_end,
        cooldown_s: cooldown.as_secs_f64(),
        generation,
    })
}
