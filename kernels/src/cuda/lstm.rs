//! The fused single-layer LSTM forecaster on the GPU (`cuda/lstm_fused.cu`):
//! the whole sequence and the linear head in one launch, one block per sample.

use std::sync::Arc;

use cudarc::driver::{CudaFunction, CudaSlice, CudaStream, LaunchConfig, PushKernelArg};

use super::{CudaDeviceHandle, CudaError, LSTM_CU};
use crate::lstm::{LstmWeights, GATES};

/// Kernel for hidden ≤ 64 (w_hh rows in registers), as named in `lstm_fused.cu`.
pub(crate) const KERNEL: &str = "lstm_forecast";
/// Kernel for 64 < hidden ≤ 256 (w_hh rows through the read-only cache).
pub(crate) const KERNEL_WIDE: &str = "lstm_forecast_wide";
/// Largest hidden size the kernels take (4 × 256 = 1024 threads per block).
const MAX_HIDDEN: usize = 256;
/// Largest hidden size kept in registers.
const REG_HIDDEN: usize = 64;
/// Dynamic shared memory available without opting in, in bytes.
const MAX_SHARED: usize = 48 * 1024;

fn to_i32(what: &str, v: usize) -> Result<i32, CudaError> {
    i32::try_from(v).map_err(|_| CudaError::Shape(format!("{what} = {v} does not fit in an i32")))
}

/// A single-layer LSTM with its weights resident on the GPU (it keeps the
/// device's context alive on its own).
pub struct FusedLstm {
    stream: Arc<CudaStream>,
    f: CudaFunction,
    features: usize,
    hidden: usize,
    outputs: usize,
    w_ih: CudaSlice<f32>,
    w_hh: CudaSlice<f32>,
    bias: CudaSlice<f32>,
    head_w: CudaSlice<f32>,
    head_b: CudaSlice<f32>,
}

impl FusedLstm {
    /// Validates `w`, compiles the kernel if needed and uploads the weights
    /// once. Only single-layer models with 1..=256 hidden units and 1..=4×hidden
    /// outputs are supported ([`CudaError::Unsupported`] otherwise).
    pub fn new(dev: &CudaDeviceHandle, w: &LstmWeights) -> Result<Self, CudaError> {
        w.validate().map_err(|e| CudaError::Shape(e.to_string()))?;
        let [layer] = w.layers.as_slice() else {
            return Err(CudaError::Unsupported(format!(
                "the fused kernel runs one LSTM layer, the model has {}",
                w.layers.len()
            )));
        };
        let (features, hidden, outputs) = (layer.input, layer.hidden, w.outputs());
        if hidden == 0 || hidden > MAX_HIDDEN {
            return Err(CudaError::Unsupported(format!("hidden size {hidden} is outside 1..={MAX_HIDDEN}")));
        }
        if features == 0 || outputs == 0 || outputs > GATES * hidden {
            return Err(CudaError::Unsupported(format!(
                "{features} features and {outputs} outputs: need at least one of each and at most {} outputs",
                GATES * hidden
            )));
        }
        if shared_bytes(features, hidden) > MAX_SHARED {
            return Err(CudaError::Unsupported(format!(
                "{features} features need more than {MAX_SHARED} bytes of shared memory"
            )));
        }
        let name = if hidden <= REG_HIDDEN { KERNEL } else { KERNEL_WIDE };
        let f = dev.module("lstm_fused.cu", LSTM_CU)?.load_function(name)?;
        let s = &dev.stream;
        Ok(Self {
            stream: s.clone(),
            f,
            features,
            hidden,
            outputs,
            w_ih: s.clone_htod(&layer.w_ih)?,
            w_hh: s.clone_htod(&layer.w_hh)?,
            bias: s.clone_htod(&layer.bias)?,
            head_w: s.clone_htod(&w.head_w)?,
            head_b: s.clone_htod(&w.head_b)?,
        })
    }

    /// Forecasts `batch` samples; `x` is `[batch][steps][features]` row-major
    /// and the result `[batch][outputs]`. Synchronous: copies in, launches,
    /// waits and copies out.
    pub fn forward(&self, x: &[f32], batch: usize, steps: usize) -> Result<Vec<f32>, CudaError> {
        let want = batch.checked_mul(steps).and_then(|v| v.checked_mul(self.features));
        if want != Some(x.len()) {
            return Err(CudaError::Shape(format!(
                "input: expected {batch} x {steps} x {} values, found {}",
                self.features,
                x.len()
            )));
        }
        if batch == 0 || steps == 0 {
            return Err(CudaError::Shape(format!("batch ({batch}) and steps ({steps}) must both be positive")));
        }
        let grid = u32::try_from(batch).map_err(|_| CudaError::Shape(format!("batch {batch} is too large")))?;
        let args = [
            to_i32("batch", batch)?,
            to_i32("steps", steps)?,
            to_i32("features", self.features)?,
            to_i32("hidden", self.hidden)?,
            to_i32("outputs", self.outputs)?,
        ];
        let s = &self.stream;
        let xd = s.clone_htod(x)?;
        let mut y = s.alloc_zeros::<f32>(batch * self.outputs)?;
        let cfg = LaunchConfig {
            grid_dim: (grid, 1, 1),
            block_dim: ((GATES * self.hidden) as u32, 1, 1),
            shared_mem_bytes: shared_bytes(self.features, self.hidden) as u32,
        };
        let mut l = s.launch_builder(&self.f);
        l.arg(&xd).arg(&self.w_ih).arg(&self.w_hh).arg(&self.bias).arg(&self.head_w).arg(&self.head_b);
        l.arg(&mut y);
        for a in &args {
            l.arg(a);
        }
        // SAFETY: argument order and types match `lstm_forecast*` in
        // lstm_fused.cu; every buffer has the length its shape implies (checked
        // by `LstmWeights::validate` and above), shared memory as computed.
        unsafe { l.launch(cfg) }?;
        s.synchronize()?; // surfaces launch and execution errors here
        let out = s.clone_dtoh(&y)?;
        s.synchronize()?;
        Ok(out)
    }
}

/// Dynamic shared memory of one block: h, c, 4×hidden pre-activations and x_t.
fn shared_bytes(features: usize, hidden: usize) -> usize {
    (2 * hidden + GATES * hidden + features) * std::mem::size_of::<f32>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lstm::{forward_cpu, LstmLayer};

    /// Small deterministic generator (xorshift64*), uniform in [-scale, scale).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self, scale: f32) -> f32 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let u = (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 40) as f32 / (1u64 << 24) as f32;
            (2.0 * u - 1.0) * scale
        }
        fn vec(&mut self, n: usize, scale: f32) -> Vec<f32> {
            (0..n).map(|_| self.next(scale)).collect()
        }
    }

    fn weights(rng: &mut Rng, features: usize, hidden: usize, outputs: usize) -> LstmWeights {
        let s = 1.0 / (hidden as f32).sqrt();
        LstmWeights {
            layers: vec![LstmLayer {
                input: features,
                hidden,
                w_ih: rng.vec(GATES * hidden * features, s),
                w_hh: rng.vec(GATES * hidden * hidden, s),
                bias: rng.vec(GATES * hidden, s),
            }],
            head_w: rng.vec(outputs * hidden, s),
            head_b: rng.vec(outputs, s),
        }
    }

    fn open() -> Option<CudaDeviceHandle> {
        match CudaDeviceHandle::open(0) {
            Ok(dev) => Some(dev),
            Err(CudaError::NoDevice(why) | CudaError::NoNvrtc(why)) => {
                eprintln!("SKIPPED (no CUDA device): {why}");
                None
            }
            Err(e) => panic!("opening device 0: {e}"),
        }
    }

    fn check_against_cpu(dev: &CudaDeviceHandle, hidden: usize) {
        let (batch, steps, features, outputs) = (5, 168, 7, 24);
        let mut rng = Rng(0x5EED_0000 + hidden as u64);
        let w = weights(&mut rng, features, hidden, outputs);
        let x = rng.vec(batch * steps * features, 1.0);
        let gpu = FusedLstm::new(dev, &w).and_then(|m| m.forward(&x, batch, steps)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(gpu.len(), batch * outputs);
        let mut worst = 0.0f32;
        for b in 0..batch {
            let cpu = forward_cpu(&w, &x[b * steps * features..(b + 1) * steps * features], steps).unwrap();
            for (o, want) in cpu.iter().enumerate() {
                let got = gpu[b * outputs + o];
                assert!((got - want).abs() <= 1e-4, "hidden {hidden} sample {b} output {o}: gpu {got} cpu {want}");
                worst = worst.max((got - want).abs());
            }
        }
        eprintln!("hidden {hidden}: fused kernel within {worst:e} of the CPU reference");
    }

    #[test]
    fn fused_kernel_matches_the_cpu_reference() {
        let Some(dev) = open() else { return };
        check_against_cpu(&dev, 64); // registers
        check_against_cpu(&dev, 96); // read-only cache path
    }

    #[test]
    fn stacked_models_and_bad_inputs_are_refused() {
        let Some(dev) = open() else { return };
        let mut rng = Rng(7);
        let mut w = weights(&mut rng, 3, 4, 2);
        let m = FusedLstm::new(&dev, &w).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(m.forward(&[0.0; 5], 1, 2), Err(CudaError::Shape(_))));
        let l = w.layers[0].clone();
        w.layers.push(LstmLayer { input: 4, w_ih: rng.vec(GATES * 4 * 4, 0.5), ..l });
        assert_eq!(w.validate(), Ok(()));
        assert!(matches!(FusedLstm::new(&dev, &w), Err(CudaError::Unsupported(_))));
    }
}
