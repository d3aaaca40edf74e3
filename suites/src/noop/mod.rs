//! A workload that does nothing, for measuring the harness itself (its
//! overhead per query, and the rate the server scenario's scheduler holds).

use crate::error::WorkloadError;
use crate::workload::{DataCard, ModelCard, PreparedWorkload, QualityReport, WeightsSource, WorkloadInfo};

/// Identifier of this workload in suite files.
pub const ID: &str = "noop";

/// Samples a no-op run can index.
const SAMPLES: usize = 1024;

/// Catalogue entry.
pub fn info() -> WorkloadInfo {
    WorkloadInfo {
        id: ID.into(),
        sector: "harness".into(),
        task: "does nothing: measures the harness's own cost".into(),
        model: "none".into(),
        quality_gate: "not gated".into(),
        parameters: 0,
        flops_per_sample: 0,
    }
}

/// The no-op workload.
pub struct Noop {
    model: ModelCard,
    data: DataCard,
}

impl Noop {
    /// A no-op workload (it has no parameters).
    pub fn new() -> Self {
        Self {
            model: ModelCard {
                parameters: 0,
                flops_per_sample: 0,
                bytes_per_sample: 0,
                input_shape: vec![],
                output_shape: vec![],
                weights: WeightsSource::RandomInit { seed: 0 },
                architecture: Default::default(),
            },
            data: DataCard {
                source: "none".into(),
                sha256: crate::fingerprint::sha256_hex(b""),
                performance_samples: SAMPLES,
                test_samples: 0,
            },
        }
    }
}

impl Default for Noop {
    fn default() -> Self {
        Self::new()
    }
}

impl PreparedWorkload for Noop {
    fn sample_count(&self) -> usize {
        SAMPLES
    }
    fn run(&mut self, samples: &[usize]) -> Result<(), WorkloadError> {
        std::hint::black_box(samples);
        Ok(())
    }
    fn sync(&mut self) -> Result<(), WorkloadError> {
        Ok(())
    }
    fn accuracy(&mut self) -> Result<QualityReport, WorkloadError> {
        Ok(QualityReport {
            metric: "none".into(),
            value: 0.0,
            lower_is_better: true,
            threshold: None,
            passes: None,
            gate: "not gated: the no-op workload computes nothing".into(),
            baseline: None,
            samples: 0,
            gate_data_sha256: None,
        })
    }
    fn model_card(&self) -> &ModelCard {
        &self.model
    }
    fn data_card(&self) -> &DataCard {
        &self.data
    }
}
