//! CUDA side of the kernels: a device handle (context, stream, NVRTC-compiled
//! modules), roofline probes and the fused LSTM forecaster.
//!
//! cudarc loads libcuda and libnvrtc at run time and panics when a library is
//! missing, so [`CudaDeviceHandle::open`] checks both libraries first and
//! reports [`CudaError::NoDevice`] or [`CudaError::NoNvrtc`] instead.

mod compile;
mod lstm;
mod probes;

pub use compile::{compile_cubin_for, compile_ptx_for, nvrtc_available, KernelSource, KERNEL_SOURCES};
pub use lstm::FusedLstm;
pub use probes::{
    probe_copy, probe_fma_fp16, probe_fma_fp32, probe_tensor_f16, probe_triad, sustain_fma_fp32, ProbeResult,
};

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use cudarc::driver::sys::cudaError_enum::{
    CUDA_ERROR_INVALID_PTX as INVALID_PTX, CUDA_ERROR_UNSUPPORTED_PTX_VERSION as UNSUPPORTED_PTX_VERSION,
};
use cudarc::driver::sys::CUdevice_attribute;
use cudarc::driver::{CudaContext, CudaModule, CudaStream, DriverError};
use cudarc::nvrtc::{sys as nvrtc_sys, Ptx};
use thiserror::Error;

/// Source of the roofline probe kernels.
pub(crate) const PROBES_CU: &str = include_str!("../../cuda/probes.cu");
/// Source of the fused LSTM kernels.
pub(crate) const LSTM_CU: &str = include_str!("../../cuda/lstm_fused.cu");

/// Everything that can go wrong on the CUDA side; every message is one line.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum CudaError {
    /// No usable CUDA device (driver library missing, no GPU, bad ordinal).
    #[error("no CUDA device: {0}")]
    NoDevice(String),
    /// The NVRTC runtime compiler library could not be loaded.
    #[error("NVRTC not available: {0}")]
    NoNvrtc(String),
    /// NVRTC rejected a kernel source; carries the compiler log.
    #[error("kernel compilation failed: {0}")]
    Compile(String),
    /// A CUDA driver call failed.
    #[error("CUDA driver error: {0}")]
    Driver(String),
    /// The device or the model cannot run this kernel.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// Array sizes or launch sizes do not fit together.
    #[error("shape error: {0}")]
    Shape(String),
}

/// Joins a multi-line message into one line.
fn one_line(s: &str) -> String {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" | ")
}

impl From<DriverError> for CudaError {
    fn from(e: DriverError) -> Self {
        CudaError::Driver(one_line(&e.to_string()))
    }
}

/// An open CUDA device: its primary context, a stream, and the kernel
/// modules, each compiled with NVRTC for this device the first time it is used.
#[derive(Debug)]
pub struct CudaDeviceHandle {
    pub(crate) ctx: Arc<CudaContext>,
    pub(crate) stream: Arc<CudaStream>,
    cc: (i32, i32),
    /// Number of streaming multiprocessors.
    pub(crate) sms: u32,
    modules: Mutex<Vec<(&'static str, Arc<CudaModule>)>>,
}

impl CudaDeviceHandle {
    /// Opens device `ordinal`. Returns [`CudaError::NoDevice`] when libcuda is
    /// missing or the device does not exist, and [`CudaError::NoNvrtc`] when
    /// libnvrtc is missing; never panics for either.
    pub fn open(ordinal: usize) -> Result<Self, CudaError> {
        // SAFETY: only tries to dlopen the driver library by its usual names.
        if !unsafe { cudarc::driver::sys::is_culib_present() } {
            return Err(CudaError::NoDevice("the CUDA driver library (libcuda) was not found".into()));
        }
        // SAFETY: only tries to dlopen the NVRTC library by its usual names.
        if !unsafe { nvrtc_sys::is_culib_present() } {
            return Err(CudaError::NoNvrtc("the NVRTC library (libnvrtc) was not found".into()));
        }
        // cudarc panics on driver symbols it cannot find: a driver error, not "no device".
        let opened = catch_unwind(AssertUnwindSafe(|| Self::open_checked(ordinal)));
        opened.unwrap_or_else(|_| Err(CudaError::Driver("cudarc panicked while opening the device".into())))
    }

    fn open_checked(ordinal: usize) -> Result<Self, CudaError> {
        let count = CudaContext::device_count().map_err(|e| CudaError::NoDevice(one_line(&e.to_string())))?;
        let count = usize::try_from(count).unwrap_or(0);
        if ordinal >= count {
            return Err(CudaError::NoDevice(format!("device {ordinal} requested, {count} present")));
        }
        let ctx = CudaContext::new(ordinal)?;
        let cc = ctx.compute_capability()?;
        let sms = ctx.attribute(CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)?;
        let stream = ctx.default_stream();
        Ok(Self { ctx, stream, cc, sms: u32::try_from(sms).unwrap_or(1).max(1), modules: Mutex::new(Vec::new()) })
    }

    /// The device's name as the driver reports it.
    pub fn name(&self) -> Result<String, CudaError> {
        Ok(self.ctx.name()?)
    }

    /// Compute capability as (major, minor), e.g. (9, 0) for an H100.
    pub fn compute_capability(&self) -> (i32, i32) {
        self.cc
    }

    /// The module `name` (source `text`), compiled and loaded on first use.
    pub(crate) fn module(&self, name: &'static str, text: &str) -> Result<Arc<CudaModule>, CudaError> {
        let mut cache = self.modules.lock().map_err(|_| CudaError::Driver("module cache lock poisoned".into()))?;
        if let Some((_, m)) = cache.iter().find(|(n, _)| *n == name) {
            return Ok(m.clone());
        }
        let m = self.build(text, name)?;
        cache.push((name, m.clone()));
        Ok(m)
    }

    /// Compiles to PTX for `compute_XY` and lets the driver JIT it; if the
    /// driver is older than NVRTC's PTX version, compiles a `sm_XY` cubin instead.
    fn build(&self, text: &str, name: &str) -> Result<Arc<CudaModule>, CudaError> {
        let ptx = compile_ptx_for(text, name, self.cc)?;
        match self.ctx.load_module(ptx) {
            Ok(m) => Ok(m),
            Err(DriverError(UNSUPPORTED_PTX_VERSION | INVALID_PTX)) => {
                let cubin = compile_cubin_for(text, name, self.cc)?;
                Ok(self.ctx.load_module(Ptx::from_binary(cubin))?)
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_a_device_never_panics_without_cuda() {
        match CudaDeviceHandle::open(0) {
            Err(CudaError::NoDevice(why) | CudaError::NoNvrtc(why)) => eprintln!("SKIPPED (no CUDA device): {why}"),
            Ok(dev) => eprintln!("found {:?} {:?}", dev.name(), dev.compute_capability()),
            Err(e) => panic!("opening device 0 failed: {e}"),
        }
        // An absurd ordinal is always "no device", with or without a GPU.
        assert!(matches!(CudaDeviceHandle::open(1 << 20), Err(CudaError::NoDevice(_) | CudaError::NoNvrtc(_))));
    }

    /// Names of the `extern "C" __global__` kernels defined in `src`.
    fn kernel_names(src: &str) -> Vec<String> {
        src.split("extern \"C\" __global__ void")
            .skip(1)
            .map(|rest| {
                let mut rest = rest.trim_start();
                if let Some(r) = rest.strip_prefix("__launch_bounds__(") {
                    rest = r.split_once(')').map_or("", |(_, after)| after).trim_start();
                }
                rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
            })
            .collect()
    }

    #[test]
    fn the_sources_define_every_kernel_the_rust_side_loads() {
        let lstm_kernels = [lstm::KERNEL, lstm::KERNEL_WIDE];
        for (src, loaded) in [(PROBES_CU, &probes::KERNELS[..]), (LSTM_CU, &lstm_kernels[..])] {
            let defined = kernel_names(src);
            for name in loaded {
                let n = defined.iter().filter(|k| k == name).count();
                assert_eq!(n, 1, "`{name}` must be defined once, the sources define {defined:?}");
            }
            assert_eq!(defined.len(), loaded.len(), "{defined:?} vs {loaded:?}");
        }
    }

    #[test]
    fn errors_print_on_one_line() {
        assert_eq!(CudaError::Compile(one_line("a\n  b\n\nc ")).to_string(), "kernel compilation failed: a | b | c");
    }
}
