//! Suite manifests (TOML): which workloads, devices, precisions, batch sizes
//! and scenarios to run, with durations; and the plan they expand into.

mod error;
mod locate;
mod manifest;
mod overrides;
mod plan;

pub use error::SuiteError;
pub use locate::{load_suite, parse_suite, SuiteSource};
pub use manifest::{Defaults, Manifest, RunEntry};
pub use overrides::PlanOverrides;
pub use plan::{plan, PlannedRun};
