//! The `wattbench` command.

use std::process::ExitCode;

fn main() -> ExitCode {
    wattbench::execute::install_quiet_panic_hook();
    match wattbench::cli::main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
