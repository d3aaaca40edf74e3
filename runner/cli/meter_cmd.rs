//! `wattbench meter serve`: this node's GPU energy counters for a client on
//! another node (see [`crate::energy::remote`]).

use std::io::Write;
use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context};

use super::args::MeterServeArgs;
use crate::energy::remote::{MeterServer, ServedMeter, MIN_TOKEN_LEN};
use crate::energy::scripted::wall_clock;
use crate::energy::{open_nvml_gpus, EnergyMeter, ScriptedMeter};
use crate::scheduler::install_interrupt;

/// Serves until Ctrl-C or SIGTERM.
pub fn serve(args: MeterServeArgs) -> anyhow::Result<ExitCode> {
    let token = std::env::var(&args.token_env).map_err(|_| {
        anyhow!("set the token in the environment variable {} (at least {MIN_TOKEN_LEN} bytes)", args.token_env)
    })?;
    let meters: Vec<(String, Box<dyn EnergyMeter>)> = match args.scripted_watts {
        Some(w) if w.is_finite() && w >= 0.0 => args
            .devices
            .iter()
            .map(|d| {
                let m =
                    ScriptedMeter::constant(w, wall_clock()).with_scope(format!("scripted constant {w} W (test mode)"));
                (d.clone(), Box::new(m) as Box<dyn EnergyMeter>)
            })
            .collect(),
        Some(w) => bail!("--scripted-watts {w}: must be a power of 0 W or more"),
        None => open_nvml_gpus(&args.devices).map_err(|e| anyhow!(e))?,
    };
    let served = meters.into_iter().map(|(device, meter)| ServedMeter { device, meter }).collect();
    let server = MeterServer::new(served, &token)?;
    let listener = TcpListener::bind(&args.listen).with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    install_interrupt(Arc::clone(&stop));
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "wattbench meter: serving {} on http://{addr}/v1/energy (token from {})",
            args.devices.join(", "),
            args.token_env
        )?;
        out.flush()?;
    }
    server.serve(&listener, &stop).context("accepting connections")?;
    eprintln!("wattbench meter: stopped");
    Ok(ExitCode::SUCCESS)
}
