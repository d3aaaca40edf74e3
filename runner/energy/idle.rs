//! Idle power and the energy counter's own update period, measured together
//! on the same device just before (and after) a run.
//!
//! The counter is polled every millisecond while the device idles: the idle
//! power is the energy over the whole interval divided by its length, and the
//! update period is the median time between changes of the reading. The
//! period bounds how precise any window can be (about 2 x period / window).

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{EnergyMeter, MeterError};

/// How often the counter is read while measuring idle.
pub const IDLE_POLL: Duration = Duration::from_millis(1);

/// What an idle interval measured.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct IdleMeasurement {
    /// Average idle power, watts.
    pub idle_w: f64,
    /// Median time between counter updates, seconds (None with fewer than three updates).
    pub counter_period_s: Option<f64>,
    /// How many times the reading changed.
    pub counter_updates: usize,
    /// Length of the interval, seconds.
    pub duration_s: f64,
}

/// The median of the gaps between consecutive change times.
fn median_gap(changes: &[f64]) -> Option<f64> {
    let mut gaps: Vec<f64> = changes.windows(2).map(|w| w[1] - w[0]).collect();
    if gaps.len() < 2 {
        return None;
    }
    gaps.sort_by(f64::total_cmp);
    Some(gaps[gaps.len() / 2])
}

/// Measures idle power and the counter's update period over `duration`;
/// `None` when the meter measures nothing.
pub fn measure_idle(meter: &mut dyn EnergyMeter, duration: Duration) -> Result<Option<IdleMeasurement>, MeterError> {
    if duration.is_zero() {
        return Err(MeterError::InvalidWindow("idle duration is zero".into()));
    }
    let Some(first) = meter.energy_j()? else { return Ok(None) };
    let start = Instant::now();
    let (mut last, mut changes) = (first, Vec::new());
    loop {
        std::thread::sleep(IDLE_POLL);
        let Some(now) = meter.energy_j()? else { return Ok(None) };
        let t = start.elapsed().as_secs_f64();
        if now != last {
            changes.push(t);
            last = now;
        }
        if t >= duration.as_secs_f64() {
            return Ok(Some(IdleMeasurement {
                idle_w: (now - first) / t,
                counter_period_s: median_gap(&changes),
                counter_updates: changes.len(),
                duration_s: t,
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy::{ScriptedMeter, Unmeasured};

    #[test]
    fn constant_power_is_measured_and_a_continuous_counter_has_a_short_period() {
        let mut m = ScriptedMeter::constant(40.0, crate::energy::scripted::wall_clock());
        let idle = measure_idle(&mut m, Duration::from_millis(100)).unwrap().unwrap();
        assert!((idle.idle_w - 40.0).abs() < 0.5, "{idle:?}");
        assert!(idle.counter_period_s.unwrap() < 0.02, "{idle:?}");
        assert!(idle.duration_s >= 0.1);
    }

    #[test]
    fn a_coarse_counter_reports_its_period() {
        // A counter that only moves every 20 ms, like NVML's on some GPUs.
        let start = Instant::now();
        let clock = Box::new(move || (start.elapsed().as_secs_f64() / 0.02).floor() * 0.02);
        let mut m = ScriptedMeter::constant(100.0, clock);
        let idle = measure_idle(&mut m, Duration::from_millis(200)).unwrap().unwrap();
        let period = idle.counter_period_s.unwrap();
        assert!((period - 0.02).abs() < 0.005, "{idle:?}");
        assert!(idle.counter_updates >= 8);
    }

    #[test]
    fn unmeasured_and_zero_duration() {
        assert_eq!(measure_idle(&mut Unmeasured::new("x"), Duration::from_millis(5)).unwrap(), None);
        let mut m = ScriptedMeter::constant(1.0, crate::energy::scripted::wall_clock());
        assert!(measure_idle(&mut m, Duration::ZERO).is_err());
    }

    #[test]
    fn median_needs_two_gaps() {
        assert_eq!(median_gap(&[0.0, 1.0]), None);
        assert!((median_gap(&[0.0, 0.1, 0.3, 0.4]).unwrap() - 0.1).abs() < 1e-12);
    }
}
