//! Grid protection: classify a window of three-phase voltage and current
//! waveforms into no fault or one of ten fault types (AG, BG, CG, AB, BC,
//! CA, ABG, BCG, CAG, ABC) with a 1D CNN.

pub mod dataset;
pub mod fault_type;
pub mod model;
pub mod params;
pub mod prepared;
pub mod train;
pub mod waveform;

#[cfg(test)]
mod physics_tests;

pub use params::FaultDetectParams;
pub use prepared::{prepare, PreparedFaultDetect};

use crate::workload::WorkloadInfo;

/// Identifier of this workload in suite files.
pub const ID: &str = "fault-detect";

/// Catalogue entry of this workload.
pub fn info() -> WorkloadInfo {
    let shape = prepared::shape(&FaultDetectParams::default());
    WorkloadInfo {
        id: ID.into(),
        sector: "grid protection".into(),
        task: "classify 3-phase V/I waveforms: no fault or 10 fault types".into(),
        model: "1D CNN".into(),
        quality_gate: "accuracy at least 99% of the reference model's".into(),
        parameters: shape.parameters(),
        flops_per_sample: shape.flops_per_sample(),
    }
}
