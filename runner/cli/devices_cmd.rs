//! `wattbench devices`: what this machine can run on and meter.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde_json::json;

use super::args::DevicesArgs;
use crate::device::{cpu_info, probe_cuda, CudaStatus};

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

/// Lists CUDA GPUs and the CPU. Exits 0 on a machine without a GPU.
pub fn devices(args: DevicesArgs) -> anyhow::Result<ExitCode> {
    let cuda = probe_cuda();
    let cpu = cpu_info();
    if args.json {
        let (available, reason, gpus) = match &cuda {
            CudaStatus::Available(g) => (true, None, g.clone()),
            CudaStatus::Unavailable(why) => (false, Some(why.clone()), Vec::new()),
        };
        let doc = json!({
            "cuda": { "available": available, "reason": reason, "gpus": gpus },
            "cpu": cpu,
        });
        super::emit(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    match &cuda {
        CudaStatus::Unavailable(why) => {
            let _ = writeln!(text, "cuda: none ({why})");
        }
        CudaStatus::Available(gpus) if gpus.is_empty() => {
            let _ = writeln!(text, "cuda: driver present, no GPU visible");
        }
        CudaStatus::Available(gpus) => {
            for g in gpus {
                let unknown = || "?".to_string();
                let _ = writeln!(
                    text,
                    "cuda:{}  {}  {}  memory {}  driver {}  power limit {}  energy counter {}",
                    g.index,
                    g.name,
                    g.uuid,
                    g.memory_bytes.map(gib).unwrap_or_else(unknown),
                    g.driver.clone().unwrap_or_else(unknown),
                    g.power_limit_w.map(|w| format!("{w:.0} W")).unwrap_or_else(unknown),
                    if g.energy_counter { "yes (nvml)" } else { "no" },
                );
                if let Some(why) = &g.nvml_unavailable {
                    let _ = writeln!(text, "        {why}");
                }
            }
        }
    }
    let rapl = match &cpu.rapl_unavailable {
        None => format!("RAPL readable ({} package zone(s))", cpu.rapl_zones.len()),
        Some(why) => format!("RAPL not readable: {why}"),
    };
    let _ = writeln!(text, "cpu     {}  {} logical cores  {rapl}", cpu.model, cpu.logical_cores);
    super::emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
