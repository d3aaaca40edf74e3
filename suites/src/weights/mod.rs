//! Loading weights into any workload's Burn model: a file (Burn named
//! MessagePack, `.mpk`) or, for `reference:NAME`, the reference weights
//! compiled into the binary. The bytes are read once: the sha256 in the
//! provenance is of exactly the bytes loaded, and every tensor's shape, dtype
//! and byte length is checked against the model before Burn loads any.

mod tensors;
#[cfg(test)]
mod tests;

use burn::module::Module;
use burn::record::{FullPrecisionSettings, NamedMpkBytesRecorder, Recorder};
use burn::tensor::backend::Backend;

pub use tensors::{check_tensors, tensor_entries, TensorEntry};

use crate::error::WorkloadError;
use crate::fingerprint;
use crate::reference;
use crate::workload::WeightsSource;
use crate::PrepareContext;

/// The extension of the only weights format this loader reads.
pub const WEIGHTS_EXTENSION: &str = "mpk";

/// The tensors `model` holds, as a record of it would list them.
pub fn model_tensors<B: Backend, M: Module<B>>(model: &M) -> Result<Vec<TensorEntry>, String> {
    let bytes = NamedMpkBytesRecorder::<FullPrecisionSettings>::new()
        .record(model.clone().into_record(), ())
        .map_err(|e| format!("cannot list the model's tensors: {e}"))?;
    tensor_entries(&bytes)
}

/// Loads the record in `bytes` into `model` after checking every tensor
/// against it; `shown` names the weights in errors.
pub fn load_weights_bytes<B: Backend, M: Module<B>>(
    model: M,
    bytes: &[u8],
    shown: &str,
    device: &B::Device,
) -> Result<M, WorkloadError> {
    let bad = |reason: String| WorkloadError::Weights { path: shown.into(), reason };
    let expected = model_tensors(&model).map_err(bad)?;
    let found = tensor_entries(bytes).map_err(bad)?;
    check_tensors(&expected, &found).map_err(bad)?;
    let params = model.num_params();
    let record = NamedMpkBytesRecorder::<FullPrecisionSettings>::new()
        .load(bytes.to_vec(), device)
        .map_err(|e| bad(e.to_string()))?;
    let model = model.load_record(record);
    if model.num_params() != params {
        return Err(bad(format!(
            "they hold {} parameters but this model's architecture needs {params}: \
             were they trained with other parameters?",
            model.num_params()
        )));
    }
    Ok(model)
}

/// Loads the weights named by `spec` into `model`, returning their provenance.
pub(crate) fn load_weights<B: Backend, M: Module<B>>(
    model: M,
    spec: &str,
    ctx: &PrepareContext,
    device: &B::Device,
) -> Result<(M, WeightsSource), WorkloadError> {
    if let Some(name) = spec.strip_prefix(reference::PREFIX) {
        let bad = |reason: String| WorkloadError::Weights { path: spec.into(), reason };
        let known = || reference::REFERENCE.iter().map(|r| r.name).collect::<Vec<_>>().join(", ");
        let r = reference::reference(name)
            .ok_or_else(|| bad(format!("no such reference weights (built in: {})", known())))?;
        let model = load_weights_bytes(model, r.mpk, spec, device)?;
        return Ok((model, WeightsSource::Reference { name: name.into(), sha256: fingerprint::sha256_hex(r.mpk) }));
    }
    let path = ctx.resolve_weights_path(spec);
    let shown = path.display().to_string();
    let bad = |reason: String| WorkloadError::Weights { path: shown.clone(), reason };
    if path.extension().and_then(|e| e.to_str()) != Some(WEIGHTS_EXTENSION) {
        return Err(bad(format!(
            "weights must name the Burn named MessagePack file itself (`.{WEIGHTS_EXTENSION}`), \
             which is the file loaded and hashed"
        )));
    }
    // Only a regular file, read no further than its size (never /dev/zero or a FIFO).
    let bytes = crate::regular_file::read_regular(&path).map_err(|e| bad(e.to_string()))?;
    let model = load_weights_bytes(model, &bytes, &shown, device)?;
    let sha256 = fingerprint::sha256_hex(&bytes);
    Ok((model, WeightsSource::File { path: crate::portable_path(spec), sha256 }))
}
