//! wattbench-workloads: the energy-sector workloads that wattbench runs.

//!
//! Each workload is a Burn model generic over the backend, a deterministic
//! data generator (and, where a public format exists, a loader for real
//! data), and a quality metric. The harness sees a workload only through
//! [`PreparedWorkload`]; this crate knows nothing of scenarios or meters.

#![warn(missing_docs)]

pub mod catalog;
pub mod data;
pub mod dispatch_proxy;
pub mod energy_qa;
pub mod fault_detect;
pub mod layers;
pub mod llm;
pub mod load_forecast;
pub mod mine_gas;
pub mod nilm;
pub mod noop;
pub mod pv_forecast;
pub mod seismic_facies;
pub mod tensor_workload;
pub mod transformer_temp;
pub mod weights;
pub mod workload;

// The shared modules under their short paths (`crate::dataset`, `wattbench_workloads::regular_file`, ...).
pub use catalog::{manifests, reference, registry};
pub use data::{dataset, fingerprint, regular_file, rng};
pub use workload::{batch_split, error, metrics, training};

use std::path::{Path, PathBuf};

pub use error::WorkloadError;
pub use registry::{catalogue, ids, prepare, train, validate_params};
pub use training::{EpochReport, TrainCard, TrainOptions};
pub use workload::{
    DataCard, GenerationTally, ModelCard, PreparedWorkload, Probe, QualityReport, WeightsSource, WorkloadInfo,
};

/// Where a workload finds files named relatively in its parameters.
#[derive(Clone, Debug, Default)]
pub struct PrepareContext {
    /// Folder of real data files (for example a checkout's `../shared/data`).
    pub data_dir: Option<PathBuf>,
    /// Folder that relative weights paths are resolved against.
    pub weights_dir: Option<PathBuf>,
    /// The CUDA device of the run, for engines that drive CUDA themselves.
    pub cuda_ordinal: Option<usize>,
    /// Run Burn's own modules, not their packed inference forms
    /// ([`layers`]): to measure what packing gains, side by side.
    pub plain_modules: bool,
    /// How many workers a CPU run splits each batch across
    /// ([`batch_split`]); `None`: one per thread of the thread pool. `Some(1)`
    /// runs every batch whole on the calling thread (to measure what the
    /// split gains).
    pub batch_workers: Option<usize>,
}

impl PrepareContext {
    /// Whether the Burn engine runs the packed inference forms ([`layers`]):
    /// on the CPU unless [`PrepareContext::plain_modules`]. A CUDA run keeps
    /// Burn's modules: the packing answers the CPU backend's costs, was
    /// measured there only, and leans on strided views that the CUDA path
    /// has not been run with.
    pub fn packs_layers(&self) -> bool {
        !self.plain_modules && self.cuda_ordinal.is_none()
    }

    /// How many workers a batch is split across ([`batch_split`]): on the
    /// CPU, [`PrepareContext::batch_workers`] or else the thread pool's
    /// threads; one on CUDA, whose parallelism is inside each operation.
    pub fn workers(&self) -> usize {
        match (self.cuda_ordinal, self.batch_workers) {
            (Some(_), _) => 1,
            (None, Some(n)) => n.max(1),
            (None, None) => rayon::current_num_threads(),
        }
    }

    /// Resolves a data file named in a suite against the data directory.
    pub fn resolve_data_path(&self, file: &str) -> PathBuf {
        resolve(self.data_dir.as_deref(), file)
    }

    /// Resolves a weights file named in a suite against the weights directory.
    pub fn resolve_weights_path(&self, file: &str) -> PathBuf {
        resolve(self.weights_dir.as_deref(), file)
    }
}

/// A path as a result may show it: as written when relative (to the data or
/// weights folder), reduced to its file name when absolute, so that no
/// result carries a local folder (the sha256 beside it identifies the bytes).
pub fn portable_path(spec: &str) -> String {
    let p = Path::new(spec);
    match p.file_name() {
        Some(name) if p.is_absolute() => name.to_string_lossy().into_owned(),
        _ if p.is_absolute() => String::new(),
        _ => spec.to_string(),
    }
}

fn resolve(base: Option<&Path>, file: &str) -> PathBuf {
    let path = Path::new(file);
    match base {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path.to_path_buf(),
    }
}
