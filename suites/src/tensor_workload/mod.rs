//! Generic staging and training for workloads whose samples are fixed-shape
//! 2D tensors: a workload implements [`TensorSpec`] (its data, model and
//! metric) and gets its run-time staging, accuracy pass, quality gate and
//! reference training from here.

pub mod prepared;
pub mod quality;
pub mod spec;
pub mod trainer;

#[cfg(test)]
mod gate_tests;
#[cfg(test)]
mod reference_tests;

pub use prepared::{prepare, PreparedTensor};
pub use spec::{stage_batch, HostEngine, ModelShape, Net, Packed, QualityMetric, Split, TensorSpec};
pub use trainer::train;

use crate::workload::WorkloadInfo;

/// The catalogue entry of workload `S`, its size counted at the default parameters.
pub fn info<S: TensorSpec>() -> WorkloadInfo {
    let p = S::Params::default();
    let shape = S::shape(&p);
    WorkloadInfo {
        id: S::ID.into(),
        sector: S::SECTOR.into(),
        task: S::TASK.into(),
        model: S::MODEL.into(),
        quality_gate: quality::gate_words(&S::metric(&p)),
        parameters: shape.parameters,
        flops_per_sample: shape.flops_per_sample,
    }
}
