//! `--device auto|cpu|cuda:N`, and resolving `auto` against what exists.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::CudaStatus;

/// A device as the user names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeviceSpec {
    /// GPU 0 when one is usable, otherwise the CPU (with a notice).
    Auto,
    /// The CPU (Burn's flex backend).
    Cpu,
    /// CUDA device N (Burn's cuda backend).
    Cuda(u32),
}

impl FromStr for DeviceSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(DeviceSpec::Auto),
            "cpu" => Ok(DeviceSpec::Cpu),
            "cuda" => Ok(DeviceSpec::Cuda(0)),
            _ => s
                .strip_prefix("cuda:")
                .and_then(|n| n.parse().ok())
                .map(DeviceSpec::Cuda)
                .ok_or_else(|| format!("unknown device `{s}` (expected auto, cpu or cuda:N)")),
        }
    }
}

impl fmt::Display for DeviceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceSpec::Auto => f.write_str("auto"),
            DeviceSpec::Cpu => f.write_str("cpu"),
            DeviceSpec::Cuda(n) => write!(f, "cuda:{n}"),
        }
    }
}

/// A device that a run will actually use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResolvedDevice {
    /// The CPU.
    Cpu,
    /// CUDA device with this index.
    Cuda(u32),
}

impl fmt::Display for ResolvedDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolvedDevice::Cpu => f.write_str("cpu"),
            ResolvedDevice::Cuda(n) => write!(f, "cuda:{n}"),
        }
    }
}

/// Resolves `spec` against the CUDA status. Returns the device and, when
/// `auto` fell back to the CPU, a one-line notice saying why.
pub fn resolve(spec: DeviceSpec, cuda: &CudaStatus) -> Result<(ResolvedDevice, Option<String>), String> {
    match (spec, cuda) {
        (DeviceSpec::Cpu, _) => Ok((ResolvedDevice::Cpu, None)),
        (DeviceSpec::Auto, CudaStatus::Available(gpus)) if !gpus.is_empty() => Ok((ResolvedDevice::Cuda(0), None)),
        (DeviceSpec::Auto, CudaStatus::Available(_)) => {
            Ok((ResolvedDevice::Cpu, Some("no CUDA GPU found; falling back to the CPU".into())))
        }
        (DeviceSpec::Auto, CudaStatus::Unavailable(why)) => {
            Ok((ResolvedDevice::Cpu, Some(format!("no usable CUDA GPU ({why}); falling back to the CPU"))))
        }
        (DeviceSpec::Cuda(n), CudaStatus::Available(gpus)) if (n as usize) < gpus.len() => {
            Ok((ResolvedDevice::Cuda(n), None))
        }
        (DeviceSpec::Cuda(n), CudaStatus::Available(gpus)) => {
            Err(format!("cuda:{n} does not exist: this machine has {} CUDA device(s)", gpus.len()))
        }
        (DeviceSpec::Cuda(n), CudaStatus::Unavailable(why)) => Err(format!("cuda:{n} is not usable: {why}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!("auto".parse(), Ok(DeviceSpec::Auto));
        assert_eq!("cpu".parse(), Ok(DeviceSpec::Cpu));
        assert_eq!("cuda".parse(), Ok(DeviceSpec::Cuda(0)));
        assert_eq!("cuda:3".parse(), Ok(DeviceSpec::Cuda(3)));
        assert_eq!("gpu".parse::<DeviceSpec>().unwrap_err(), "unknown device `gpu` (expected auto, cpu or cuda:N)");
        assert!("cuda:x".parse::<DeviceSpec>().is_err());
    }

    #[test]
    fn auto_falls_back_with_the_reason() {
        let none = CudaStatus::Unavailable("libcuda not found".into());
        let (dev, notice) = resolve(DeviceSpec::Auto, &none).unwrap();
        assert_eq!(dev, ResolvedDevice::Cpu);
        assert_eq!(notice.unwrap(), "no usable CUDA GPU (libcuda not found); falling back to the CPU");
    }

    #[test]
    fn explicit_cuda_without_driver_is_an_error() {
        let none = CudaStatus::Unavailable("libcuda not found".into());
        assert_eq!(resolve(DeviceSpec::Cuda(0), &none).unwrap_err(), "cuda:0 is not usable: libcuda not found");
        assert_eq!(resolve(DeviceSpec::Cpu, &none).unwrap(), (ResolvedDevice::Cpu, None));
    }
}
