//! A PatchTST-style forecaster (Nie et al., ICLR 2023): each channel on its
//! own (channel independence), instance-normalised (RevIN without affine
//! weights), cut into overlapping patches that become the tokens of a
//! transformer encoder, whose flattened output a linear head maps to the
//! forecast.

use std::convert::Infallible;

use burn::module::{Module, Param};
use burn::nn::transformer::{TransformerEncoder, TransformerEncoderConfig, TransformerEncoderInput};
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use super::params::TransformerTempParams;
use crate::tensor_workload::{Net, Packed};

/// The forecaster, generic over the Burn backend.
#[derive(Module, Debug)]
pub struct PatchTst<B: Backend> {
    embed: Linear<B>,
    position: Param<Tensor<B, 2>>,
    pub(super) encoder: TransformerEncoder<B>,
    head: Linear<B>,
    patch_len: usize,
    patch_stride: usize,
    horizon: usize,
}

impl<B: Backend> PatchTst<B> {
    /// A randomly initialised forecaster (seed the backend first).
    pub fn new(p: &TransformerTempParams, device: &B::Device) -> Self {
        let patches = p.patches();
        Self {
            embed: LinearConfig::new(p.patch_len, p.d_model).init(device),
            position: Initializer::Normal { mean: 0.0, std: 0.02 }.init([patches, p.d_model], device),
            encoder: TransformerEncoderConfig::new(p.d_model, p.d_ff, p.heads, p.layers)
                .with_norm_first(true)
                .with_dropout(0.1)
                .init(device),
            head: LinearConfig::new(patches * p.d_model, p.horizon).init(device),
            patch_len: p.patch_len,
            patch_stride: p.patch_stride,
            horizon: p.horizon,
        }
    }
}

impl<B: Backend> Net<B> for PatchTst<B> {
    /// `[batch, channels, lookback]` in, `[batch, channels × horizon]` out.
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        let encoder = |tokens| Ok::<_, Infallible>(self.encoder.forward(TransformerEncoderInput::new(tokens)));
        match self.forward_with(input, encoder) {
            Ok(forecast) => forecast,
            Err(never) => match never {},
        }
    }

    fn packed(&self) -> Option<Box<dyn Packed<B>>> {
        Some(Box::new(super::packed::PackedPatchTst::new(self)?))
    }
}

impl<B: Backend> PatchTst<B> {
    /// The forward pass with `encode` as the encoder (`[sequences, patches,
    /// d_model]` in and out), failing where `encode` fails.
    pub(super) fn forward_with<E>(
        &self,
        input: Tensor<B, 3>,
        encode: impl FnOnce(Tensor<B, 3>) -> Result<Tensor<B, 3>, E>,
    ) -> Result<Tensor<B, 2>, E> {
        let [batch, channels, lookback] = input.dims();
        let series = input.reshape([batch * channels, lookback]);
        let mean = series.clone().mean_dim(1);
        let centred = series - mean.clone();
        let std = (centred.clone().powi_scalar(2).mean_dim(1) + 1e-5).sqrt();
        let x = centred / std.clone();
        let patches: Tensor<B, 3> = x.unfold(1, self.patch_len, self.patch_stride);
        let [rows, count, _] = patches.dims();
        let tokens = self.embed.forward(patches) + self.position.val().unsqueeze::<3>();
        let encoded = encode(tokens)?;
        let [_, _, d_model] = encoded.dims();
        let forecast = self.head.forward(encoded.reshape([rows, count * d_model]));
        Ok((forecast * std + mean).reshape([batch, channels * self.horizon]))
    }
}

/// Trainable parameters of the forecaster for `p`.
pub fn parameters(p: &TransformerTempParams) -> u64 {
    let (d, f, n) = (p.d_model as u64, p.d_ff as u64, p.patches() as u64);
    // Attention: four d×d projections with biases and a pre-norm; feed-forward: two linears and a pre-norm.
    let layer = 4 * (d * d + d) + 2 * d + (d * f + f) + (f * d + d) + 2 * d;
    (p.patch_len as u64 * d + d) + n * d + p.layers as u64 * layer + (n * d * p.horizon as u64 + p.horizon as u64)
}

/// FLOPs of one sample (all seven channels) of the forecaster for `p`.
pub fn flops_per_sample(p: &TransformerTempParams, channels: u64) -> u64 {
    let (d, f, n) = (p.d_model as u64, p.d_ff as u64, p.patches() as u64);
    let per_layer = 2 * n * (4 * d * d + 2 * d * f) + 2 * 2 * n * n * d;
    let per_channel = 2 * n * p.patch_len as u64 * d + p.layers as u64 * per_layer + 2 * n * d * p.horizon as u64;
    channels * per_channel
}
