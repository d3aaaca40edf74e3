//! [`ScriptedMeter`]: a deterministic meter for tests and the hidden CLI test mode (method `scripted`).

use std::collections::VecDeque;
use std::time::Instant;

use crate::energy::meter::{EnergyMeter, EnergyMethod, MeterError};

/// A clock giving seconds as f64.
pub type Clock = Box<dyn Fn() -> f64 + Send>;
/// Power in watts as a function of clock time in seconds.
pub type PowerFn = Box<dyn Fn(f64) -> f64 + Send>;

/// Simpson sub-intervals per read: exact for power polynomials up to cubic.
const SIMPSON_STEPS: usize = 64;

enum Script {
    Power { power: PowerFn, clock: Clock, last_t: f64, total_j: f64 },
    Readings { readings: VecDeque<f64>, served: usize },
}

/// A scripted energy meter; its figures are labelled `scripted`, never as measured hardware energy.
pub struct ScriptedMeter {
    script: Script,
    scope: String,
}

/// A real monotonic clock in seconds since this call (for the CLI test mode).
pub fn wall_clock() -> Clock {
    let t0 = Instant::now();
    Box::new(move || t0.elapsed().as_secs_f64())
}

fn simpson(f: &PowerFn, a: f64, b: f64) -> f64 {
    let h = (b - a) / SIMPSON_STEPS as f64;
    let inner: f64 = (1..SIMPSON_STEPS).map(|i| f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 }).sum();
    h / 3.0 * (f(a) + inner + f(b))
}

impl ScriptedMeter {
    /// A meter whose power is `power(t)` watts on `clock`; energy is the integral since construction.
    pub fn from_power_fn(power: PowerFn, clock: Clock) -> Self {
        let last_t = clock();
        ScriptedMeter {
            script: Script::Power { power, clock, last_t, total_j: 0.0 },
            scope: "scripted power".to_string(),
        }
    }

    /// A meter drawing a constant `watts` on `clock`: energy = watts × elapsed, exactly.
    pub fn constant(watts: f64, clock: Clock) -> Self {
        Self::from_power_fn(Box::new(move |_| watts), clock).with_scope(format!("scripted constant {watts} W"))
    }

    /// A meter returning the given cumulative joules one per `energy_j` call, then an error.
    pub fn from_readings(readings: Vec<f64>) -> Self {
        ScriptedMeter {
            script: Script::Readings { readings: readings.into(), served: 0 },
            scope: "scripted readings".to_string(),
        }
    }

    /// Replaces the scope text.
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }
}

impl EnergyMeter for ScriptedMeter {
    fn method(&self) -> EnergyMethod {
        EnergyMethod::Scripted
    }

    fn scope(&self) -> String {
        self.scope.clone()
    }

    fn energy_j(&mut self) -> Result<Option<f64>, MeterError> {
        match &mut self.script {
            Script::Power { power, clock, last_t, total_j } => {
                let now = clock();
                if now > *last_t {
                    *total_j += simpson(power, *last_t, now);
                    *last_t = now;
                }
                Ok(Some(*total_j))
            }
            Script::Readings { readings, served } => match readings.pop_front() {
                Some(j) => {
                    *served += 1;
                    Ok(Some(j))
                }
                None => Err(MeterError::ScriptExhausted(*served)),
            },
        }
    }

    fn power_w(&mut self) -> Result<Option<f64>, MeterError> {
        match &self.script {
            Script::Power { power, clock, .. } => Ok(Some(power(clock()))),
            Script::Readings { .. } => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn fake_clock() -> (Arc<Mutex<f64>>, Clock) {
        let t = Arc::new(Mutex::new(0.0));
        let t2 = Arc::clone(&t);
        (t, Box::new(move || *t2.lock().unwrap()))
    }

    #[test]
    fn constant_power_integrates_exactly() {
        let (t, clock) = fake_clock();
        let mut m = ScriptedMeter::constant(250.0, clock);
        assert_eq!(m.method(), EnergyMethod::Scripted);
        assert_eq!(m.energy_j().unwrap(), Some(0.0));
        *t.lock().unwrap() = 2.0;
        assert_eq!(m.energy_j().unwrap(), Some(500.0));
        assert_eq!(m.power_w().unwrap(), Some(250.0));
        *t.lock().unwrap() = 3.0;
        assert_eq!(m.energy_j().unwrap(), Some(750.0));
    }

    #[test]
    fn ramp_and_quadratic_power_integrate_exactly() {
        let (t, clock) = fake_clock();
        let mut m = ScriptedMeter::from_power_fn(Box::new(|t| 10.0 * t + 3.0 * t * t), clock);
        *t.lock().unwrap() = 1.5;
        m.energy_j().unwrap();
        *t.lock().unwrap() = 4.0;
        // ∫0..4 (10t + 3t²) dt = 80 + 64 = 144 J
        let e = m.energy_j().unwrap().unwrap();
        assert!((e - 144.0).abs() < 1e-9, "{e}");
    }

    #[test]
    fn readings_are_returned_in_order_then_exhausted() {
        let mut m = ScriptedMeter::from_readings(vec![1.0, 2.5]).with_scope("x");
        assert_eq!(m.scope(), "x");
        assert_eq!(m.energy_j().unwrap(), Some(1.0));
        assert_eq!(m.energy_j().unwrap(), Some(2.5));
        assert_eq!(m.power_w().unwrap(), None);
        assert!(matches!(m.energy_j(), Err(MeterError::ScriptExhausted(2))));
    }

    #[test]
    fn wall_clock_advances() {
        let c = wall_clock();
        let a = c();
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(c() > a);
    }
}
