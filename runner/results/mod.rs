//! Result records: one JSON document per run, written atomically right after
//! the run ends.

mod provenance;
mod record;
mod writer;

pub use provenance::{os_description, DeviceProvenance, Provenance};
pub use record::{Performance, RunRecord, RunSettings, Warmup, SCHEMA_VERSION};
pub use writer::{write_atomic, ResultsDir};
