//! The architecture of a Llama-family decoder: read from a Hugging Face
//! `config.json` or taken from a preset, validated, and measured
//! (parameters, FLOPs per token).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::bad_config;
use super::tokenizer::{BYTE_BOS, BYTE_EOS};
use crate::error::WorkloadError;

/// How rotary position frequencies are rescaled for long contexts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rope_type", rename_all = "lowercase")]
pub enum RopeScaling {
    /// Every frequency divided by `factor` (position interpolation).
    Linear {
        /// Divisor of every frequency.
        factor: f64,
    },
    /// Llama 3.1's scheme: low frequencies divided by `factor`, high ones
    /// kept, a smooth blend in between.
    Llama3 {
        /// Divisor of the low frequencies.
        factor: f64,
        /// Wavelengths above `original_max_position_embeddings / low_freq_factor` are scaled.
        low_freq_factor: f64,
        /// Wavelengths below `original_max_position_embeddings / high_freq_factor` are kept.
        high_freq_factor: f64,
        /// The context length the model was pre-trained with.
        original_max_position_embeddings: usize,
    },
}

/// Architecture of a Llama-family decoder-only transformer.
///
/// The field names are those of a Hugging Face `config.json`, so that
/// [`LlamaConfig::from_json`] reads one directly; fields that the file may
/// omit get the Hugging Face defaults there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LlamaConfig {
    /// Tokens in the vocabulary (rows of the embedding).
    pub vocab_size: usize,
    /// Width of the residual stream.
    pub hidden_size: usize,
    /// Width of the SwiGLU MLP's inner layer.
    pub intermediate_size: usize,
    /// Decoder layers.
    pub num_hidden_layers: usize,
    /// Query heads.
    pub num_attention_heads: usize,
    /// Key/value heads (grouped-query attention when fewer than the query heads).
    pub num_key_value_heads: usize,
    /// Width of one attention head.
    pub head_dim: usize,
    /// Base of the rotary position frequencies.
    pub rope_theta: f64,
    /// Rescaling of the rotary frequencies, if any.
    pub rope_scaling: Option<RopeScaling>,
    /// Epsilon of every RMSNorm.
    pub rms_norm_eps: f64,
    /// Longest sequence (prompt plus generated tokens) the model accepts.
    pub max_position_embeddings: usize,
    /// Whether the LM head reuses the token embedding's matrix.
    pub tie_word_embeddings: bool,
    /// Beginning-of-sequence token, if the model has one.
    pub bos_token_id: Option<u32>,
    /// Tokens that end a generation.
    pub eos_token_ids: Vec<u32>,
}

/// `eos_token_id` is a single id or a list in Hugging Face configs.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(u32),
    Many(Vec<u32>),
}

/// A Hugging Face `config.json` as written, before defaults and checks.
#[derive(Deserialize)]
struct HfConfig {
    model_type: Option<String>,
    vocab_size: usize,
    hidden_size: usize,
    intermediate_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    num_key_value_heads: Option<usize>,
    head_dim: Option<usize>,
    rope_theta: Option<f64>,
    rope_scaling: Option<serde_json::Value>,
    rms_norm_eps: Option<f64>,
    max_position_embeddings: Option<usize>,
    tie_word_embeddings: Option<bool>,
    hidden_act: Option<String>,
    attention_bias: Option<bool>,
    mlp_bias: Option<bool>,
    bos_token_id: Option<u32>,
    eos_token_id: Option<OneOrMany>,
}

/// Model types whose checkpoints have exactly the Llama layout.
const LLAMA_MODEL_TYPES: [&str; 1] = ["llama"];

impl LlamaConfig {
    /// The tiny preset, for tests and the CPU suite: about 0.85 M parameters,
    /// a byte-level vocabulary (256 bytes plus special tokens).
    pub fn tiny() -> Self {
        Self {
            vocab_size: 512,
            hidden_size: 128,
            intermediate_size: 384,
            num_hidden_layers: 4,
            num_attention_heads: 4,
            num_key_value_heads: 2,
            head_dim: 32,
            rope_theta: 10_000.0,
            rope_scaling: None,
            rms_norm_eps: 1e-5,
            max_position_embeddings: 4096,
            tie_word_embeddings: true,
            bos_token_id: Some(BYTE_BOS),
            eos_token_ids: vec![BYTE_EOS],
        }
    }

    /// The small preset: about 100 M parameters (12 layers of width 768,
    /// 12 query and 4 key/value heads, a 32 000-token vocabulary).
    pub fn small() -> Self {
        Self {
            vocab_size: 32_000,
            hidden_size: 768,
            intermediate_size: 2048,
            num_hidden_layers: 12,
            num_attention_heads: 12,
            num_key_value_heads: 4,
            head_dim: 64,
            rope_theta: 10_000.0,
            rope_scaling: None,
            rms_norm_eps: 1e-5,
            max_position_embeddings: 4096,
            tie_word_embeddings: true,
            bos_token_id: Some(BYTE_BOS),
            eos_token_ids: vec![BYTE_EOS],
        }
    }

    /// The shape of Llama 3.2 1B: 1.24 B parameters, 16 layers of width
    /// 2048, 32 query and 8 key/value heads, a 128 256-token vocabulary,
    /// tied embeddings and Llama 3 rotary scaling.
    pub fn llama_3_2_1b() -> Self {
        Self {
            vocab_size: 128_256,
            hidden_size: 2048,
            intermediate_size: 8192,
            num_hidden_layers: 16,
            num_attention_heads: 32,
            num_key_value_heads: 8,
            head_dim: 64,
            rope_theta: 500_000.0,
            rope_scaling: Some(RopeScaling::Llama3 {
                factor: 32.0,
                low_freq_factor: 1.0,
                high_freq_factor: 4.0,
                original_max_position_embeddings: 8192,
            }),
            rms_norm_eps: 1e-5,
            max_position_embeddings: 131_072,
            tie_word_embeddings: true,
            bos_token_id: Some(128_000),
            eos_token_ids: vec![128_001, 128_008, 128_009],
        }
    }

    /// Names accepted by [`LlamaConfig::preset`].
    pub const PRESETS: [&'static str; 3] = ["tiny", "small", "1b"];

    /// A preset by name: `tiny`, `small` or `1b`.
    pub fn preset(name: &str) -> Result<Self, WorkloadError> {
        match name {
            "tiny" => Ok(Self::tiny()),
            "small" => Ok(Self::small()),
            "1b" | "llama-3.2-1b" => Ok(Self::llama_3_2_1b()),
            other => Err(bad_config(format!("unknown model preset `{other}` (known: {})", Self::PRESETS.join(", ")))),
        }
    }

    /// Reads and checks a Hugging Face `config.json`.
    pub fn from_file(path: &Path) -> Result<Self, WorkloadError> {
        let text = crate::regular_file::read_regular_to_string(path).map_err(|e| WorkloadError::Weights {
            path: path.display().to_string(),
            reason: format!("cannot read the model config: {e}"),
        })?;
        Self::from_json(&text).map_err(|e| match e {
            WorkloadError::BadParameter { reason, .. } => {
                WorkloadError::Weights { path: path.display().to_string(), reason }
            }
            other => other,
        })
    }

    /// Parses and checks the text of a Hugging Face `config.json`; unknown
    /// fields are ignored, unsupported architectures rejected with the reason.
    pub fn from_json(text: &str) -> Result<Self, WorkloadError> {
        let hf: HfConfig =
            serde_json::from_str(text).map_err(|e| bad_config(format!("not a Llama config.json: {e}")))?;
        if let Some(kind) = &hf.model_type {
            if !LLAMA_MODEL_TYPES.contains(&kind.as_str()) {
                return Err(bad_config(format!("model_type `{kind}` is not supported (supported: llama)")));
            }
        }
        if let Some(act) = &hf.hidden_act {
            if act != "silu" {
                return Err(bad_config(format!("hidden_act `{act}` is not supported (the MLP is SwiGLU: silu)")));
            }
        }
        if hf.attention_bias == Some(true) || hf.mlp_bias == Some(true) {
            return Err(bad_config("biases in attention or MLP projections are not supported".into()));
        }
        let heads = hf.num_attention_heads;
        let config = Self {
            vocab_size: hf.vocab_size,
            hidden_size: hf.hidden_size,
            intermediate_size: hf.intermediate_size,
            num_hidden_layers: hf.num_hidden_layers,
            num_attention_heads: heads,
            num_key_value_heads: hf.num_key_value_heads.unwrap_or(heads),
            head_dim: hf.head_dim.unwrap_or(hf.hidden_size.checked_div(heads).unwrap_or(0)),
            rope_theta: hf.rope_theta.unwrap_or(10_000.0),
            rope_scaling: parse_rope_scaling(hf.rope_scaling)?,
            rms_norm_eps: hf.rms_norm_eps.unwrap_or(1e-6),
            max_position_embeddings: hf.max_position_embeddings.unwrap_or(2048),
            tie_word_embeddings: hf.tie_word_embeddings.unwrap_or(false),
            bos_token_id: hf.bos_token_id,
            eos_token_ids: match hf.eos_token_id {
                None => Vec::new(),
                Some(OneOrMany::One(id)) => vec![id],
                Some(OneOrMany::Many(ids)) => ids,
            },
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks that the numbers describe a model this crate can build.
    pub fn validate(&self) -> Result<(), WorkloadError> {
        let sizes = [
            ("vocab_size", self.vocab_size),
            ("hidden_size", self.hidden_size),
            ("intermediate_size", self.intermediate_size),
            ("num_hidden_layers", self.num_hidden_layers),
            ("num_attention_heads", self.num_attention_heads),
            ("num_key_value_heads", self.num_key_value_heads),
            ("head_dim", self.head_dim),
            ("max_position_embeddings", self.max_position_embeddings),
        ];
        if let Some((name, _)) = sizes.iter().find(|(_, v)| *v == 0) {
            return Err(bad_config(format!("{name} must be positive")));
        }
        if !self.num_attention_heads.is_multiple_of(self.num_key_value_heads) {
            return Err(bad_config(format!(
                "num_attention_heads ({}) must be a multiple of num_key_value_heads ({})",
                self.num_attention_heads, self.num_key_value_heads
            )));
        }
        if !self.head_dim.is_multiple_of(2) {
            return Err(bad_config(format!("head_dim ({}) must be even for rotary embeddings", self.head_dim)));
        }
        if !positive(self.rms_norm_eps) {
            return Err(bad_config(format!("rms_norm_eps ({}) must be positive", self.rms_norm_eps)));
        }
        if !(self.rope_theta > 1.0 && self.rope_theta.is_finite()) {
            return Err(bad_config(format!("rope_theta ({}) must be above 1", self.rope_theta)));
        }
        if u32::try_from(self.vocab_size).is_err() {
            return Err(bad_config(format!("vocab_size ({}) does not fit token ids of 32 bits", self.vocab_size)));
        }
        match &self.rope_scaling {
            Some(RopeScaling::Linear { factor }) if !positive(*factor) => {
                return Err(bad_config(format!("rope_scaling factor ({factor}) must be positive")))
            }
            Some(RopeScaling::Llama3 {
                factor,
                low_freq_factor,
                high_freq_factor,
                original_max_position_embeddings,
            }) if !(*factor > 0.0
                && *low_freq_factor > 0.0
                && *high_freq_factor > *low_freq_factor
                && *original_max_position_embeddings > 0) =>
            {
                return Err(bad_config(
                    "llama3 rope_scaling needs factor > 0, high_freq_factor > low_freq_factor > 0 \
                     and original_max_position_embeddings > 0"
                        .into(),
                ))
            }
            _ => {}
        }
        let ids = self.bos_token_id.iter().chain(&self.eos_token_ids);
        if let Some(id) = ids.into_iter().find(|id| **id as usize >= self.vocab_size) {
            return Err(bad_config(format!("special token id {id} is outside the vocabulary ({})", self.vocab_size)));
        }
        Ok(())
    }

    /// Query heads that share one key/value head.
    pub fn group_size(&self) -> usize {
        self.num_attention_heads / self.num_key_value_heads.max(1)
    }

    /// Parameters of the query, key, value and output projections and the
    /// MLP of one layer (all the matrices multiplied per token).
    fn layer_matrix_params(&self) -> u64 {
        let h = self.hidden_size as u64;
        let q = (self.num_attention_heads * self.head_dim) as u64;
        let kv = (self.num_key_value_heads * self.head_dim) as u64;
        let mlp = 3 * h * self.intermediate_size as u64;
        h * q + 2 * h * kv + q * h + mlp
    }

    /// Trainable parameters, counted from the architecture (the tied LM
    /// head counts once).
    pub fn parameters(&self) -> u64 {
        let h = self.hidden_size as u64;
        let embedding = self.vocab_size as u64 * h;
        let layers = self.num_hidden_layers as u64 * (self.layer_matrix_params() + 2 * h);
        let head = if self.tie_word_embeddings { 0 } else { embedding };
        embedding + layers + h + head
    }

    /// FLOPs of the weight matrices of all layers for one token (a
    /// multiply-add counts as two), without attention and the LM head.
    pub fn matrix_flops_per_token(&self) -> u64 {
        2 * self.num_hidden_layers as u64 * self.layer_matrix_params()
    }

    /// FLOPs of the LM head for one position.
    pub fn lm_head_flops(&self) -> u64 {
        2 * self.hidden_size as u64 * self.vocab_size as u64
    }

    /// FLOPs of attention proper (scores `QKᵀ` and the weighted sum of `V`)
    /// for one query token that attends to `context` keys, all layers.
    pub fn attention_flops(&self, context: usize) -> u64 {
        4 * self.num_hidden_layers as u64 * (self.num_attention_heads * self.head_dim) as u64 * context as u64
    }

    /// FLOPs of one decode step for one sequence whose new token attends to
    /// `context` keys (itself included): weights, attention, LM head.
    /// Normalisations, rotary embeddings and softmax are not counted.
    pub fn decode_flops(&self, context: usize) -> u64 {
        self.matrix_flops_per_token() + self.attention_flops(context) + self.lm_head_flops()
    }

    /// FLOPs of the prefill of one prompt of `prompt_len` tokens: weights for
    /// every token, causal attention (token `i` attends to `i` keys) and the
    /// LM head at the last position only, as generation computes it.
    /// Work on left padding of a batch is not counted.
    pub fn prefill_flops(&self, prompt_len: usize) -> u64 {
        let n = prompt_len as u64;
        let causal_keys = n * (n + 1) / 2;
        n * self.matrix_flops_per_token() + self.attention_flops(1) * causal_keys + self.lm_head_flops()
    }

    /// FLOPs of a whole generation for one sequence: the prefill, which
    /// yields the first new token, then `new_tokens - 1` decode steps.
    pub fn generation_flops(&self, prompt_len: usize, new_tokens: usize) -> u64 {
        let decode: u64 = (1..new_tokens).map(|k| self.decode_flops(prompt_len + k)).sum();
        self.prefill_flops(prompt_len) + decode
    }

    /// Bytes of the key/value cache per token of context, for an element of
    /// `bytes_per_element` bytes.
    pub fn kv_cache_bytes_per_token(&self, bytes_per_element: usize) -> u64 {
        (2 * self.num_hidden_layers * self.num_key_value_heads * self.head_dim * bytes_per_element) as u64
    }
}

/// Whether `x` is a finite number above zero.
fn positive(x: f64) -> bool {
    x > 0.0 && x.is_finite()
}

/// Interprets `rope_scaling`: absent, null or `default` means none; `linear`
/// and `llama3` are implemented; anything else is refused with its name.
fn parse_rope_scaling(value: Option<serde_json::Value>) -> Result<Option<RopeScaling>, WorkloadError> {
    let Some(value) = value.filter(|v| !v.is_null()) else { return Ok(None) };
    let kind = value
        .get("rope_type")
        .or_else(|| value.get("type"))
        .and_then(|v| v.as_str())
        .ok_or_else(|| bad_config(format!("rope_scaling without a rope_type: {value}")))?;
    let number = |key: &str| {
        value
            .get(key)
            .and_then(|v| v.as_f64())
            .ok_or_else(|| bad_config(format!("rope_scaling of type `{kind}` needs a number `{key}`")))
    };
    match kind {
        "default" => Ok(None),
        "linear" => Ok(Some(RopeScaling::Linear { factor: number("factor")? })),
        "llama3" => Ok(Some(RopeScaling::Llama3 {
            factor: number("factor")?,
            low_freq_factor: number("low_freq_factor")?,
            high_freq_factor: number("high_freq_factor")?,
            original_max_position_embeddings: number("original_max_position_embeddings")? as usize,
        })),
        other => Err(bad_config(format!(
            "rope_scaling type `{other}` is not supported (supported: default, linear, llama3)"
        ))),
    }
}
