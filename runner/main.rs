//! The `wattbench` command.

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

use wattbench::execute::{install_panic_hook, BUG_EXIT_CODE};

fn main() -> ExitCode {
    wattbench::allocator::fix_heap_policy();
    // Fails only where the pool already exists, which nothing before this
    // line makes; the pool then works as it is, with one more handoff an operation.
    let _ = wattbench::thread_pool::adopt_current_thread();
    install_panic_hook();
    // A panic that escapes every run's guard is a bug: the hook has printed
    // one line saying so and where; exit with the documented code.
    match panic::catch_unwind(AssertUnwindSafe(wattbench::cli::main)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            // Errors may quote input values: keep them to one line.
            eprintln!("error: {}", wattbench::escape::one_line(&format!("{e:#}")));
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(BUG_EXIT_CODE),
    }
}
