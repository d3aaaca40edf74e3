//! The forecaster packed for inference on Burn's CPU backend: each encoder
//! layer's query, key and value projections as one product, and attention
//! through the kernel of `wattbench_kernels::attention_cpu` on flex's
//! buffers (one sequence and head at a time in cache, instead of Burn's
//! score tensors for the whole batch and the copies into and out of
//! per-head layout). Normalisation, the output projection and the
//! feed-forward block stay Burn's modules. Off flex it is never built;
//! should attention still answer `None` mid-query, the query goes through
//! Burn's modules.

use burn::nn::transformer::{PositionWiseFeedForward, TransformerEncoderLayer};
use burn::nn::{LayerNorm, Linear};
use burn::tensor::backend::Backend;
use burn::tensor::{DType, Shape, Tensor};
use burn_flex::FlexTensor;
use wattbench_kernels::attention_cpu::{self_attention, AttentionShape};

use super::model::PatchTst;
use crate::layers::flex_access::{contiguous_f32, flex, tensor};
use crate::tensor_workload::{Net, Packed};

/// One encoder layer, its attention projections fused.
struct PackedEncoderLayer<B: Backend> {
    /// `[d, 3 d]`: query, key and value weights side by side.
    qkv_weight: Tensor<B, 2>,
    /// `[1, 3 d]`.
    qkv_bias: Tensor<B, 2>,
    output: Linear<B>,
    pwff: PositionWiseFeedForward<B>,
    norm_1: LayerNorm<B>,
    norm_2: LayerNorm<B>,
    norm_first: bool,
    heads: usize,
}

impl<B: Backend> PackedEncoderLayer<B> {
    /// `None` where a projection has no bias, the layer uses quiet softmax,
    /// or the weights are not flex tensors.
    fn new(layer: &TransformerEncoderLayer<B>) -> Option<Self> {
        let mha = &layer.mha;
        if mha.quiet_softmax {
            return None;
        }
        let parts = [&mha.query, &mha.key, &mha.value];
        let qkv_weight = Tensor::cat(parts.iter().map(|l| l.weight.val()).collect(), 1);
        flex(&qkv_weight)?;
        let biases = parts.iter().map(|l| l.bias.as_ref().map(|b| b.val())).collect::<Option<Vec<_>>>()?;
        Some(Self {
            qkv_weight,
            qkv_bias: Tensor::cat(biases, 0).unsqueeze(),
            output: mha.output.clone(),
            pwff: layer.pwff.clone(),
            norm_1: layer.norm_1.clone(),
            norm_2: layer.norm_2.clone(),
            norm_first: layer.norm_first,
            heads: mha.n_heads,
        })
    }

    /// What Burn's `TransformerEncoderLayer::forward` computes without masks
    /// (dropout is the identity in inference).
    fn forward(&self, x: Tensor<B, 3>) -> Option<Tensor<B, 3>> {
        let [sequences, tokens, width] = x.dims();
        let r = if self.norm_first { self.norm_2.forward(x.clone()) } else { x.clone() };
        let qkv = r.reshape([sequences * tokens, width]).matmul(self.qkv_weight.clone()) + self.qkv_bias.clone();
        let shape = AttentionShape { sequences, tokens, width, heads: self.heads };
        let context = attention(shape, &qkv)?;
        let mut x = x + self.output.forward(context).reshape([sequences, tokens, width]);
        let r = if self.norm_first {
            self.norm_1.forward(x.clone())
        } else {
            x = self.norm_1.forward(x);
            x.clone()
        };
        let x = x + self.pwff.forward(r);
        Some(if self.norm_first { x } else { self.norm_2.forward(x) })
    }
}

/// The attention kernel on `qkv`'s flex buffer: `[rows, width]` out.
fn attention<B: Backend>(shape: AttentionShape, qkv: &Tensor<B, 2>) -> Option<Tensor<B, 2>> {
    let qkv = contiguous_f32(qkv)?;
    let mut out = FlexTensor::empty(Shape::new([shape.sequences * shape.tokens, shape.width]), DType::F32);
    self_attention(shape, qkv.as_slice()?, out.storage_mut()).ok()?;
    tensor(out)
}

/// The forecaster with its encoder layers packed.
pub(super) struct PackedPatchTst<B: Backend> {
    layers: Vec<PackedEncoderLayer<B>>,
    plain: PatchTst<B>,
}

impl<B: Backend> PackedPatchTst<B> {
    /// The packed form of `model`, `None` where a layer does not pack.
    pub(super) fn new(model: &PatchTst<B>) -> Option<Self> {
        if model.encoder.quiet_softmax {
            return None;
        }
        let layers = model.encoder.layers.iter().map(PackedEncoderLayer::new).collect::<Option<_>>()?;
        Some(Self { layers, plain: model.clone() })
    }
}

impl<B: Backend> Packed<B> for PackedPatchTst<B> {
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        let encode = |tokens: Tensor<B, 3>| self.layers.iter().try_fold(tokens, |x, layer| layer.forward(x).ok_or(()));
        match self.plain.forward_with(input.clone(), encode) {
            Ok(forecast) => forecast,
            Err(()) => self.plain.forward(input),
        }
    }
}
