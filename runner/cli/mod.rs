//! The command line: `run`, `devices`, `list`, `train`, `rank`, `compare`,
//! `merge`, `check`, `report`.

mod analysis_cmd;
mod args;
mod calibrate_cmd;
mod check_cmd;
mod devices_cmd;
mod list_cmd;
mod meter_cmd;
mod peer_cmd;
mod run_cmd;
mod run_progress;
mod run_table;
mod sign_cmd;

mod report_cmd;
mod train_cmd;

pub use args::{Cli, Command};

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

/// Parses the command line and runs the command.
pub fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run_cmd::run(args),
        Command::Devices(args) => devices_cmd::devices(args),
        Command::List(args) => list_cmd::list(args),
        Command::Train(args) => train_cmd::train(args),
        Command::Rank(args) => analysis_cmd::rank_cmd(args),
        Command::Compare(args) => analysis_cmd::compare_cmd(args),
        Command::Merge(args) => analysis_cmd::merge_cmd(args),
        Command::Check(args) => check_cmd::check(args),
        Command::Sign(args) => sign_cmd::sign(args),
        Command::Keygen(args) => sign_cmd::keygen(args),
        Command::Report(args) => report_cmd::report(args),
        Command::Calibrate(args) => calibrate_cmd::calibrate(args),
        Command::Meter(args::MeterCommand::Serve(args)) => meter_cmd::serve(args),
        Command::PeerServe(args) => peer_cmd::peer_serve(args),
        Command::InternalPanicTest => panic!("deliberate panic outside every guard (internal-panic-test)"),
    }
}

/// Writes `view` through `exporter` to `path` atomically (a temporary file
/// created exclusively, synced and renamed: see
/// [`crate::results::write_text_atomic`]), so that a reader never sees half a file.
pub(crate) fn write_export<V: ?Sized>(
    view: &V,
    exporter: &dyn crate::export::Exporter<V>,
    path: &std::path::Path,
) -> anyhow::Result<()> {
    let text = exporter.export(view)?;
    crate::results::write_text_atomic(path, &text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Writes `text` to standard output. A full disk or a closed file is an
/// error (`print!` would panic); a closed pipe (`wattbench list | head`)
/// just ends the output.
pub(crate) fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        written => written.context("cannot write to standard output"),
    }
}
