//! The devices of an invocation, resolved once: the CUDA probe runs at most
//! once, each named device becomes a [`DeviceFacts`] that carries its
//! inventory entry, and every later stage receives that one value.

use std::collections::HashMap;

use super::{probe_cuda, resolve, CudaStatus, DeviceSpec, GpuInfo, ResolvedDevice};

/// A device as a run uses it, with the inventory facts of a GPU.
#[derive(Clone, Debug)]
pub struct DeviceFacts {
    /// The device.
    pub device: ResolvedDevice,
    /// Its inventory entry, for a GPU the probe found.
    pub gpu: Option<GpuInfo>,
}

impl DeviceFacts {
    /// The CPU, which needs no probe.
    pub fn cpu() -> DeviceFacts {
        DeviceFacts { device: ResolvedDevice::Cpu, gpu: None }
    }

    /// The GPU's inventory entry, if the device is a GPU the probe found.
    pub fn gpu(&self) -> Option<&GpuInfo> {
        self.gpu.as_ref()
    }

    /// The GPU's memory, bytes, when known.
    pub fn memory_bytes(&self) -> Option<u64> {
        self.gpu.as_ref().and_then(|g| g.memory_bytes)
    }
}

/// Every device an invocation names, resolved against one CUDA probe.
#[derive(Debug, Default)]
pub struct ResolvedDevices {
    facts: HashMap<DeviceSpec, DeviceFacts>,
    /// One line per `auto` that fell back to the CPU, saying why.
    pub notices: Vec<String>,
}

impl ResolvedDevices {
    /// Resolves each of `specs`; probes CUDA only when one of them is not the CPU.
    pub fn resolve(specs: impl IntoIterator<Item = DeviceSpec>) -> Result<ResolvedDevices, String> {
        let specs: Vec<DeviceSpec> = specs.into_iter().collect();
        let needs_cuda = specs.iter().any(|s| *s != DeviceSpec::Cpu);
        let cuda = if needs_cuda { probe_cuda() } else { CudaStatus::Unavailable("not probed".into()) };
        Self::against(specs, &cuda)
    }

    /// Resolves `specs` against an existing probe result.
    pub fn against(specs: impl IntoIterator<Item = DeviceSpec>, cuda: &CudaStatus) -> Result<ResolvedDevices, String> {
        let gpus: &[GpuInfo] = match cuda {
            CudaStatus::Available(g) => g,
            CudaStatus::Unavailable(_) => &[],
        };
        let mut out = ResolvedDevices::default();
        for spec in specs {
            if out.facts.contains_key(&spec) {
                continue;
            }
            let (device, notice) = resolve(spec, cuda)?;
            out.notices.extend(notice);
            let gpu = match device {
                ResolvedDevice::Cuda(i) => gpus.get(i as usize).cloned(),
                ResolvedDevice::Cpu => None,
            };
            out.facts.insert(spec, DeviceFacts { device, gpu });
        }
        Ok(out)
    }

    /// The facts of `spec`; the CPU for a spec that was never resolved.
    pub fn get(&self, spec: DeviceSpec) -> DeviceFacts {
        self.facts.get(&spec).cloned().unwrap_or_else(DeviceFacts::cpu)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_falls_back_to_the_cpu_once_with_a_notice_and_cpu_needs_no_probe() {
        let none = CudaStatus::Unavailable("no driver".into());
        let r = ResolvedDevices::against([DeviceSpec::Auto, DeviceSpec::Cpu, DeviceSpec::Auto], &none).unwrap();
        assert_eq!(r.get(DeviceSpec::Auto).device, ResolvedDevice::Cpu);
        assert_eq!(r.get(DeviceSpec::Cpu).device, ResolvedDevice::Cpu);
        assert_eq!(r.notices.len(), 1, "{:?}", r.notices);
        assert!(r.get(DeviceSpec::Cpu).gpu().is_none());
    }

    #[test]
    fn a_named_gpu_without_cuda_is_an_error() {
        let none = CudaStatus::Unavailable("no driver".into());
        assert!(ResolvedDevices::against([DeviceSpec::Cuda(0)], &none).is_err());
    }
}
