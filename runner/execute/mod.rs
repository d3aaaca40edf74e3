//! Running a plan: for each run, stage the workload; for each trial, cool
//! down, measure idle power, run the scenario with the meters at the
//! window's edges and measure idle again; score quality, judge validity, and
//! write the result file before the next run starts.

mod assemble;
mod batch_bound;
mod engine;
mod meters;
mod panic_guard;
mod peak;
mod run_one;
mod sut_adapter;
mod trial;

pub use assemble::early_stopping;
pub use engine::{Engine, EngineWindow, InProcess};
pub use meters::{open_meter, open_monitor, EnergyWindow, MeterChoice, WindowReadings};
pub use panic_guard::{catch_panic, install_panic_hook, BUG_EXIT_CODE};
pub use run_one::{run_one, Environment, RunFailure};
pub use sut_adapter::WorkloadSut;
pub use trial::{cooldown_for, TrialOutcome};
