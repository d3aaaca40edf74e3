//! Running one planned run: stage its engine; for each trial, cool down,
//! measure idle power, run the scenario with the meters at the window's
//! edges and measure idle again; score quality, judge validity, and write
//! the result file. The loop over a plan is the scheduler's
//! (`crate::scheduler`).

mod assemble;
mod backend_health;
mod batch_bound;
mod environment;
mod failure;
mod panic_guard;
mod peak;
mod run_one;
mod stage;
mod trial;

pub use environment::Environment;
pub use failure::RunFailure;
pub use panic_guard::{catch_panic, install_panic_hook, BUG_EXIT_CODE};
pub use run_one::run_one;
pub use trial::{cooldown_for, TrialOutcome};
