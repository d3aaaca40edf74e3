//! Loading a Llama-architecture checkpoint in the Hugging Face layout: a
//! folder with `config.json` and safetensors weights, one
//! `model.safetensors` or shards listed by `model.safetensors.index.json`.
//!
//! The tensors are applied to [`Llama`]'s parameters with `burn-store`: its
//! key remapping turns Hugging Face names into the module's field paths
//! (`model.` dropped, norm `weight` to `gamma`), its PyTorch adapter
//! transposes the `[out, in]` Linear weights, and an adapter of this module
//! casts f32, f16 or bf16 file data to the backend's float type. Before
//! anything is applied, every expected tensor is looked up in the file
//! headers, so that a missing tensor or a wrong shape is reported by its
//! Hugging Face name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use burn::tensor::backend::Backend;
use burn::tensor::{DType, Tensor};
use burn_store::{
    KeyRemapper, ModuleAdapter, ModuleSnapshot, ModuleStore, PyTorchToBurnAdapter, SafetensorsStore, TensorSnapshot,
};
use serde::Deserialize;

use super::config::LlamaConfig;
use super::model::Llama;
use crate::error::WorkloadError;

/// The model configuration's file name in a checkpoint folder.
pub const CONFIG_FILE: &str = "config.json";
/// The single weights file's name.
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// The index of sharded weights.
pub const INDEX_FILE: &str = "model.safetensors.index.json";

/// What was loaded from a checkpoint folder.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckpointInfo {
    /// The architecture read from `config.json`.
    pub config: LlamaConfig,
    /// The weights files read, in order.
    pub files: Vec<PathBuf>,
    /// The distinct element types of the loaded tensors in the files, e.g. `BF16`.
    pub file_dtypes: Vec<String>,
    /// The float type the model runs in (the backend's).
    pub model_dtype: String,
    /// Tensors loaded.
    pub tensors: usize,
    /// Tensors in the files that the model does not use (e.g. a tied
    /// `lm_head.weight` or `rotary_emb.inv_freq`), by name.
    pub unused: Vec<String>,
}

/// The tensors a checkpoint of `config` must hold: Hugging Face names and
/// shapes as stored (`[out, in]` for projections).
pub fn expected_tensors(config: &LlamaConfig) -> Vec<(String, Vec<usize>)> {
    let h = config.hidden_size;
    let q = config.num_attention_heads * config.head_dim;
    let kv = config.num_key_value_heads * config.head_dim;
    let i = config.intermediate_size;
    let mut out = vec![("model.embed_tokens.weight".to_string(), vec![config.vocab_size, h])];
    for n in 0..config.num_hidden_layers {
        let p = format!("model.layers.{n}");
        out.extend([
            (format!("{p}.self_attn.q_proj.weight"), vec![q, h]),
            (format!("{p}.self_attn.k_proj.weight"), vec![kv, h]),
            (format!("{p}.self_attn.v_proj.weight"), vec![kv, h]),
            (format!("{p}.self_attn.o_proj.weight"), vec![h, q]),
            (format!("{p}.mlp.gate_proj.weight"), vec![i, h]),
            (format!("{p}.mlp.up_proj.weight"), vec![i, h]),
            (format!("{p}.mlp.down_proj.weight"), vec![h, i]),
            (format!("{p}.input_layernorm.weight"), vec![h]),
            (format!("{p}.post_attention_layernorm.weight"), vec![h]),
        ]);
    }
    out.push(("model.norm.weight".to_string(), vec![h]));
    if !config.tie_word_embeddings {
        out.push(("lm_head.weight".to_string(), vec![config.vocab_size, h]));
    }
    out
}

/// Hugging Face names to [`Llama`]'s parameter paths.
fn key_remapper() -> Result<KeyRemapper, WorkloadError> {
    KeyRemapper::from_patterns(vec![
        (r"^model\.", ""),
        (r"^((?:layers\.\d+\.(?:input|post_attention)_layernorm)|norm)\.weight$", "${1}.gamma"),
    ])
    .map_err(|e| WorkloadError::Execution(format!("bad key remapping pattern: {e}")))
}

/// Casts floating-point tensors to the model's float type as they load.
#[derive(Clone, Debug)]
struct CastFloats {
    dtype: DType,
}

impl ModuleAdapter for CastFloats {
    fn adapt(&self, snapshot: &TensorSnapshot) -> TensorSnapshot {
        if snapshot.dtype == self.dtype || !snapshot.dtype.is_float() {
            return snapshot.clone();
        }
        let data = snapshot.clone_data_fn();
        let dtype = self.dtype;
        TensorSnapshot::from_closure(
            Rc::new(move || Ok(data()?.convert_dtype(dtype))),
            dtype,
            snapshot.shape.clone(),
            snapshot.path_stack.clone().unwrap_or_default(),
            snapshot.container_stack.clone().unwrap_or_default(),
            snapshot.tensor_id.unwrap_or_default(),
        )
    }

    fn clone_box(&self) -> Box<dyn ModuleAdapter> {
        Box::new(self.clone())
    }
}

#[derive(Deserialize)]
struct Index {
    weight_map: BTreeMap<String, String>,
}

/// A tensor as described by its file's header.
struct Header {
    file: PathBuf,
    dtype: DType,
    shape: Vec<usize>,
}

fn weights_error(path: &Path, reason: String) -> WorkloadError {
    WorkloadError::Weights { path: path.display().to_string(), reason }
}

/// Weights files and, when sharded, the index's tensor-to-file map.
type WeightFiles = (Vec<PathBuf>, Option<BTreeMap<String, String>>);

/// The weights files of a checkpoint folder and, when sharded, the index's
/// tensor-to-file map.
fn weight_files(dir: &Path) -> Result<WeightFiles, WorkloadError> {
    let index_path = dir.join(INDEX_FILE);
    if index_path.is_file() {
        let text = crate::regular_file::read_regular_to_string(&index_path)
            .map_err(|e| weights_error(&index_path, e.to_string()))?;
        let index: Index = serde_json::from_str(&text)
            .map_err(|e| weights_error(&index_path, format!("not a safetensors index: {e}")))?;
        let names: BTreeSet<&String> = index.weight_map.values().collect();
        let mut files = Vec::new();
        for name in names {
            let file = dir.join(name);
            if !file.is_file() {
                return Err(weights_error(&index_path, format!("shard `{name}` named in the index does not exist")));
            }
            files.push(file);
        }
        return Ok((files, Some(index.weight_map)));
    }
    let single = dir.join(WEIGHTS_FILE);
    if single.is_file() {
        return Ok((vec![single], None));
    }
    Err(weights_error(dir, format!("no weights: neither {WEIGHTS_FILE} nor {INDEX_FILE} in the folder")))
}

/// Every tensor's header, by name, from all files.
fn read_headers(files: &[PathBuf]) -> Result<BTreeMap<String, Header>, WorkloadError> {
    let mut headers = BTreeMap::new();
    for file in files {
        let mut store = SafetensorsStore::from_file(file.clone());
        let snapshots = store.get_all_snapshots().map_err(|e| weights_error(file, e.to_string()))?;
        for (name, s) in snapshots {
            headers.entry(name.clone()).or_insert(Header {
                file: file.clone(),
                dtype: s.dtype,
                shape: s.shape.to_vec(),
            });
        }
    }
    Ok(headers)
}

/// Loads a checkpoint folder into a [`Llama`] on `device`, in the backend's
/// default float type.
pub fn load_checkpoint<B: Backend>(
    dir: &Path,
    device: &B::Device,
) -> Result<(Llama<B>, CheckpointInfo), WorkloadError> {
    let config_path = dir.join(CONFIG_FILE);
    if !config_path.is_file() {
        return Err(weights_error(dir, format!("no {CONFIG_FILE} in the checkpoint folder")));
    }
    let config = LlamaConfig::from_file(&config_path)?;
    let (files, index) = weight_files(dir)?;
    let headers = read_headers(&files)?;
    if let Some(index) = &index {
        for (name, shard) in index {
            let holds = headers.get(name).is_some_and(|h| h.file == dir.join(shard));
            if !holds {
                return Err(weights_error(
                    &dir.join(INDEX_FILE),
                    format!("the index places tensor `{name}` in `{shard}`, which does not hold it"),
                ));
            }
        }
    }

    let expected = expected_tensors(&config);
    let mut file_dtypes = BTreeSet::new();
    for (name, shape) in &expected {
        let Some(header) = headers.get(name) else {
            return Err(weights_error(dir, format!("tensor `{name}` is missing (the config needs shape {shape:?})")));
        };
        if &header.shape != shape {
            return Err(weights_error(
                &header.file,
                format!("tensor `{name}` has shape {:?} but the config needs {shape:?}", header.shape),
            ));
        }
        if !matches!(header.dtype, DType::F32 | DType::F16 | DType::BF16) {
            return Err(weights_error(
                &header.file,
                format!("tensor `{name}` is {:?}; supported: F32, F16, BF16", header.dtype),
            ));
        }
        file_dtypes.insert(format!("{:?}", header.dtype));
    }
    let wanted: BTreeSet<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
    let unused = headers.keys().filter(|n| !wanted.contains(n.as_str())).cloned().collect();

    let mut model = Llama::<B>::new(&config, device)?;
    let model_dtype = Tensor::<B, 1>::zeros([1], device).dtype();
    let remapper = key_remapper()?;
    let mut applied = BTreeSet::new();
    for file in &files {
        let mut store = SafetensorsStore::from_file(file.clone())
            .remap(remapper.clone())
            .with_from_adapter(PyTorchToBurnAdapter.chain(CastFloats { dtype: model_dtype }))
            .allow_partial(true)
            .validate(true);
        let result = model.load_from(&mut store).map_err(|e| weights_error(file, e.to_string()))?;
        applied.extend(result.applied);
    }
    if applied.len() != expected.len() {
        return Err(weights_error(
            dir,
            format!("{} of the {} expected tensors were applied to the model", applied.len(), expected.len()),
        ));
    }
    let info = CheckpointInfo {
        config,
        files,
        file_dtypes: file_dtypes.into_iter().collect(),
        model_dtype: format!("{model_dtype:?}"),
        tensors: applied.len(),
        unused,
    };
    Ok((model, info))
}
