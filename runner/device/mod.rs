//! Which devices exist, and which one a run uses.

mod cpu;
mod cuda;
mod monitor;
mod rapl_zones;
mod resolved;
mod spec;

pub use cpu::{cpu_info, CpuInfo, RAPL_ROOT};
pub use cuda::{nvml, probe_cuda, CudaStatus, GpuInfo};
pub use monitor::{DeviceMonitor, DeviceState, NoMonitor, NvmlMonitor, ScriptedMonitor};
pub use rapl_zones::{discover_rapl_zones, rapl_readable};
pub use resolved::{DeviceFacts, ResolvedDevices};
pub use spec::{resolve, DeviceSpec, ResolvedDevice};
