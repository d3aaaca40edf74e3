//! The engine a result names (schema 3) against what the rest of the file
//! shows: an `openai` run has an endpoint section, a fused engine is the
//! backend that ran, Burn ran on a Burn backend; and the engine executes
//! the task.

use super::Findings;
use crate::results::RunRecord;
use crate::suite::{engine_names, BURN, ENGINES};

/// Notes an engine that is unknown, serves another task, or disagrees with the file.
pub(super) fn check(rec: &RunRecord, f: &mut Findings) {
    if !engine_names().contains(&rec.engine.as_str()) {
        f.note("engine", &rec.engine, format!("one of {}", engine_names().join(", ")));
        return;
    }
    if rec.engine != BURN {
        let serves = ENGINES.iter().any(|(name, tasks)| *name == rec.engine && tasks.contains(&rec.workload.as_str()));
        if !serves {
            f.note("engine", &rec.engine, format!("an engine that executes task {}", rec.workload));
        }
    }
    f.eq("engine", rec.engine.as_str(), rec.infer_engine().as_str());
}
