//! Suite manifests (TOML): which workloads, devices, precisions, batch sizes
//! and scenarios to run, with durations; and the plan they expand into.

mod engine_choice;
mod error;
mod locate;
mod manifest;
mod overrides;
mod plan;

pub use engine_choice::{choose_engine, engine_names, BURN, ENGINES};
pub use error::SuiteError;
pub use locate::{load_suite, parse_suite, SuiteSource};
pub use manifest::{Defaults, Manifest, RunEntry};
pub use overrides::PlanOverrides;
pub use plan::{plan, PlannedRun};
