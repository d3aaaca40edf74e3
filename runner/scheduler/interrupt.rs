//! Ctrl-C, SIGTERM (a cluster scheduler's notice before it kills a job) and
//! SIGHUP (a closed terminal), through the `ctrlc` crate's `termination`
//! feature: the first stops after the current query (finished results are
//! already on disk) and the summary is printed; a second one exits at once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Raises `stop` on the first signal; exits with 130 on the second.
pub fn install_interrupt(stop: Arc<AtomicBool>) {
    let presses = AtomicUsize::new(0);
    let installed = ctrlc::set_handler(move || {
        if presses.fetch_add(1, Ordering::SeqCst) > 0 {
            eprintln!("\ninterrupted twice: exiting now");
            // Finished results are on disk; the run in progress writes nothing.
            std::process::exit(130);
        }
        stop.store(true, Ordering::SeqCst);
    });
    if let Err(e) = installed {
        eprintln!("warning: Ctrl-C/SIGTERM/SIGHUP handler not installed ({e}); a signal will end the run abruptly");
    }
}
