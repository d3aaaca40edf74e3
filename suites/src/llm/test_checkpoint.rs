//! Test support: tiny Llama checkpoints in the Hugging Face layout, written
//! with the `safetensors` crate from seeded random weights, and the stored
//! values read back as f64 for the independent reference.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use safetensors::tensor::TensorView;
use safetensors::Dtype;

use super::checkpoint::expected_tensors;
use super::config::{LlamaConfig, RopeScaling};
use crate::rng::SplitMix64;

/// Element type of the written file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileDtype {
    F32,
    F16,
    Bf16,
}

/// A tensor as stored: shape (Hugging Face layout) and its values exactly as
/// the file holds them, widened to f64.
pub(crate) type Weights = BTreeMap<String, (Vec<usize>, Vec<f64>)>;

/// A small GQA config: 2 layers, 4 query and 2 key/value heads of 8.
pub(crate) fn test_config(tied: bool, scaled: bool) -> LlamaConfig {
    LlamaConfig {
        vocab_size: 61,
        hidden_size: 32,
        intermediate_size: 48,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        num_key_value_heads: 2,
        head_dim: 8,
        rope_theta: 10_000.0,
        rope_scaling: scaled.then_some(RopeScaling::Llama3 {
            factor: 4.0,
            low_freq_factor: 1.0,
            high_freq_factor: 4.0,
            original_max_position_embeddings: 16,
        }),
        rms_norm_eps: 1e-5,
        max_position_embeddings: 64,
        tie_word_embeddings: tied,
        bos_token_id: Some(1),
        eos_token_ids: vec![2],
    }
}

/// The config as a Hugging Face `config.json`, with fields this crate
/// ignores, as real files have them.
pub(crate) fn hf_config_json(config: &LlamaConfig) -> String {
    let rope_scaling = match &config.rope_scaling {
        None => serde_json::Value::Null,
        Some(RopeScaling::Linear { factor }) => serde_json::json!({"type": "linear", "factor": factor}),
        Some(RopeScaling::Llama3 { factor, low_freq_factor, high_freq_factor, original_max_position_embeddings }) => {
            serde_json::json!({
                "rope_type": "llama3",
                "factor": factor,
                "low_freq_factor": low_freq_factor,
                "high_freq_factor": high_freq_factor,
                "original_max_position_embeddings": original_max_position_embeddings,
            })
        }
    };
    serde_json::json!({
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_act": "silu",
        "attention_bias": false,
        "attention_dropout": 0.0,
        "mlp_bias": false,
        "initializer_range": 0.02,
        "torch_dtype": "bfloat16",
        "transformers_version": "4.45.0",
        "use_cache": true,
        "vocab_size": config.vocab_size,
        "hidden_size": config.hidden_size,
        "intermediate_size": config.intermediate_size,
        "num_hidden_layers": config.num_hidden_layers,
        "num_attention_heads": config.num_attention_heads,
        "num_key_value_heads": config.num_key_value_heads,
        "head_dim": config.head_dim,
        "rope_theta": config.rope_theta,
        "rope_scaling": rope_scaling,
        "rms_norm_eps": config.rms_norm_eps,
        "max_position_embeddings": config.max_position_embeddings,
        "tie_word_embeddings": config.tie_word_embeddings,
        "bos_token_id": config.bos_token_id,
        "eos_token_id": config.eos_token_ids,
    })
    .to_string()
}

/// Seeded random weights for `config`: norms near 1, embeddings and
/// projections scaled so that activations stay of order one.
pub(crate) fn random_weights(config: &LlamaConfig, seed: u64) -> BTreeMap<String, (Vec<usize>, Vec<f32>)> {
    let mut rng = SplitMix64::new(seed);
    expected_tensors(config)
        .into_iter()
        .map(|(name, shape)| {
            let n: usize = shape.iter().product();
            let values: Vec<f32> = if shape.len() == 1 {
                (0..n).map(|_| (1.0 + 0.2 * rng.normal()) as f32).collect()
            } else {
                let scale = if name.contains("embed_tokens") || name == "lm_head.weight" {
                    1.0
                } else {
                    1.0 / (shape[1] as f64).sqrt()
                };
                (0..n).map(|_| (scale * rng.normal()) as f32).collect()
            };
            (name, (shape, values))
        })
        .collect()
}

fn encode(values: &[f32], dtype: FileDtype) -> (Dtype, Vec<u8>, Vec<f64>) {
    match dtype {
        FileDtype::F32 => (
            Dtype::F32,
            values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            values.iter().map(|&v| v as f64).collect(),
        ),
        FileDtype::F16 => {
            let h: Vec<half::f16> = values.iter().map(|&v| half::f16::from_f32(v)).collect();
            (Dtype::F16, h.iter().flat_map(|v| v.to_le_bytes()).collect(), h.iter().map(|v| v.to_f64()).collect())
        }
        FileDtype::Bf16 => {
            let h: Vec<half::bf16> = values.iter().map(|&v| half::bf16::from_f32(v)).collect();
            (Dtype::BF16, h.iter().flat_map(|v| v.to_le_bytes()).collect(), h.iter().map(|v| v.to_f64()).collect())
        }
    }
}

/// Writes `config.json` and the weights (one file, or `shards` files with an
/// index) into `dir`; returns the stored values for the reference.
pub(crate) fn write_checkpoint(
    dir: &Path,
    config: &LlamaConfig,
    tensors: &BTreeMap<String, (Vec<usize>, Vec<f32>)>,
    dtype: FileDtype,
    shards: usize,
) -> Weights {
    std::fs::write(dir.join("config.json"), hf_config_json(config)).unwrap();
    let mut stored = Weights::new();
    let mut encoded = Vec::new();
    for (name, (shape, values)) in tensors {
        let (st_dtype, bytes, exact) = encode(values, dtype);
        stored.insert(name.clone(), (shape.clone(), exact));
        encoded.push((name.clone(), st_dtype, shape.clone(), bytes));
    }
    let file_names: Vec<String> = if shards <= 1 {
        vec!["model.safetensors".into()]
    } else {
        (1..=shards).map(|i| format!("model-{i:05}-of-{shards:05}.safetensors")).collect()
    };
    let per_shard = encoded.len().div_ceil(file_names.len());
    let mut weight_map = BTreeMap::new();
    for (chunk, file) in encoded.chunks(per_shard).zip(&file_names) {
        let views: Vec<(String, TensorView)> = chunk
            .iter()
            .map(|(name, d, shape, bytes)| (name.clone(), TensorView::new(*d, shape.clone(), bytes).unwrap()))
            .collect();
        let meta = HashMap::from([("format".to_string(), "pt".to_string())]);
        safetensors::serialize_to_file(views, Some(meta), &dir.join(file)).unwrap();
        for (name, ..) in chunk {
            weight_map.insert(name.clone(), file.clone());
        }
    }
    if shards > 1 {
        let index = serde_json::json!({"metadata": {"total_size": 0}, "weight_map": weight_map});
        std::fs::write(dir.join("model.safetensors.index.json"), index.to_string()).unwrap();
    }
    stored
}
