//! The arithmetic of one measured window: joules, J/inference, idle subtraction, trace cross-check.

use serde::{Deserialize, Serialize};

use crate::energy::meter::{EnergyMethod, PartReading, ReadDetail, RemoteRead};
use crate::energy::power_sampler::PowerTrace;

/// Most points kept in [`EnergyReport::power_trace_w`].
pub const MAX_TRACE_POINTS: usize = 200;

/// Raw results of one benchmark window, as read from a meter.
#[derive(Clone, Debug)]
pub struct WindowMeasurement {
    /// How `gross_j` was measured.
    pub method: EnergyMethod,
    /// What was measured (meter scope).
    pub scope: String,
    /// Window length in seconds.
    pub window_s: f64,
    /// Counter energy over the window (end − start reading); None when unmeasured.
    pub gross_j: Option<f64>,
    /// Idle power baseline in watts measured by the same meter, if any.
    pub idle_w: Option<f64>,
    /// Inferences completed in the window.
    pub inferences: u64,
    /// Optional power-sample trace over the window (cross-check only).
    pub trace: Option<PowerTrace>,
    /// Each summed part's energy and the remote reads' timing.
    pub edges: MeterEdges,
}

/// What the meter said at a window's two edges beyond the summed figure.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeterEdges {
    /// Each summed part's joules over the window (a meter of several counters).
    pub parts: Vec<PartReading>,
    /// The timing of the opening and closing reads of a remote meter.
    pub remote_reads: Vec<RemoteRead>,
}

impl MeterEdges {
    /// The parts' energy between the `opening` and `closing` reads, and both reads' timing.
    pub fn between(opening: &ReadDetail, closing: &ReadDetail) -> MeterEdges {
        let parts = if opening.parts.len() == closing.parts.len() {
            opening
                .parts
                .iter()
                .zip(&closing.parts)
                .map(|(a, b)| PartReading { scope: b.scope.clone(), joules: b.joules - a.joules })
                .collect()
        } else {
            Vec::new()
        };
        MeterEdges { parts, remote_reads: opening.remote.iter().chain(closing.remote.iter()).copied().collect() }
    }
}

/// The serialisable energy result of one window; every figure carries `method`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct EnergyReport {
    /// How the figures were obtained.
    pub method: EnergyMethod,
    /// What was measured.
    pub scope: String,
    /// Window length in seconds.
    pub window_s: f64,
    /// Gross energy over the window in joules.
    pub joules: Option<f64>,
    /// Gross joules per inference (None with zero inferences).
    pub j_per_inference: Option<f64>,
    /// Gross joules / window seconds.
    pub avg_power_w: Option<f64>,
    /// Idle baseline power in watts.
    pub idle_w: Option<f64>,
    /// Gross − idle_w × window_s; may be negative within noise (kept, with a note).
    pub net_joules: Option<f64>,
    /// Net joules per inference.
    pub net_j_per_inference: Option<f64>,
    /// Trapezoid integral of the power trace (cross-check, never primary).
    pub trace_integrated_j: Option<f64>,
    /// (trace − counter) / counter.
    pub trace_gap_frac: Option<f64>,
    /// Third estimate: the plain mean of the power samples times the window (J).
    #[serde(default)]
    pub sampled_mean_power_j: Option<f64>,
    /// (sampled mean power × window − counter) / counter.
    #[serde(default)]
    pub sampled_mean_gap_frac: Option<f64>,
    /// Number of raw trace samples.
    pub trace_samples: usize,
    /// The trace decimated to at most 200 `[t_s, watts]` points.
    pub power_trace_w: Vec<[f64; 2]>,
    /// Caveats and reasons, e.g. why the window is unmeasured.
    pub note: Option<String>,
    /// 95% bootstrap interval of J/inference across trials (aggregates only).
    #[serde(default)]
    pub j_per_inference_ci95: Option<[f64; 2]>,
    /// 95% bootstrap interval of net J/inference across trials (aggregates only).
    #[serde(default)]
    pub net_j_per_inference_ci95: Option<[f64; 2]>,
    /// Where the uncertainty of these figures comes from (aggregates only).
    #[serde(default)]
    pub error_budget: Option<ErrorBudget>,
    /// Each summed counter's joules (a meter of several GPUs); `joules` is their sum.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PartReading>,
    /// Round-trip time and clock offset of the window's edge reads of a remote meter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remote_reads: Vec<RemoteRead>,
}

/// The sources of error of an energy figure, each as a fraction.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ErrorBudget {
    /// Measured update period of the energy counter, seconds.
    pub counter_period_s: Option<f64>,
    /// Counter quantisation of the shortest window: 2 × period / window.
    pub quantisation_frac: Option<f64>,
    /// Coefficient of variation of J/inference across trials.
    pub trial_cv: Option<f64>,
    /// Largest |trace − counter| / counter among the trials.
    pub trace_gap_frac: Option<f64>,
    /// Remote meter: the largest round-trip time of an edge read, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_rtt_max_s: Option<f64>,
    /// Remote meter: the smallest and largest clock offset (serving node minus client) of the reads, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_clock_offset_s: Option<[f64; 2]>,
    /// Remote meter: each counter was read somewhere inside its request's round
    /// trip, so a window's edges are uncertain by up to the two round trips:
    /// the largest (opening + closing RTT) / window among the trials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_edge_frac: Option<f64>,
}

fn per(j: Option<f64>, n: u64) -> Option<f64> {
    j.filter(|_| n > 0).map(|j| j / n as f64)
}

impl EnergyReport {
    /// Computes the report of one window; a missing gross figure or an unmeasured method yields unmeasured numbers.
    pub fn from_window(m: &WindowMeasurement) -> EnergyReport {
        let mut notes = Vec::new();
        let gross = match (m.method, m.gross_j) {
            (EnergyMethod::Unmeasured, _) => None,
            (_, None) => {
                notes.push(format!("{} meter gave no reading; energy unmeasured", m.method));
                None
            }
            (_, Some(j)) => Some(j),
        };
        if gross.is_none() {
            notes.push("no energy counter measured this window".to_string());
            let mut r = EnergyReport::unmeasured(&notes.join("; "), m.window_s);
            r.scope = m.scope.clone();
            return r;
        }
        let avg_power_w = gross.filter(|_| m.window_s > 0.0).map(|j| j / m.window_s);
        let net = match (gross, m.idle_w) {
            (Some(g), Some(idle)) => Some(g - idle * m.window_s),
            _ => None,
        };
        if let Some(n) = net.filter(|n| *n < 0.0) {
            notes.push(format!(
                "net energy is negative ({n:.3} J): idle baseline exceeds gross within noise; value kept, not clamped"
            ));
        }
        if m.inferences == 0 {
            notes.push("zero inferences in window; per-inference figures unavailable".to_string());
        }
        let trace_integrated_j = m.trace.as_ref().and_then(PowerTrace::integrated_j);
        let trace_gap_frac = match (trace_integrated_j, gross) {
            (Some(t), Some(g)) if g != 0.0 => Some((t - g) / g),
            _ => None,
        };
        let sampled_mean_power_j = m
            .trace
            .as_ref()
            .filter(|t| !t.samples.is_empty())
            .map(|t| t.samples.iter().map(|s| s.1).sum::<f64>() / t.samples.len() as f64 * m.window_s);
        let sampled_mean_gap_frac = match (sampled_mean_power_j, gross) {
            (Some(s), Some(g)) if g != 0.0 => Some((s - g) / g),
            _ => None,
        };
        let (trace_samples, power_trace_w) = match &m.trace {
            Some(t) => (t.samples.len(), t.decimate(MAX_TRACE_POINTS).into_iter().map(|(s, w)| [s, w]).collect()),
            None => (0, Vec::new()),
        };
        EnergyReport {
            method: m.method,
            scope: m.scope.clone(),
            window_s: m.window_s,
            joules: gross,
            j_per_inference: per(gross, m.inferences),
            avg_power_w,
            idle_w: m.idle_w,
            net_joules: net,
            net_j_per_inference: per(net, m.inferences),
            trace_integrated_j,
            trace_gap_frac,
            sampled_mean_power_j,
            sampled_mean_gap_frac,
            trace_samples,
            power_trace_w,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
            j_per_inference_ci95: None,
            net_j_per_inference_ci95: None,
            error_budget: None,
            parts: m.edges.parts.clone(),
            remote_reads: m.edges.remote_reads.clone(),
        }
    }

    /// An unmeasured report: every number None, `note` = `reason`.
    pub fn unmeasured(reason: &str, window_s: f64) -> EnergyReport {
        EnergyReport {
            method: EnergyMethod::Unmeasured,
            scope: "unmeasured".to_string(),
            window_s,
            joules: None,
            j_per_inference: None,
            avg_power_w: None,
            idle_w: None,
            net_joules: None,
            net_j_per_inference: None,
            trace_integrated_j: None,
            trace_gap_frac: None,
            sampled_mean_power_j: None,
            sampled_mean_gap_frac: None,
            trace_samples: 0,
            power_trace_w: Vec::new(),
            note: Some(reason.to_string()),
            j_per_inference_ci95: None,
            net_j_per_inference_ci95: None,
            error_budget: None,
            parts: Vec::new(),
            remote_reads: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy::meter::EnergyMeter;
    use crate::energy::scripted::ScriptedMeter;

    fn window(gross: Option<f64>, idle: Option<f64>, n: u64) -> WindowMeasurement {
        WindowMeasurement {
            method: EnergyMethod::Scripted,
            scope: "test".into(),
            window_s: 10.0,
            gross_j: gross,
            idle_w: idle,
            inferences: n,
            trace: None,
            edges: MeterEdges::default(),
        }
    }

    #[test]
    fn idle_subtraction_and_per_inference() {
        let mut m = ScriptedMeter::from_readings(vec![100.0, 3100.0]);
        let (a, b) = (m.energy_j().unwrap().unwrap(), m.energy_j().unwrap().unwrap());
        let r = EnergyReport::from_window(&window(Some(b - a), Some(50.0), 1000));
        assert_eq!(r.joules, Some(3000.0));
        assert_eq!(r.j_per_inference, Some(3.0));
        assert_eq!(r.avg_power_w, Some(300.0));
        assert_eq!(r.net_joules, Some(2500.0));
        assert_eq!(r.net_j_per_inference, Some(2.5));
        assert_eq!(r.method, EnergyMethod::Scripted);
        assert_eq!(r.note, None);
    }

    #[test]
    fn zero_inferences_gives_no_per_inference() {
        let r = EnergyReport::from_window(&window(Some(3000.0), None, 0));
        assert_eq!(r.joules, Some(3000.0));
        assert_eq!((r.j_per_inference, r.net_joules, r.net_j_per_inference), (None, None, None));
        assert!(r.note.unwrap().contains("zero inferences"));
    }

    #[test]
    fn negative_net_is_kept_with_a_note() {
        let r = EnergyReport::from_window(&window(Some(490.0), Some(50.0), 10));
        assert_eq!(r.net_joules, Some(-10.0));
        assert_eq!(r.net_j_per_inference, Some(-1.0));
        assert!(r.note.unwrap().contains("negative"));
    }

    #[test]
    fn unmeasured_serialises_nulls() {
        let v = serde_json::to_value(EnergyReport::unmeasured("no GPU, RAPL root-only", 12.0)).unwrap();
        assert_eq!(v["method"], "unmeasured");
        for k in ["joules", "j_per_inference", "avg_power_w", "idle_w", "net_joules", "trace_gap_frac"] {
            assert!(v[k].is_null(), "{k}");
        }
        assert_eq!(v["note"], "no GPU, RAPL root-only");
        let back: EnergyReport = serde_json::from_value(v).unwrap();
        assert_eq!(back.joules, None);
    }

    #[test]
    fn missing_gross_becomes_unmeasured() {
        let r = EnergyReport::from_window(&window(None, Some(50.0), 10));
        assert_eq!(r.method, EnergyMethod::Unmeasured);
        assert_eq!((r.joules, r.idle_w, r.net_joules), (None, None, None));
        assert!(r.note.unwrap().contains("scripted meter gave no reading"));
    }

    #[test]
    fn trace_cross_check_and_decimation() {
        let mut w = window(Some(1000.0), None, 1);
        w.trace = Some(PowerTrace { samples: (0..=1000).map(|i| (i as f64 * 0.01, 110.0)).collect() });
        let r = EnergyReport::from_window(&w);
        assert!((r.trace_integrated_j.unwrap() - 1100.0).abs() < 1e-6);
        assert!((r.trace_gap_frac.unwrap() - 0.1).abs() < 1e-9);
        assert_eq!(r.trace_samples, 1001);
        assert!(r.power_trace_w.len() <= MAX_TRACE_POINTS);
    }
}
