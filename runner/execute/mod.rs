//! Running a plan: for each run, stage the workload, measure idle power,
//! run the scenario with the meter at the window's edges, score quality,
//! and write the result file before the next run starts.

mod meters;
mod panic_guard;
mod run_one;
mod sut_adapter;

pub use meters::{open_meter, EnergyWindow, MeterChoice};
pub use panic_guard::{catch_panic, install_quiet_panic_hook};
pub use run_one::{run_one, Environment, RunFailure};
pub use sut_adapter::WorkloadSut;
