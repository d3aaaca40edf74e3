//! The U-Net packed for inference on Burn's CPU backend: channels-last from
//! the input to the logits (which are then already pixel-major), every
//! convolution through the direct kernel with its ReLU on the way out, the
//! transposed convolutions and poolings as the packed layers of
//! [`crate::layers`]. Off flex it is never built; should a layer still
//! answer `None` mid-query, the query goes through Burn's modules.

use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use super::model::{DoubleConv, UNet};
use crate::layers::{PackedConv2d, PackedMaxPool2d, PackedUpsample2d};
use crate::tensor_workload::{Net, Packed};

/// Two 3×3 convolutions with ReLU, packed.
struct PackedDouble([PackedConv2d; 2]);

impl PackedDouble {
    fn pack<B: Backend>(d: &DoubleConv<B>) -> Option<Self> {
        Some(Self([PackedConv2d::pack(&d.first)?, PackedConv2d::pack(&d.second)?]))
    }

    fn forward<B: Backend>(&self, x: &Tensor<B, 4>) -> Option<Tensor<B, 4>> {
        self.0[1].forward(&self.0[0].forward(x, true)?, true)
    }
}

/// The network, packed; built from a trained [`UNet`].
pub(super) struct PackedUNet<B: Backend> {
    down: Vec<PackedDouble>,
    bottom: PackedDouble,
    up: Vec<PackedUpsample2d>,
    merge: Vec<PackedDouble>,
    out: PackedConv2d,
    pool: PackedMaxPool2d,
    plain: UNet<B>,
}

impl<B: Backend> PackedUNet<B> {
    /// The packed form of `net`, `None` where a layer does not pack.
    pub(super) fn new(net: &UNet<B>) -> Option<Self> {
        Some(Self {
            down: net.down.iter().map(PackedDouble::pack).collect::<Option<_>>()?,
            bottom: PackedDouble::pack(&net.bottom)?,
            up: net.up.iter().map(PackedUpsample2d::pack).collect::<Option<_>>()?,
            merge: net.merge.iter().map(PackedDouble::pack).collect::<Option<_>>()?,
            out: PackedConv2d::pack(&net.out)?,
            pool: PackedMaxPool2d::pack(&net.pool)?,
            plain: net.clone(),
        })
    }

    fn try_forward(&self, input: &Tensor<B, 3>) -> Option<Tensor<B, 2>> {
        let [batch, height, width] = input.dims();
        let mut x = input.clone().reshape([batch, height, width, 1]);
        let mut skips = Vec::with_capacity(self.down.len());
        for block in &self.down {
            let y = block.forward(&x)?;
            x = self.pool.forward(&y)?;
            skips.push(y);
        }
        x = self.bottom.forward(&x)?;
        for ((up, merge), skip) in self.up.iter().zip(&self.merge).zip(skips.into_iter().rev()) {
            x = merge.forward(&Tensor::cat(vec![up.forward(&x)?, skip], 3))?;
        }
        let logits = self.out.forward(&x, false)?;
        let classes = logits.dims()[3];
        Some(logits.reshape([batch, height * width * classes]))
    }
}

impl<B: Backend> Packed<B> for PackedUNet<B> {
    /// `[batch, height, width]` in, `[batch, height × width × classes]` out (pixel-major logits).
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        match self.try_forward(&input) {
            Some(logits) => logits,
            None => self.plain.forward(input),
        }
    }
}
