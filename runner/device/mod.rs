//! Which devices exist, and which one a run uses.

mod cpu;
mod cuda;
mod monitor;
mod spec;

pub use cpu::{cpu_info, CpuInfo, RAPL_ROOT};
pub use cuda::{nvml, probe_cuda, CudaStatus, GpuInfo};
pub use monitor::{DeviceMonitor, DeviceState, NoMonitor, NvmlMonitor, ScriptedMonitor};
pub use spec::{resolve, DeviceSpec, ResolvedDevice};
