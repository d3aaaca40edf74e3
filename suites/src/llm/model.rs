//! The decoder-only Llama-family transformer: token embedding, decoder
//! layers (RMSNorm, grouped-query attention, RMSNorm, SwiGLU MLP, each with a
//! residual), final RMSNorm and an LM head tied to the embedding or not.
//!
//! Field names follow the Hugging Face checkpoint layout (without the
//! `model.` prefix), so that checkpoints load by name.

use burn::module::{Module, ModuleVisitor, Param};
use burn::nn::{Embedding, EmbeddingConfig, Initializer, Linear, RmsNorm, RmsNormConfig};
use burn::tensor::backend::Backend;
use burn::tensor::module::linear;
use burn::tensor::{Bool, DType, Int, Tensor, TensorData};

use super::attention::Attention;
use super::cache::{KvCache, LayerKv};
use super::config::LlamaConfig;
use super::mlp::{projection, Mlp};
use super::rope::{inverse_frequencies, RotaryTables};
use super::{bad_request, MASKED};
use crate::error::WorkloadError;

/// One decoder layer.
#[derive(Module, Debug)]
pub struct DecoderLayer<B: Backend> {
    /// Grouped-query self-attention.
    pub self_attn: Attention<B>,
    /// SwiGLU feed-forward block.
    pub mlp: Mlp<B>,
    /// RMSNorm before attention.
    pub input_layernorm: RmsNorm<B>,
    /// RMSNorm before the MLP.
    pub post_attention_layernorm: RmsNorm<B>,
}

impl<B: Backend> DecoderLayer<B> {
    fn new(config: &LlamaConfig, device: &B::Device) -> Self {
        let norm = || RmsNormConfig::new(config.hidden_size).with_epsilon(config.rms_norm_eps).init(device);
        Self {
            self_attn: Attention::new(
                config.hidden_size,
                config.num_attention_heads,
                config.num_key_value_heads,
                config.head_dim,
                device,
            ),
            mlp: Mlp::new(config.hidden_size, config.intermediate_size, device),
            input_layernorm: norm(),
            post_attention_layernorm: norm(),
        }
    }

    fn forward(
        &self,
        x: Tensor<B, 3>,
        rotary: &RotaryTables<B>,
        kv: &mut LayerKv<B>,
        start: usize,
        mask: Option<&Tensor<B, 5>>,
    ) -> Result<Tensor<B, 3>, WorkloadError> {
        let attended = self.self_attn.forward(self.input_layernorm.forward(x.clone()), rotary, kv, start, mask)?;
        let h = x + attended;
        Ok(h.clone() + self.mlp.forward(self.post_attention_layernorm.forward(h)))
    }
}

/// A Llama-family causal language model, generic over the Burn backend; it
/// runs in the backend's default float type.
#[derive(Module, Debug)]
pub struct Llama<B: Backend> {
    /// Token embedding, `[vocab, hidden]`.
    pub embed_tokens: Embedding<B>,
    /// Decoder layers.
    pub layers: Vec<DecoderLayer<B>>,
    /// Final RMSNorm.
    pub norm: RmsNorm<B>,
    /// LM head, absent when tied to the embedding.
    pub lm_head: Option<Linear<B>>,
    #[module(skip)]
    config: LlamaConfig,
    #[module(skip)]
    inv_freq: Vec<f64>,
}

impl<B: Backend> Llama<B> {
    /// A model of the given architecture with random weights (normal, std
    /// 0.02, as Hugging Face initialises Llama; norms at one). Parameters
    /// are created lazily, so loading a checkpoint next costs no random init;
    /// seed the backend first for reproducible random weights.
    pub fn new(config: &LlamaConfig, device: &B::Device) -> Result<Self, WorkloadError> {
        config.validate()?;
        let embed_tokens = EmbeddingConfig::new(config.vocab_size, config.hidden_size)
            .with_initializer(Initializer::Normal { mean: 0.0, std: 0.02 })
            .init(device);
        let lm_head = (!config.tie_word_embeddings).then(|| projection(config.hidden_size, config.vocab_size, device));
        Ok(Self {
            embed_tokens,
            layers: (0..config.num_hidden_layers).map(|_| DecoderLayer::new(config, device)).collect(),
            norm: RmsNormConfig::new(config.hidden_size).with_epsilon(config.rms_norm_eps).init(device),
            lm_head,
            config: config.clone(),
            inv_freq: inverse_frequencies(config),
        })
    }

    /// Parameters of the model, counted from the parameters' shapes without
    /// materialising lazily initialised ones (unlike `num_params`).
    pub fn parameter_count(&self) -> u64 {
        struct Counter(u64);
        impl<B: Backend> ModuleVisitor<B> for Counter {
            fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
                self.0 += param.lazy_shape().num_elements() as u64;
            }
        }
        let mut counter = Counter(0);
        self.visit(&mut counter);
        counter.0
    }

    /// The architecture.
    pub fn config(&self) -> &LlamaConfig {
        &self.config
    }

    /// An empty key/value cache for rows with the given left padding.
    pub fn new_cache(
        &self,
        left_padding: Vec<usize>,
        capacity: usize,
        device: &B::Device,
    ) -> Result<KvCache<B>, WorkloadError> {
        KvCache::new(&self.config, left_padding, capacity, device)
    }

    /// Logits `[batch, seq, vocab]` for every position of `tokens`
    /// (`[batch, seq]`, ids below the vocabulary size), which continue the
    /// sequences held in `cache`; the cache then holds them too.
    pub fn forward(&self, tokens: Tensor<B, 2, Int>, cache: &mut KvCache<B>) -> Result<Tensor<B, 3>, WorkloadError> {
        let hidden = self.hidden(tokens, cache)?;
        Ok(self.head(self.norm.forward(hidden)))
    }

    /// Like [`Llama::forward`], but only the logits of the last position,
    /// `[batch, vocab]`: what generation needs, without the LM head's cost
    /// at the other positions.
    pub fn forward_last(
        &self,
        tokens: Tensor<B, 2, Int>,
        cache: &mut KvCache<B>,
    ) -> Result<Tensor<B, 2>, WorkloadError> {
        let hidden = self.hidden(tokens, cache)?;
        let [batch, seq, _] = hidden.dims();
        let last = self.norm.forward(hidden.narrow(1, seq - 1, 1));
        Ok(self.head(last).reshape([batch, self.config.vocab_size]))
    }

    /// Logits of a whole batch of unpadded sequences without a prior cache.
    pub fn forward_full(&self, tokens: Tensor<B, 2, Int>) -> Result<Tensor<B, 3>, WorkloadError> {
        let [batch, seq] = tokens.dims();
        let mut cache = KvCache::unpadded(&self.config, batch, seq.max(1), &tokens.device())?;
        self.forward(tokens, &mut cache)
    }

    fn head(&self, hidden: Tensor<B, 3>) -> Tensor<B, 3> {
        match &self.lm_head {
            Some(head) => head.forward(hidden),
            None => linear(hidden, self.embed_tokens.weight.val().transpose(), None),
        }
    }

    /// The residual stream after the last layer, before the final norm.
    fn hidden(&self, tokens: Tensor<B, 2, Int>, cache: &mut KvCache<B>) -> Result<Tensor<B, 3>, WorkloadError> {
        let [batch, seq] = tokens.dims();
        let start = cache.len();
        if batch != cache.batch() {
            return Err(bad_request("batch", format!("{batch} rows of tokens for a cache of {}", cache.batch())));
        }
        if seq == 0 {
            return Err(bad_request("tokens", "no tokens to process".into()));
        }
        if start + seq > cache.capacity() {
            return Err(bad_request(
                "tokens",
                format!("{} positions exceed the cache's capacity of {}", start + seq, cache.capacity()),
            ));
        }
        let positions = cache.positions(seq);
        let longest = positions.iter().max().copied().unwrap_or(0) + 1;
        if longest > self.config.max_position_embeddings {
            return Err(bad_request(
                "tokens",
                format!(
                    "a sequence of {longest} tokens exceeds the model's maximum of {}",
                    self.config.max_position_embeddings
                ),
            ));
        }
        let device = tokens.device();
        let mut x = self.embed_tokens.forward(tokens);
        let rotary = RotaryTables::new(&self.inv_freq, &positions, batch, seq, x.dtype(), &device);
        let mask = attention_mask::<B>(cache.left_padding(), start, seq, &device);
        for (layer, kv) in self.layers.iter().zip(cache.layers.iter_mut()) {
            x = layer.forward(x, &rotary, kv, start, mask.as_ref())?;
        }
        cache.advance(seq);
        Ok(x)
    }
}

/// The additive attention mask for `seq` new queries after `start` cached
/// positions: f32 `[batch, 1, 1, seq, start + seq]`, [`MASKED`] on padding
/// keys and on keys after the query (causal), 0 elsewhere; none for a
/// single new token per row without padding (a decode step of equal rows).
fn attention_mask<B: Backend>(
    left_padding: &[usize],
    start: usize,
    seq: usize,
    device: &B::Device,
) -> Option<Tensor<B, 5>> {
    let batch = left_padding.len();
    if seq == 1 && left_padding.iter().all(|p| *p == 0) {
        return None;
    }
    let context = start + seq;
    let mut padding = Vec::with_capacity(batch * context);
    for pad in left_padding {
        padding.extend((0..context).map(|j| if j < *pad { MASKED } else { 0.0 }));
    }
    let padding = Tensor::<B, 2>::from_data(TensorData::new(padding, [batch, context]), (device, DType::F32))
        .reshape([batch, 1, 1, 1, context]);
    if seq == 1 {
        return Some(padding);
    }
    let future = Tensor::<B, 2, Bool>::tril_mask([seq, context], start as i64, device);
    let causal = Tensor::<B, 2>::zeros([seq, context], (device, DType::F32)).mask_fill(future, MASKED);
    Some(
        padding.expand([batch, 1, 1, seq, context])
            + causal.reshape([1, 1, 1, seq, context]).expand([batch, 1, 1, seq, context]),
    )
}
