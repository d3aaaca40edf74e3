//! Compiling the CUDA C sources with NVRTC: the one code path that both the
//! runtime (a device's modules) and the CI compile check use.

use std::ffi::{c_char, CString};

use cudarc::nvrtc::{compile_ptx_with_opts, result as nvrtc_result, sys as nvrtc_sys, CompileError, CompileOptions};

use super::{one_line, CudaError};

/// One CUDA C source file of `kernels/cuda/`, embedded in the binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelSource {
    /// File name under `kernels/cuda/`, also the NVRTC program (module) name.
    pub file: &'static str,
    /// The source text.
    pub text: &'static str,
}

/// Every CUDA C source the runtime compiles (the CI check requires that each
/// `.cu` file in `kernels/cuda/` is listed here).
pub const KERNEL_SOURCES: [KernelSource; 2] = [
    KernelSource { file: "probes.cu", text: super::PROBES_CU },
    KernelSource { file: "lstm_fused.cu", text: super::LSTM_CU },
];

/// Whether the NVRTC library can be loaded (cudarc panics on first use otherwise).
pub fn nvrtc_available() -> bool {
    // SAFETY: only tries to dlopen the NVRTC library by its usual names.
    unsafe { nvrtc_sys::is_culib_present() }
}

fn compile_error(what: &str, e: CompileError) -> CudaError {
    match e {
        CompileError::CompileError { nvrtc, options, log } => CudaError::Compile(format!(
            "{what}: {nvrtc} with options {options:?}: {}",
            one_line(&log.to_string_lossy())
        )),
        other => CudaError::Compile(format!("{what}: {}", one_line(&other.to_string()))),
    }
}

/// Compiles `text` (program `name`) to PTX for the virtual architecture
/// `compute_{major}{minor}`, exactly as a device loads its modules.
/// Returns [`CudaError::NoNvrtc`] when NVRTC is missing.
pub fn compile_ptx_for(text: &str, name: &str, cc: (i32, i32)) -> Result<cudarc::nvrtc::Ptx, CudaError> {
    if !nvrtc_available() {
        return Err(CudaError::NoNvrtc("the NVRTC library (libnvrtc) was not found".into()));
    }
    if text.contains('\0') || name.contains('\0') {
        return Err(CudaError::Compile(format!("{name}: source or name contains a NUL byte")));
    }
    let (major, minor) = cc;
    let opts = CompileOptions {
        options: vec![format!("--gpu-architecture=compute_{major}{minor}")],
        name: Some(name.into()),
        ..Default::default()
    };
    compile_ptx_with_opts(text, opts).map_err(|e| compile_error(name, e))
}

/// Compiles `text` straight to a cubin for the real architecture `sm_{major}{minor}`
/// (the runtime's fallback when the driver is older than NVRTC's PTX version).
pub fn compile_cubin_for(text: &str, name: &str, cc: (i32, i32)) -> Result<Vec<u8>, CudaError> {
    if !nvrtc_available() {
        return Err(CudaError::NoNvrtc("the NVRTC library (libnvrtc) was not found".into()));
    }
    let nul = |_| CudaError::Compile(format!("{name}: source contains a NUL byte"));
    let (src, cname) = (CString::new(text).map_err(nul)?, CString::new(name).map_err(nul)?);
    let prog = nvrtc_result::create_program(&src, Some(cname.as_c_str()))
        .map_err(|e| CudaError::Compile(format!("{name}: {e}")))?;
    let opts = [format!("--gpu-architecture=sm_{}{}", cc.0, cc.1)];
    // SAFETY: `prog` was just created and is destroyed once, below.
    let out = unsafe {
        match nvrtc_result::compile_program(prog, &opts) {
            Err(e) => {
                let log = nvrtc_result::get_program_log(prog).unwrap_or_default();
                let log = one_line(&String::from_utf8_lossy(
                    &log.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect::<Vec<_>>(),
                ));
                Err(CudaError::Compile(format!("{name}: {e} with options {opts:?}: {log}")))
            }
            Ok(()) => {
                let mut size = 0usize;
                let r = nvrtc_sys::nvrtcGetCUBINSize(prog, &mut size).result();
                let mut bin = vec![0u8; size];
                r.and_then(|()| nvrtc_sys::nvrtcGetCUBIN(prog, bin.as_mut_ptr().cast::<c_char>()).result())
                    .map(|()| bin)
                    .map_err(|e| CudaError::Compile(format!("{name}: reading the cubin: {e}")))
            }
        }
    };
    // SAFETY: `prog` is valid and not used after this.
    let _ = unsafe { nvrtc_result::destroy_program(prog) };
    out
}
