//! Where a run stands against its device's roofline.

use serde::{Deserialize, Serialize};

use super::Calibration;

/// A run placed on its device's roofline.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Roofline {
    /// The calibration file used.
    pub calibration: String,
    /// When the device was calibrated.
    pub calibrated_at: String,
    /// Peak compute for the run's precision, FLOP/s.
    pub peak_flops: f64,
    /// Peak memory bandwidth, B/s.
    pub peak_bytes_per_s: f64,
    /// Compute achieved, FLOP/s.
    pub achieved_flops: f64,
    /// Compulsory memory traffic achieved, B/s (inputs and outputs per sample, weights once per query).
    pub achieved_bytes_per_s: f64,
    /// achieved_flops / peak_flops.
    pub compute_fraction: f64,
    /// achieved_bytes_per_s / peak_bytes_per_s.
    pub memory_fraction: f64,
    /// FLOPs per byte of compulsory traffic; `None` where the run moved no
    /// bytes (a workload without inputs, outputs or weights: the ratio is
    /// undefined, and JSON has no infinity to write it as).
    pub arithmetic_intensity: Option<f64>,
    /// The bound at this intensity: `compute` or `memory`.
    pub bound: String,
    /// The attainable rate at this intensity, FLOP/s (min of peak and intensity x bandwidth).
    pub attainable_flops: f64,
    /// achieved_flops / attainable_flops.
    pub roofline_fraction: f64,
}

/// Places a run with the given rates on `cal`'s roofline.
pub fn roofline(cal: &Calibration, file: &str, half_precision: bool, flops_per_s: f64, bytes_per_s: f64) -> Roofline {
    let peak_flops = if half_precision { cal.peak_flops_f16.unwrap_or(cal.peak_flops_f32) } else { cal.peak_flops_f32 };
    let intensity = (bytes_per_s > 0.0).then(|| flops_per_s / bytes_per_s);
    // Without traffic the memory roof does not bind.
    let memory_roof = intensity.map_or(f64::INFINITY, |i| i * cal.peak_bytes_per_s);
    let (attainable, bound) = if memory_roof < peak_flops { (memory_roof, "memory") } else { (peak_flops, "compute") };
    let frac = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    Roofline {
        calibration: file.into(),
        calibrated_at: cal.measured_at.clone(),
        peak_flops,
        peak_bytes_per_s: cal.peak_bytes_per_s,
        achieved_flops: flops_per_s,
        achieved_bytes_per_s: bytes_per_s,
        compute_fraction: frac(flops_per_s, peak_flops),
        memory_fraction: frac(bytes_per_s, cal.peak_bytes_per_s),
        arithmetic_intensity: intensity,
        bound: bound.into(),
        attainable_flops: attainable,
        roofline_fraction: frac(flops_per_s, attainable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> Calibration {
        Calibration {
            device_id: "x".into(),
            device_name: "x".into(),
            measured_at: "t".into(),
            wattbench_version: "0".into(),
            probes: vec![],
            peak_flops_f32: 100e9,
            peak_flops_f16: Some(400e9),
            peak_bytes_per_s: 10e9,
            idle_w: None,
            counter_period_s: None,
            load_power_w: None,
        }
    }

    #[test]
    fn low_intensity_is_memory_bound() {
        // 1 FLOP per byte: the memory roof is 10 GFLOP/s, below the 100 GFLOP/s peak.
        let r = roofline(&cal(), "c.json", false, 5e9, 5e9);
        assert_eq!(r.bound, "memory");
        assert!((r.attainable_flops - 10e9).abs() < 1.0 && (r.roofline_fraction - 0.5).abs() < 1e-12);
        assert!((r.compute_fraction - 0.05).abs() < 1e-12 && (r.memory_fraction - 0.5).abs() < 1e-12);
    }

    #[test]
    fn a_run_without_traffic_is_compute_bound_and_writes_readable_json() {
        // The no-op workload moves no bytes and does no FLOPs.
        let r = roofline(&cal(), "c.json", false, 0.0, 0.0);
        assert_eq!((r.arithmetic_intensity, r.bound.as_str(), r.roofline_fraction), (None, "compute", 0.0));
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Roofline>(&json).unwrap(), r);
        let r = roofline(&cal(), "c.json", false, 1e9, 0.0);
        assert_eq!((r.arithmetic_intensity, r.attainable_flops), (None, 100e9));
        assert_eq!(serde_json::from_str::<Roofline>(&serde_json::to_string(&r).unwrap()).unwrap(), r);
    }

    #[test]
    fn high_intensity_is_compute_bound_and_half_precision_uses_its_peak() {
        let r = roofline(&cal(), "c.json", true, 200e9, 1e9);
        assert_eq!(r.bound, "compute");
        assert!((r.roofline_fraction - 0.5).abs() < 1e-12);
    }
}
