//! Result records: one JSON document per run, written atomically right after
//! the run ends.

mod endpoint;
mod generation;
mod provenance;
mod record;
mod writer;

pub use endpoint::{EndpointRecord, EndpointSettings, ENDPOINT_TIMING};
pub use generation::GenerationRecord;
pub use provenance::{os_description, DeviceProvenance, Provenance};
pub use record::{
    EarlyStoppingEstimate, PeakProbe, Performance, RunRecord, RunSettings, ServerStats, TrialRecord, TrialStats,
    Warmup, SCHEMA_VERSION,
};
pub use writer::{write_atomic, ResultsDir};
