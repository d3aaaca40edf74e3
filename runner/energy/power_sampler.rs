//! Background power sampling into a [`PowerTrace`] (a trace and cross-check, never the primary figure).

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Power samples `(seconds since start, watts)` in time order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PowerTrace {
    /// The samples, `(t_s, watts)`, with increasing `t_s`.
    pub samples: Vec<(f64, f64)>,
}

impl PowerTrace {
    /// Trapezoid integral of power over time in joules; None with fewer than two samples.
    pub fn integrated_j(&self) -> Option<f64> {
        if self.samples.len() < 2 {
            return None;
        }
        Some(self.samples.windows(2).map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0).sum())
    }

    /// Time-weighted mean power (integral / span); the plain mean when the span is zero; None when empty.
    pub fn mean_w(&self) -> Option<f64> {
        let first = self.samples.first()?;
        let last = self.samples.last()?;
        let span = last.0 - first.0;
        match self.integrated_j() {
            Some(j) if span > 0.0 => Some(j / span),
            _ => Some(self.samples.iter().map(|s| s.1).sum::<f64>() / self.samples.len() as f64),
        }
    }

    /// At most `max_points` points: the samples themselves if few enough, else means of contiguous buckets.
    pub fn decimate(&self, max_points: usize) -> Vec<(f64, f64)> {
        let n = self.samples.len();
        if n <= max_points {
            return self.samples.clone();
        }
        if max_points == 0 {
            return Vec::new();
        }
        (0..max_points)
            .map(|b| {
                let bucket = &self.samples[b * n / max_points..(b + 1) * n / max_points];
                let k = bucket.len() as f64;
                (bucket.iter().map(|s| s.0).sum::<f64>() / k, bucket.iter().map(|s| s.1).sum::<f64>() / k)
            })
            .collect()
    }
}

/// A sampling thread that calls a power source every `interval` until stopped.
pub struct PowerSampler {
    stop_tx: Sender<()>,
    handle: Option<JoinHandle<Vec<(f64, f64)>>>,
}

impl PowerSampler {
    /// Starts sampling `source` (watts, None = no sample) now and every `interval`; one last sample is taken at stop.
    pub fn start(mut source: Box<dyn FnMut() -> Option<f64> + Send>, interval: Duration) -> PowerSampler {
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let handle = std::thread::spawn(move || {
            let start = Instant::now();
            let mut samples = Vec::new();
            loop {
                if let Some(w) = source() {
                    samples.push((start.elapsed().as_secs_f64(), w));
                }
                match stop_rx.recv_timeout(interval) {
                    Err(RecvTimeoutError::Timeout) => continue,
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            if let Some(w) = source() {
                samples.push((start.elapsed().as_secs_f64(), w));
            }
            samples
        });
        PowerSampler { stop_tx, handle: Some(handle) }
    }

    /// Stops sampling promptly and returns the trace (empty if the source panicked).
    pub fn stop(mut self) -> PowerTrace {
        let _ = self.stop_tx.send(());
        let samples = self.handle.take().and_then(|h| h.join().ok()).unwrap_or_default();
        PowerTrace { samples }
    }
}

impl Drop for PowerSampler {
    fn drop(&mut self) {
        let _ = self.stop_tx.send(());
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrates_constant_and_ramp() {
        let constant = PowerTrace { samples: (0..=10).map(|i| (i as f64 * 0.5, 100.0)).collect() };
        assert!((constant.integrated_j().unwrap() - 500.0).abs() < 1e-9);
        assert!((constant.mean_w().unwrap() - 100.0).abs() < 1e-9);
        // P = 10 t over [0, 4]: integral 80 J, exact for trapezoids.
        let ramp = PowerTrace { samples: (0..=8).map(|i| (i as f64 * 0.5, 5.0 * i as f64)).collect() };
        assert!((ramp.integrated_j().unwrap() - 80.0).abs() < 1e-9);
        assert!((ramp.mean_w().unwrap() - 20.0).abs() < 1e-9);
    }

    #[test]
    fn short_traces() {
        assert_eq!(PowerTrace::default().integrated_j(), None);
        assert_eq!(PowerTrace::default().mean_w(), None);
        let one = PowerTrace { samples: vec![(0.0, 42.0)] };
        assert_eq!(one.integrated_j(), None);
        assert_eq!(one.mean_w(), Some(42.0));
    }

    #[test]
    fn decimates_to_at_most_max_points() {
        let t = PowerTrace { samples: (0..1000).map(|i| (i as f64, 2.0 * i as f64)).collect() };
        let d = t.decimate(200);
        assert_eq!(d.len(), 200);
        assert_eq!(d[0], (2.0, 4.0));
        assert!(d.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(t.decimate(5000).len(), 1000);
        assert!(t.decimate(0).is_empty());
    }

    #[test]
    fn sampler_starts_and_stops_promptly() {
        let mut n = 0.0;
        let source = Box::new(move || {
            n += 1.0;
            Some(n)
        });
        let t0 = Instant::now();
        let sampler = PowerSampler::start(source, Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(20));
        let trace = sampler.stop();
        assert!(t0.elapsed() < Duration::from_millis(100), "{:?}", t0.elapsed());
        assert_eq!(trace.samples.iter().map(|s| s.1).collect::<Vec<_>>(), vec![1.0, 2.0]);
    }

    #[test]
    fn sampler_collects_many_samples_and_skips_none() {
        let mut give = false;
        let source = Box::new(move || {
            give = !give;
            give.then_some(50.0)
        });
        let sampler = PowerSampler::start(source, Duration::from_millis(1));
        std::thread::sleep(Duration::from_millis(50));
        let trace = sampler.stop();
        assert!(trace.samples.len() >= 5, "{}", trace.samples.len());
        assert!(trace.samples.windows(2).all(|w| w[0].0 <= w[1].0));
        assert!(trace.samples.iter().all(|s| s.1 == 50.0));
    }
}
