//! One trial of a configuration: a cool-down, idle power before, the
//! scenario with meters at the window's edges, idle power after.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use wattbench_workloads::rng::SplitMix64;
use wattbench_workloads::GenerationTally;

use super::environment::Environment;
use super::failure::RunFailure;
use super::panic_guard::catch_panic;
use crate::device::{DeviceFacts, DeviceMonitor, DeviceState, NoMonitor};
use crate::endpoint::EndpointTally;
use crate::energy::{
    measure_idle, open_meter, open_monitor, EnergyMeter, EnergyMethod, EnergyReport, EnergyWindow, IdleMeasurement,
    MeterChoice, Unmeasured, WindowMeasurement,
};
use crate::engine::Engine;
use crate::harness::{ScenarioOutcome, ScenarioSettings};
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
    /// An endpoint's own figures.
    pub endpoint: Option<EndpointTally>,
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

/// The meter and the device monitor of a trial: the device's own, except
/// for an engine that runs elsewhere: its serving GPUs' meter when the suite
/// names them (a meter that cannot be opened fails the run: the suite asked
/// for a figure), otherwise unmeasured here (unless the meter is scripted
/// for a test).
fn meter_and_monitor(
    env: &Environment<'_>,
    target: &DeviceFacts,
    engine: &dyn Engine,
) -> Result<(Box<dyn EnergyMeter>, Box<dyn DeviceMonitor>), RunFailure> {
    Ok(match engine.unmetered_here() {
        Some(why) if *env.meter == MeterChoice::Real => match engine.serving_meter() {
            Some(Ok(meter)) => {
                (meter, Box::new(NoMonitor("the serving GPUs' clocks are not monitored from this client".into())))
            }
            Some(Err(e)) => return Err(RunFailure::Failed(format!("the serving GPUs' meter: {e}"))),
            None => (Box::new(Unmeasured::new(why.clone())), Box::new(NoMonitor(why))),
        },
        Some(why) => (open_meter(env.meter, target, env.cpu), Box::new(NoMonitor(why))),
        None => (open_meter(env.meter, target, env.cpu), open_monitor(target)),
    })
}

/// Runs trial `index` of `run` on the staged engine.
pub fn run_trial(
    env: &Environment<'_>,
    run: &PlannedRun,
    settings: &ScenarioSettings,
    index: usize,
    target: &DeviceFacts,
    engine: &mut dyn Engine,
) -> Result<TrialOutcome, RunFailure> {
    let cooldown = cooldown_for(run, index);
    pause(env, cooldown)?;
    let (mut meter, mut monitor) = meter_and_monitor(env, target, engine)?;
    let idle_before = idle(meter.as_mut(), run)?;

    let (second, _) = meter_and_monitor(env, target, engine)?;
    let mut second = second;
    let trace_source = matches!(second.power_w(), Ok(Some(_))).then_some(second);
    let mut window = EnergyWindow::new(meter.as_mut(), monitor.as_mut(), trace_source);
    let ran = catch_panic(|| engine.run_window(settings, &mut window, env.stop))
        .map_err(|p| RunFailure::Failed(format!("the backend panicked: {p}")))?
        .map_err(RunFailure::from)?;
    let (outcome, generation, endpoint) = (ran.outcome, ran.generation, ran.endpoint);
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
            edges: readings.edges,
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
        endpoint,
    })
}
