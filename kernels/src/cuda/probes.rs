//! GPU roofline probes: peak FMA rates (fp32, half2, tensor-core mma.sync)
//! and memory bandwidth (copy, triad), timed with CUDA events.

use std::time::{Duration, Instant};

use cudarc::driver::sys::CUevent_flags;
use cudarc::driver::{CudaFunction, CudaSlice, LaunchConfig, PushKernelArg};

use super::{CudaDeviceHandle, CudaError, PROBES_CU};

/// Threads per block for every probe.
const BLOCK: u32 = 256;
/// Resident blocks per SM (8 × 256 = 2048 threads, a full SM on Hopper).
const BLOCKS_PER_SM: u32 = 8;
/// Wanted duration of one compute launch, in seconds.
const LAUNCH_SECONDS: f64 = 0.075;
/// Kernel names as loaded from `cuda/probes.cu`.
#[cfg(test)]
pub(crate) const KERNELS: [&str; 5] = [FMA_FP32, FMA_FP16X2, MMA_F16, COPY, TRIAD];
const FMA_FP32: &str = "fma_fp32";
const FMA_FP16X2: &str = "fma_fp16x2";
const MMA_F16: &str = "mma_f16";
const COPY: &str = "copy";
const TRIAD: &str = "triad";

/// One probe's measured rate.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeResult {
    /// Probe name, e.g. `fma_fp32` or `triad`.
    pub name: String,
    /// Measured rate in `unit`.
    pub rate: f64,
    /// `"FLOP/s"` or `"B/s"`.
    pub unit: &'static str,
    /// GPU time the rate was measured over, in seconds.
    pub seconds: f64,
}

/// One kernel launch, enqueued on the device's stream.
type Launch<'l> = dyn FnMut() -> Result<(), CudaError> + 'l;

/// Times `reps` calls of `launch` on the device's stream with CUDA events.
fn timed(dev: &CudaDeviceHandle, reps: u64, launch: &mut Launch<'_>) -> Result<f64, CudaError> {
    // new_event(None) would create the event with timing disabled.
    let start = dev.ctx.new_event(Some(CUevent_flags::CU_EVENT_DEFAULT))?;
    let end = dev.ctx.new_event(Some(CUevent_flags::CU_EVENT_DEFAULT))?;
    start.record(&dev.stream)?;
    for _ in 0..reps {
        launch()?;
    }
    end.record(&dev.stream)?;
    let ms = start.elapsed_ms(&end)?; // waits for both events
    Ok(f64::from(ms.max(1e-3)) / 1e3)
}

/// A compute-bound probe kernel `(out, iters)` over a full grid.
struct Compute<'a> {
    dev: &'a CudaDeviceHandle,
    f: CudaFunction,
    out: CudaSlice<f32>,
    cfg: LaunchConfig,
    /// FLOP per thread per loop iteration.
    flop_per_iter: f64,
}

impl<'a> Compute<'a> {
    /// `per_thread`: 32-bit outputs per thread; `flop_per_iter`: FLOP per thread and iteration.
    fn new(dev: &'a CudaDeviceHandle, kernel: &str, per_thread: usize, flop_per_iter: f64) -> Result<Self, CudaError> {
        let f = dev.module("probes.cu", PROBES_CU)?.load_function(kernel)?;
        let blocks = dev.sms * BLOCKS_PER_SM;
        let out = dev.stream.alloc_zeros::<f32>(blocks as usize * BLOCK as usize * per_thread)?;
        let cfg = LaunchConfig { grid_dim: (blocks, 1, 1), block_dim: (BLOCK, 1, 1), shared_mem_bytes: 0 };
        Ok(Self { dev, f, out, cfg, flop_per_iter })
    }

    fn flop(&self, iters: i32) -> f64 {
        f64::from(self.cfg.grid_dim.0) * f64::from(BLOCK) * self.flop_per_iter * f64::from(iters)
    }

    fn launch(&mut self, iters: i32) -> Result<(), CudaError> {
        let mut b = self.dev.stream.launch_builder(&self.f);
        b.arg(&mut self.out).arg(&iters);
        // SAFETY: the kernel takes (float* or __half2-bits*, int) and writes
        // `per_thread` 32-bit values per thread, which `out` holds.
        unsafe { b.launch(self.cfg) }?;
        Ok(())
    }

    fn time(&mut self, iters: i32, reps: u64) -> Result<f64, CudaError> {
        let dev = self.dev;
        timed(dev, reps, &mut || self.launch(iters))
    }

    /// Warm-up plus sizing: returns (iters, seconds per launch) with one
    /// launch taking about [`LAUNCH_SECONDS`].
    fn calibrate(&mut self) -> Result<(i32, f64), CudaError> {
        const MAX_ITERS: f64 = (i32::MAX / 2) as f64;
        let mut iters = 256i32;
        let mut t = self.time(iters, 1)?;
        while t < 0.02 && f64::from(iters) < MAX_ITERS {
            let grow = (0.03 / t).clamp(2.0, 64.0);
            iters = (f64::from(iters) * grow).min(MAX_ITERS) as i32;
            t = self.time(iters, 1)?;
        }
        let scaled = (f64::from(iters) * LAUNCH_SECONDS / t).clamp(1.0, MAX_ITERS) as i32;
        let t = self.time(scaled, 1)?;
        Ok((scaled, t))
    }

    /// Calibrates, then times enough launches to cover `target_seconds` (at least 3).
    fn measure(mut self, name: &str, target_seconds: f64) -> Result<ProbeResult, CudaError> {
        let (iters, t) = self.calibrate()?;
        let reps = reps_for(target_seconds, t, 3);
        let seconds = self.time(iters, reps)?;
        let rate = self.flop(iters) * reps as f64 / seconds;
        Ok(ProbeResult { name: name.into(), rate, unit: "FLOP/s", seconds })
    }
}

/// Launches needed to cover `seconds` at `per_launch` seconds each, at least `min`.
fn reps_for(seconds: f64, per_launch: f64, min: u64) -> u64 {
    // `as` saturates: NaN becomes 0 and infinity u64::MAX before the clamp.
    ((seconds.max(0.0) / per_launch.max(1e-6)).ceil() as u64).clamp(min, 1_000_000)
}

/// Peak fp32 FMA rate: 8 independent `fmaf` chains per thread.
pub fn probe_fma_fp32(dev: &CudaDeviceHandle, target_seconds: f64) -> Result<ProbeResult, CudaError> {
    Compute::new(dev, FMA_FP32, 1, 2.0 * 8.0)?.measure(FMA_FP32, target_seconds)
}

/// Peak fp16 FMA rate on packed half2 (`fma.rn.f16x2`, i.e. `__hfma2`).
pub fn probe_fma_fp16(dev: &CudaDeviceHandle, target_seconds: f64) -> Result<ProbeResult, CudaError> {
    Compute::new(dev, FMA_FP16X2, 1, 2.0 * 2.0 * 8.0)?.measure(FMA_FP16X2, target_seconds)
}

/// Tensor-core fp16 rate (fp32 accumulate) through warp-level
/// `mma.sync.m16n8k16`; [`CudaError::Unsupported`] below compute capability 8.0.
pub fn probe_tensor_f16(dev: &CudaDeviceHandle, target_seconds: f64) -> Result<ProbeResult, CudaError> {
    let (major, minor) = dev.compute_capability();
    if major < 8 {
        return Err(CudaError::Unsupported(format!(
            "mma.sync m16n8k16 needs compute capability 8.0, device has {major}.{minor}"
        )));
    }
    // Per warp and iteration: 4 mma of 2*16*8*16 FLOP, spread over 32 threads.
    let per_thread = 4.0 * 2.0 * 16.0 * 8.0 * 16.0 / 32.0;
    Compute::new(dev, MMA_F16, 16, per_thread)?.measure(MMA_F16, target_seconds)
}

/// Times `kernel` (copy or triad) over arrays of `bytes` each.
fn bandwidth(dev: &CudaDeviceHandle, kernel: &str, bytes: usize, target: f64) -> Result<ProbeResult, CudaError> {
    let n = bytes / 16;
    if n == 0 {
        return Err(CudaError::Shape(format!("{kernel}: {bytes} bytes is less than one float4")));
    }
    let f = dev.module("probes.cu", PROBES_CU)?.load_function(kernel)?;
    let a = dev.stream.alloc_zeros::<f32>(4 * n)?;
    let mut b = dev.stream.alloc_zeros::<f32>(4 * n)?;
    let mut c = if kernel == TRIAD { Some(dev.stream.alloc_zeros::<f32>(4 * n)?) } else { None };
    let cfg = LaunchConfig { grid_dim: (dev.sms * BLOCKS_PER_SM, 1, 1), block_dim: (BLOCK, 1, 1), shared_mem_bytes: 0 };
    let (n64, s) = (n as u64, 3.0f32);
    let mut launch = || -> Result<(), CudaError> {
        let mut l = dev.stream.launch_builder(&f);
        match c.as_mut() {
            // triad(float4* a, const float4* b, const float4* c, float s, size_t n): writes `c` here.
            Some(out) => l.arg(out).arg(&a).arg(&b).arg(&s).arg(&n64),
            // copy(const float4* a, float4* b, size_t n)
            None => l.arg(&a).arg(&mut b).arg(&n64),
        };
        // SAFETY: every buffer holds n float4 values; argument types match the kernels.
        unsafe { l.launch(cfg) }?;
        Ok(())
    };
    let t = timed(dev, 1, &mut launch)?; // warm-up and sizing
    let reps = reps_for(target, t, 3);
    let seconds = timed(dev, reps, &mut launch)?;
    let moved = if kernel == TRIAD { 3.0 } else { 2.0 } * 16.0 * n as f64;
    Ok(ProbeResult { name: kernel.into(), rate: moved * reps as f64 / seconds, unit: "B/s", seconds })
}

/// Device memory bandwidth of a float4 copy between two `bytes`-sized arrays.
pub fn probe_copy(dev: &CudaDeviceHandle, bytes: usize, target_seconds: f64) -> Result<ProbeResult, CudaError> {
    bandwidth(dev, COPY, bytes, target_seconds)
}

/// Device memory bandwidth of a STREAM triad over three `bytes`-sized arrays.
pub fn probe_triad(dev: &CudaDeviceHandle, bytes: usize, target_seconds: f64) -> Result<ProbeResult, CudaError> {
    bandwidth(dev, TRIAD, bytes, target_seconds)
}

/// Runs the fp32 FMA probe repeatedly for about `seconds` of wall-clock time
/// (for measuring power under load); the rate is averaged over the whole run.
pub fn sustain_fma_fp32(dev: &CudaDeviceHandle, seconds: f64) -> Result<ProbeResult, CudaError> {
    let mut probe = Compute::new(dev, FMA_FP32, 1, 2.0 * 8.0)?;
    let (iters, t) = probe.calibrate()?;
    let wall = Instant::now();
    let until = Duration::from_secs_f64(seconds.clamp(0.0, 1e6));
    let (mut gpu, mut flop) = (0.0, 0.0);
    loop {
        // Chunks of about half a second keep the queue short and the stop on time.
        let left = until.saturating_sub(wall.elapsed()).as_secs_f64();
        let reps = reps_for(left.min(0.5), t, 1);
        gpu += probe.time(iters, reps)?;
        flop += probe.flop(iters) * reps as f64;
        if wall.elapsed() >= until {
            break;
        }
    }
    Ok(ProbeResult { name: "sustain_fma_fp32".into(), rate: flop / gpu, unit: "FLOP/s", seconds: gpu })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_counts_cover_the_target() {
        assert_eq!(reps_for(1.0, 0.1, 3), 10);
        assert_eq!(reps_for(0.0, 0.1, 3), 3);
        assert_eq!(reps_for(f64::NAN, 0.1, 2), 2);
    }

    #[test]
    fn every_probe_returns_a_positive_finite_rate() {
        let dev = match CudaDeviceHandle::open(0) {
            Ok(dev) => dev,
            Err(CudaError::NoDevice(why) | CudaError::NoNvrtc(why)) => {
                eprintln!("SKIPPED (no CUDA device): {why}");
                return;
            }
            Err(e) => panic!("opening device 0: {e}"),
        };
        let mut results = vec![probe_fma_fp32(&dev, 0.2), probe_fma_fp16(&dev, 0.2)];
        match probe_tensor_f16(&dev, 0.2) {
            Err(CudaError::Unsupported(why)) if dev.compute_capability().0 < 8 => eprintln!("tensor probe: {why}"),
            other => results.push(other),
        }
        results.push(probe_copy(&dev, 256 << 20, 0.2));
        results.push(probe_triad(&dev, 256 << 20, 0.2));
        results.push(sustain_fma_fp32(&dev, 0.5));
        for r in results {
            let r = r.unwrap_or_else(|e| panic!("probe failed: {e}"));
            eprintln!("{}: {:.3e} {} over {:.3} s", r.name, r.rate, r.unit, r.seconds);
            assert!(r.rate.is_finite() && r.rate > 0.0, "{r:?}");
            assert!(r.seconds > 0.0, "{r:?}");
        }
    }
}
