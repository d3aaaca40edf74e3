//! Loading weights into any workload's Burn model: a file (Burn named
//! MessagePack) or, for `reference:NAME`, the reference weights compiled
//! into the binary; either way the parameter count must fit the model.

use burn::module::Module;
use burn::record::{FullPrecisionSettings, NamedMpkBytesRecorder, NamedMpkFileRecorder, Recorder};
use burn::tensor::backend::Backend;

use crate::error::WorkloadError;
use crate::fingerprint;
use crate::reference;
use crate::workload::WeightsSource;
use crate::PrepareContext;

/// Loads the weights named by `spec` into `model`, returning their provenance.
pub(crate) fn load_weights<B: Backend, M: Module<B>>(
    model: M,
    spec: &str,
    ctx: &PrepareContext,
    device: &B::Device,
) -> Result<(M, WeightsSource), WorkloadError> {
    let expected = model.num_params();
    let (model, source, shown) = match spec.strip_prefix(reference::PREFIX) {
        Some(name) => {
            let bad = |reason: String| WorkloadError::Weights { path: spec.into(), reason };
            let known = || reference::REFERENCE.iter().map(|r| r.name).collect::<Vec<_>>().join(", ");
            let r = reference::reference(name)
                .ok_or_else(|| bad(format!("no such reference weights (built in: {})", known())))?;
            let record = NamedMpkBytesRecorder::<FullPrecisionSettings>::new()
                .load(r.mpk.to_vec(), device)
                .map_err(|e| bad(e.to_string()))?;
            let source = WeightsSource::Reference { name: name.into(), sha256: fingerprint::sha256_hex(r.mpk) };
            (model.load_record(record), source, spec.to_string())
        }
        None => {
            let path = ctx.resolve_weights_path(spec);
            let bad = |reason: String| WorkloadError::Weights { path: path.display().to_string(), reason };
            let sha256 = fingerprint::sha256_file(&path).map_err(|e| bad(e.to_string()))?;
            let recorder = NamedMpkFileRecorder::<FullPrecisionSettings>::new();
            let model = model.load_file(path.clone(), &recorder, device).map_err(|e| bad(e.to_string()))?;
            (model, WeightsSource::File { path: path.display().to_string(), sha256 }, path.display().to_string())
        }
    };
    if model.num_params() != expected {
        return Err(WorkloadError::Weights {
            path: shown,
            reason: format!(
                "they hold {} parameters but this model's architecture needs {expected}: \
                 were they trained with other parameters?",
                model.num_params()
            ),
        });
    }
    Ok((model, source))
}
