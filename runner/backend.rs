//! The one place where a device and a precision become a Burn backend type.
//! Everything above works with `Box<dyn PreparedWorkload>`; everything below
//! is generic over `B: Backend`.

use std::fmt;

use burn::backend::cuda::CudaDevice;
use burn::backend::flex::FlexDevice;
use burn::backend::{Autodiff, Cuda, Flex};
use serde::{Deserialize, Serialize};
use std::path::Path;

use wattbench_workloads::{EpochReport, PrepareContext, PreparedWorkload, TrainCard, TrainOptions, WorkloadError};

use crate::device::ResolvedDevice;

/// Numeric precision of a run's weights and activations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// IEEE single precision.
    F32,
    /// IEEE half precision.
    F16,
    /// bfloat16.
    Bf16,
}

impl std::str::FromStr for Precision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "f32" => Ok(Precision::F32),
            "f16" => Ok(Precision::F16),
            "bf16" => Ok(Precision::Bf16),
            _ => Err(format!("unknown precision `{s}` (expected f32, f16 or bf16)")),
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Precision::F32 => "f32",
            Precision::F16 => "f16",
            Precision::Bf16 => "bf16",
        })
    }
}

/// Name of the Burn backend that runs on `device`, as recorded in results.
pub fn backend_name(device: ResolvedDevice) -> &'static str {
    match device {
        ResolvedDevice::Cpu => "flex",
        ResolvedDevice::Cuda(_) => "cuda-fusion",
    }
}

/// Version of Burn compiled into this binary (read from Cargo.lock at build time).
pub const BURN_VERSION: &str = env!("WATTBENCH_BURN_VERSION");

/// Stages `workload` on `device` at `precision`.
pub fn prepare(
    workload: &str,
    params: &serde_json::Value,
    ctx: &PrepareContext,
    device: ResolvedDevice,
    precision: Precision,
) -> Result<Box<dyn PreparedWorkload>, WorkloadError> {
    let on_cuda;
    let ctx = match device {
        ResolvedDevice::Cuda(i) => {
            on_cuda = PrepareContext { cuda_ordinal: Some(i as usize), ..ctx.clone() };
            &on_cuda
        }
        ResolvedDevice::Cpu => ctx,
    };
    match (device, precision) {
        (ResolvedDevice::Cpu, Precision::F32) => {
            wattbench_workloads::prepare::<Flex>(workload, params, ctx, &FlexDevice)
        }
        (ResolvedDevice::Cpu, other) => Err(WorkloadError::Execution(format!(
            "precision {other} is not supported on the CPU backend (flex) yet; use f32 there"
        ))),
        (ResolvedDevice::Cuda(i), Precision::F32) => {
            wattbench_workloads::prepare::<Cuda<f32>>(workload, params, ctx, &CudaDevice::new(i as usize))
        }
        (ResolvedDevice::Cuda(i), Precision::F16) => {
            wattbench_workloads::prepare::<Cuda<half::f16>>(workload, params, ctx, &CudaDevice::new(i as usize))
        }
        (ResolvedDevice::Cuda(i), Precision::Bf16) => {
            wattbench_workloads::prepare::<Cuda<half::bf16>>(workload, params, ctx, &CudaDevice::new(i as usize))
        }
    }
}

/// Trains `workload`'s reference model on `device` in f32 (autodiff over the
/// device's backend).
pub fn train(
    workload: &str,
    params: &serde_json::Value,
    ctx: &PrepareContext,
    device: ResolvedDevice,
    options: &TrainOptions,
    out: &Path,
    progress: &mut dyn FnMut(&EpochReport),
) -> Result<TrainCard, WorkloadError> {
    match device {
        ResolvedDevice::Cpu => {
            wattbench_workloads::train::<Autodiff<Flex>>(workload, params, ctx, &FlexDevice, options, out, progress)
        }
        ResolvedDevice::Cuda(i) => wattbench_workloads::train::<Autodiff<Cuda<f32>>>(
            workload,
            params,
            ctx,
            &CudaDevice::new(i as usize),
            options,
            out,
            progress,
        ),
    }
}
