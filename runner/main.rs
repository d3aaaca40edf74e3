//! The `wattbench` command.

use std::process::ExitCode;

fn main() -> ExitCode {
    wattbench::allocator::fix_heap_policy();
    wattbench::execute::install_quiet_panic_hook();
    match wattbench::cli::main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
