//! The TCN packed for inference: channels-last from the input to the head,
//! every convolution a [`PackedConv1d`] (on the CPU backend, the direct
//! kernel, which covers the dilated causal convolutions with no padded
//! copy), each convolution's ReLU applied as its output is written.

use burn::tensor::activation::relu;
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use super::model::{Tcn, TcnBlock};
use crate::layers::PackedConv1d;
use crate::tensor_workload::Packed;

/// One residual block, packed.
struct PackedBlock<B: Backend> {
    first: PackedConv1d<B>,
    second: PackedConv1d<B>,
    skip: Option<PackedConv1d<B>>,
}

/// The network, packed; built from a trained [`Tcn`].
pub(super) struct PackedTcn<B: Backend> {
    blocks: Vec<PackedBlock<B>>,
    head: PackedConv1d<B>,
    horizon: usize,
}

impl<B: Backend> PackedTcn<B> {
    /// The packed form of `tcn`, `None` where a convolution does not pack.
    pub(super) fn new(tcn: &Tcn<B>) -> Option<Self> {
        let blocks = tcn
            .blocks
            .iter()
            .map(|b: &TcnBlock<B>| {
                Some(PackedBlock {
                    first: PackedConv1d::pack(&b.first)?,
                    second: PackedConv1d::pack(&b.second)?,
                    skip: match &b.skip {
                        Some(conv) => Some(PackedConv1d::pack(conv)?),
                        None => None,
                    },
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self { blocks, head: PackedConv1d::pack(&tcn.head)?, horizon: tcn.horizon })
    }
}

impl<B: Backend> Packed<B> for PackedTcn<B> {
    /// `[batch, past + horizon, inputs]` in (each sample transposed), `[batch, horizon]` out.
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        let [batch, length, _] = input.dims();
        // Where the clear-sky output ahead is zero (night), so is the forecast.
        let daylight = input
            .clone()
            .slice([0..batch, length - self.horizon..length, 1..2])
            .reshape([batch, self.horizon])
            .greater_elem(0.0)
            .float();
        let mut x = input;
        for block in &self.blocks {
            let y = block.second.forward_relu(block.first.forward_relu(x.clone()));
            let residual = match &block.skip {
                Some(conv) => conv.forward(x),
                None => x,
            };
            x = relu(y + residual);
        }
        let out = self.head.forward(x).reshape([batch, length]);
        out.slice([0..batch, length - self.horizon..length]) * daylight
    }

    fn transposed_input(&self) -> bool {
        true
    }
}
