//! `wattbench calibrate`: measures a device's physical limits once and
//! stores them with its identity, so that every later result on it reports
//! its fraction of the roofline.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::args::CalibrateArgs;
use crate::calibration::{calibration_dir, device_id, save_calibration, Calibration, ProbeRecord};
use crate::device::{cpu_info, ResolvedDevice, ResolvedDevices};
use crate::energy::{measure_idle, open_meter, EnergyMethod, MeterChoice};
use crate::table::Table;

fn record(name: &str, rate: f64, unit: &str, detail: String) -> ProbeRecord {
    ProbeRecord { name: name.into(), rate, unit: unit.into(), detail }
}

/// The CPU's probes.
fn cpu_probes(seconds: f64) -> Vec<ProbeRecord> {
    let d = Duration::from_secs_f64(seconds);
    let fma = wattbench_kernels::cpu_probes::fma_peak(d);
    let (copy, triad) = wattbench_kernels::cpu_probes::stream(d);
    vec![
        record(&fma.name, fma.rate, fma.unit, format!("{} threads, {}", fma.threads, fma.isa)),
        record(&copy.name, copy.rate, copy.unit, format!("{} threads", copy.threads)),
        record(&triad.name, triad.rate, triad.unit, format!("{} threads", triad.threads)),
    ]
}

/// The GPU's probes through NVRTC-compiled kernels.
fn gpu_probes(index: u32, seconds: f64) -> anyhow::Result<Vec<ProbeRecord>> {
    use wattbench_kernels::cuda::{self, CudaDeviceHandle};
    let dev = CudaDeviceHandle::open(index as usize).with_context(|| format!("cuda:{index}"))?;
    let (major, minor) = dev.compute_capability();
    let detail = format!("sm_{major}{minor}");
    let mut out = Vec::new();
    type ProbeFn = fn(&CudaDeviceHandle, f64) -> Result<cuda::ProbeResult, cuda::CudaError>;
    let probes: [(&str, ProbeFn); 5] = [
        ("cuda-fma-f32", cuda::probe_fma_fp32),
        ("cuda-fma-f16x2", cuda::probe_fma_fp16),
        ("cuda-mma-f16", cuda::probe_tensor_f16),
        ("cuda-copy", |d, s| cuda::probe_copy(d, 1 << 30, s)),
        ("cuda-triad", |d, s| cuda::probe_triad(d, 1 << 30, s)),
    ];
    for (name, probe) in probes {
        match probe(&dev, seconds) {
            Ok(p) => out.push(record(name, p.rate, p.unit, detail.clone())),
            Err(cuda::CudaError::Unsupported(why)) => eprintln!("{name}: skipped ({why})"),
            Err(e) => return Err(anyhow::anyhow!("{name}: {e}")),
        }
    }
    Ok(out)
}

fn best(probes: &[ProbeRecord], names: &[&str]) -> Option<f64> {
    probes
        .iter()
        .filter(|p| names.contains(&p.name.as_str()))
        .map(|p| p.rate)
        .fold(None, |m, r| Some(m.map_or(r, |m: f64| m.max(r))))
}

/// Measures and stores the calibration of the chosen device.
pub fn calibrate(args: CalibrateArgs) -> anyhow::Result<ExitCode> {
    if !(args.seconds.is_finite() && (0.05..=600.0).contains(&args.seconds)) {
        anyhow::bail!("--seconds must be from 0.05 to 600");
    }
    let devices = ResolvedDevices::resolve([args.device]).map_err(anyhow::Error::msg)?;
    for n in &devices.notices {
        eprintln!("notice: {n}");
    }
    let target = devices.get(args.device);
    let (device, gpu) = (target.device, target.gpu());
    let cpu = cpu_info();
    let mut meter = open_meter(&MeterChoice::Real, &target, &cpu);
    let idle = if meter.method() == EnergyMethod::Unmeasured {
        eprintln!("energy unmeasured on {device}: {}", meter.scope());
        None
    } else {
        measure_idle(meter.as_mut(), Duration::from_secs_f64(args.idle_s.max(0.5)))?
    };
    // Power under load: the meter's window spans a sustained f32 multiply-add run alone.
    let e0 = meter.energy_j()?;
    let t0 = Instant::now();
    match device {
        ResolvedDevice::Cpu => drop(wattbench_kernels::cpu_probes::fma_peak(Duration::from_secs_f64(args.seconds))),
        ResolvedDevice::Cuda(i) => {
            let dev =
                wattbench_kernels::cuda::CudaDeviceHandle::open(i as usize).with_context(|| format!("cuda:{i}"))?;
            wattbench_kernels::cuda::sustain_fma_fp32(&dev, args.seconds)
                .with_context(|| format!("cuda:{i}: sustained load"))?;
        }
    }
    let load_power_w = match (e0, meter.energy_j()?) {
        (Some(a), Some(b)) => Some((b - a) / t0.elapsed().as_secs_f64()),
        _ => None,
    };
    let probes = match device {
        ResolvedDevice::Cpu => cpu_probes(args.seconds),
        ResolvedDevice::Cuda(i) => gpu_probes(i, args.seconds)?,
    };
    let peak_flops_f32 = best(&probes, &["cpu-fma-f32", "cuda-fma-f32"]).unwrap_or(0.0);
    let cal = Calibration {
        device_id: device_id(device, gpu, &cpu),
        device_name: gpu.map(|g| g.name.clone()).unwrap_or_else(|| cpu.model.clone()),
        measured_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        wattbench_version: env!("CARGO_PKG_VERSION").into(),
        peak_flops_f32,
        peak_flops_f16: best(&probes, &["cuda-fma-f16x2", "cuda-mma-f16"]),
        peak_bytes_per_s: best(&probes, &["cpu-copy", "cpu-triad", "cuda-copy", "cuda-triad"]).unwrap_or(0.0),
        idle_w: idle.as_ref().map(|i| i.idle_w),
        counter_period_s: idle.as_ref().and_then(|i| i.counter_period_s),
        load_power_w,
        probes,
    };
    let dir = args.out.clone().unwrap_or_else(calibration_dir);
    let path = save_calibration(&dir, &cal).with_context(|| format!("cannot write into {}", dir.display()))?;
    let mut t = Table::new(&["probe", "rate", "unit", "detail"]);
    for p in &cal.probes {
        t.row(vec![p.name.clone(), format!("{:.4e}", p.rate), p.unit.clone(), p.detail.clone()]);
    }
    let watts = |w: Option<f64>| w.map(|w| format!("{w:.1} W")).unwrap_or_else(|| "unmeasured".into());
    let text = format!(
        "{}idle {}, under load {}, counter period {}\n",
        t.render(),
        watts(cal.idle_w),
        watts(cal.load_power_w),
        cal.counter_period_s.map(|p| format!("{:.1} ms", p * 1e3)).unwrap_or_else(|| "unmeasured".into())
    );
    super::emit(&text)?;
    eprintln!("wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}
