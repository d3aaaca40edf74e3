//! Grouped-query self-attention with rotary embeddings, a key/value cache
//! and an additive mask (causal and left padding); softmax in f32.

use burn::module::Module;
use burn::nn::Linear;
use burn::tensor::activation::softmax;
use burn::tensor::backend::Backend;
use burn::tensor::{DType, Tensor};

use super::cache::LayerKv;
use super::mlp::projection;
use super::rope::RotaryTables;
use crate::error::WorkloadError;

/// Self-attention of one decoder layer, with the Hugging Face names of its
/// projections (no biases).
#[derive(Module, Debug)]
pub struct Attention<B: Backend> {
    /// Query projection, hidden to `heads * head_dim`.
    pub q_proj: Linear<B>,
    /// Key projection, hidden to `kv_heads * head_dim`.
    pub k_proj: Linear<B>,
    /// Value projection, hidden to `kv_heads * head_dim`.
    pub v_proj: Linear<B>,
    /// Output projection, `heads * head_dim` to hidden.
    pub o_proj: Linear<B>,
    #[module(skip)]
    heads: usize,
    #[module(skip)]
    kv_heads: usize,
    #[module(skip)]
    head_dim: usize,
}

impl<B: Backend> Attention<B> {
    /// A randomly initialised attention block.
    pub fn new(hidden: usize, heads: usize, kv_heads: usize, head_dim: usize, device: &B::Device) -> Self {
        Self {
            q_proj: projection(hidden, heads * head_dim, device),
            k_proj: projection(hidden, kv_heads * head_dim, device),
            v_proj: projection(hidden, kv_heads * head_dim, device),
            o_proj: projection(heads * head_dim, hidden, device),
            heads,
            kv_heads,
            head_dim,
        }
    }

    /// `x`: `[batch, seq, hidden]`; the new keys and values are written to
    /// `cache` at `start`; `mask` (none when every key may be attended): f32
    /// `[batch, 1, 1, seq, start + seq]`,
    /// 0 where a query may attend and a large negative number elsewhere.
    pub(crate) fn forward(
        &self,
        x: Tensor<B, 3>,
        rotary: &RotaryTables<B>,
        cache: &mut LayerKv<B>,
        start: usize,
        mask: Option<&Tensor<B, 5>>,
    ) -> Result<Tensor<B, 3>, WorkloadError> {
        let [batch, seq, _] = x.dims();
        let (heads, kv_heads, dim) = (self.heads, self.kv_heads, self.head_dim);
        let group = heads / kv_heads;
        let split = |t: Tensor<B, 3>, n: usize| t.reshape([batch, seq, n, dim]).swap_dims(1, 2);
        let q = rotary.apply(split(self.q_proj.forward(x.clone()), heads));
        let k = rotary.apply(split(self.k_proj.forward(x.clone()), kv_heads));
        let v = split(self.v_proj.forward(x), kv_heads);
        let (keys, values) = cache.append(k, v, start)?;
        let context = start + seq;

        // The query heads that share a key/value head are stacked along the
        // sequence axis, so that one matmul per key/value head serves them all.
        let dtype = q.dtype();
        let q = q.mul_scalar(1.0 / (dim as f64).sqrt()).reshape([batch, kv_heads, group * seq, dim]);
        let scores = q.matmul(keys.swap_dims(2, 3)).cast(DType::F32).reshape([batch, kv_heads, group, seq, context]);
        let scores = match mask {
            Some(mask) => scores + mask.clone().expand([batch, kv_heads, group, seq, context]),
            None => scores,
        };
        let weights = softmax(scores, 4).cast(dtype).reshape([batch, kv_heads, group * seq, context]);
        let out = weights.matmul(values).reshape([batch, heads, seq, dim]).swap_dims(1, 2);
        Ok(self.o_proj.forward(out.reshape([batch, seq, heads * dim])))
    }
}
