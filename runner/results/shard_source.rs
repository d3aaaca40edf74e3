//! What a merged record keeps of each result it was made from: where it
//! ran (node and scheduler task) and its own headline figures, so that a
//! fleet's report can show every run's origin and spot a node that stands
//! apart from the others.

use serde::{Deserialize, Serialize};

use super::RunRecord;
use crate::energy::EnergyMethod;

/// One result a merged record was made from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ShardSource {
    /// The result file.
    pub file: String,
    /// The node it ran on.
    pub node: String,
    /// The scheduler task that ran it, when any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// Samples in its measured window(s).
    pub samples: u64,
    /// Its throughput, samples per second.
    pub throughput_per_s: f64,
    /// Its 99th percentile latency, nanoseconds.
    pub p99_ns: u64,
    /// Its J/inference (null when unmeasured).
    pub j_per_inference: Option<f64>,
    /// How its energy was measured.
    pub energy_method: EnergyMethod,
}

impl ShardSource {
    /// The sources of `record` read from `file`: the record itself, or, when
    /// it is already a merge, the sources it was merged from.
    pub fn of(file: &str, record: &RunRecord) -> Vec<Self> {
        if !record.shards.is_empty() {
            return record.shards.clone();
        }
        let measured = record.energy.method != EnergyMethod::Unmeasured;
        vec![Self {
            file: file.to_string(),
            node: record.provenance.node.clone(),
            task: record.provenance.task.clone(),
            samples: record.samples,
            throughput_per_s: record.throughput_per_s,
            p99_ns: record.latency_ns.p99,
            j_per_inference: record.energy.j_per_inference.filter(|_| measured),
            energy_method: record.energy.method,
        }]
    }
}
