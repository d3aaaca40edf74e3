//! Result records: one JSON document per run, written atomically right after
//! the run ends.

mod answers;
mod early_stopping;
mod endpoint;
mod generation;
mod placement;
mod provenance;
mod record;
mod results_dir;
mod shard_source;

pub use crate::atomic_file::{
    is_temporary_name, remove_leftover_temporaries, write_atomic, write_bytes_atomic, write_text_atomic,
};
pub use answers::AnswersRecord;
pub use endpoint::{EndpointRecord, EndpointSettings, ENDPOINT_TIMING};
pub use generation::GenerationRecord;
pub use placement::{host_name, node_name, scheduler_task};
pub use provenance::{os_description, DeviceProvenance, Provenance};
pub use record::{
    EarlyStoppingEstimate, PeakProbe, Performance, RunRecord, RunSettings, ServerStats, TrialRecord, TrialStats,
    Warmup, OLDEST_READABLE_SCHEMA, SCHEMA_VERSION,
};
pub use results_dir::{invocation_tag, safe_component, ResultsDir};
pub use shard_source::ShardSource;
