//! A U-Net (Ronneberger, Fischer & Brox 2015): an encoder of double 3×3
//! convolutions and 2×2 max-pooling, a decoder of 2×2 transposed
//! convolutions joined to the encoder's maps by skip connections, and a 1×1
//! convolution to the facies logits of every pixel.

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::PaddingConfig2d;
use burn::tensor::activation::relu;
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use crate::tensor_workload::{Net, Packed};

/// Two 3×3 convolutions with ReLU, size kept.
#[derive(Module, Debug)]
pub struct DoubleConv<B: Backend> {
    pub(super) first: Conv2d<B>,
    pub(super) second: Conv2d<B>,
}

impl<B: Backend> DoubleConv<B> {
    fn new(cin: usize, cout: usize, device: &B::Device) -> Self {
        let conv =
            |i, o| Conv2dConfig::new([i, o], [3, 3]).with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1)).init(device);
        Self { first: conv(cin, cout), second: conv(cout, cout) }
    }

    fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        relu(self.second.forward(relu(self.first.forward(x))))
    }
}

/// The network, generic over the Burn backend.
#[derive(Module, Debug)]
pub struct UNet<B: Backend> {
    pub(super) down: Vec<DoubleConv<B>>,
    pub(super) bottom: DoubleConv<B>,
    pub(super) up: Vec<ConvTranspose2d<B>>,
    pub(super) merge: Vec<DoubleConv<B>>,
    pub(super) out: Conv2d<B>,
    pub(super) pool: MaxPool2d,
}

/// Channels of each level: `width × 2^level`.
fn widths(width: usize, depth: usize) -> Vec<usize> {
    (0..=depth).map(|l| width << l).collect()
}

impl<B: Backend> UNet<B> {
    /// A randomly initialised network with `depth` poolings (seed the backend first).
    pub fn new(width: usize, depth: usize, classes: usize, device: &B::Device) -> Self {
        let w = widths(width, depth);
        let down = (0..depth).map(|l| DoubleConv::new(if l == 0 { 1 } else { w[l - 1] }, w[l], device)).collect();
        let bottom = DoubleConv::new(if depth == 0 { 1 } else { w[depth - 1] }, w[depth], device);
        let up = (0..depth)
            .rev()
            .map(|l| ConvTranspose2dConfig::new([w[l + 1], w[l]], [2, 2]).with_stride([2, 2]).init(device))
            .collect();
        let merge = (0..depth).rev().map(|l| DoubleConv::new(2 * w[l], w[l], device)).collect();
        Self {
            down,
            bottom,
            up,
            merge,
            out: Conv2dConfig::new([w[0], classes], [1, 1]).init(device),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
        }
    }
}

/// The U-Net's sizes: it builds the network ([`UNetConfig::init`]) and
/// counts its parameters and FLOPs from the same numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UNetConfig {
    /// Channels of the first level (doubling level by level).
    pub width: usize,
    /// Poolings (levels below the first).
    pub depth: usize,
    /// Facies classes (output channels).
    pub classes: usize,
}

impl UNetConfig {
    /// A randomly initialised network (seed the backend first).
    pub fn init<B: Backend>(&self, device: &B::Device) -> UNet<B> {
        UNet::new(self.width, self.depth, self.classes, device)
    }

    /// Trainable parameters.
    pub fn parameters(&self) -> u64 {
        parameters(self.width, self.depth, self.classes)
    }

    /// FLOPs of one `height` x `traces` section.
    pub fn flops_per_sample(&self, height: usize, traces: usize) -> u64 {
        flops_per_sample(self.width, self.depth, self.classes, height, traces)
    }
}

impl<B: Backend> Net<B> for UNet<B> {
    /// `[batch, height, width]` in, `[batch, height × width × classes]` out (pixel-major logits).
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        let [batch, height, width] = input.dims();
        let mut x = input.unsqueeze_dim::<4>(1);
        let mut skips = Vec::with_capacity(self.down.len());
        for block in &self.down {
            let y = block.forward(x);
            x = self.pool.forward(y.clone());
            skips.push(y);
        }
        x = self.bottom.forward(x);
        for ((up, merge), skip) in self.up.iter().zip(&self.merge).zip(skips.into_iter().rev()) {
            x = merge.forward(Tensor::cat(vec![up.forward(x), skip], 1));
        }
        let logits = self.out.forward(x);
        let classes = logits.dims()[1];
        logits.permute([0, 2, 3, 1]).reshape([batch, height * width * classes])
    }

    fn packed(&self) -> Option<Box<dyn Packed<B>>> {
        Some(Box::new(super::packed::PackedUNet::new(self)?))
    }
}

/// Trainable parameters.
pub fn parameters(width: usize, depth: usize, classes: usize) -> u64 {
    let w = widths(width, depth);
    let conv = |i: usize, o: usize, k: usize| (i * o * k * k + o) as u64;
    let double = |i: usize, o: usize| conv(i, o, 3) + conv(o, o, 3);
    let down: u64 = (0..depth).map(|l| double(if l == 0 { 1 } else { w[l - 1] }, w[l])).sum();
    let bottom = double(if depth == 0 { 1 } else { w[depth - 1] }, w[depth]);
    let up: u64 = (0..depth).map(|l| conv(w[l + 1], w[l], 2) + double(2 * w[l], w[l])).sum();
    down + bottom + up + conv(w[0], classes, 1)
}

/// FLOPs of one `height × width` section.
pub fn flops_per_sample(width: usize, depth: usize, classes: usize, height: usize, traces: usize) -> u64 {
    let w = widths(width, depth);
    let pixels = |l: usize| ((height >> l) * (traces >> l)) as u64;
    let conv = |i: usize, o: usize, k: usize, l: usize| 2 * (i * o * k * k) as u64 * pixels(l);
    let double = |i: usize, o: usize, l: usize| conv(i, o, 3, l) + conv(o, o, 3, l);
    let down: u64 = (0..depth).map(|l| double(if l == 0 { 1 } else { w[l - 1] }, w[l], l)).sum();
    let bottom = double(if depth == 0 { 1 } else { w[depth - 1] }, w[depth], depth);
    // A stride-2 2×2 transposed convolution costs like a 1×1 one at the finer level, times four taps / four pixels.
    let up: u64 = (0..depth).map(|l| conv(w[l + 1], w[l], 1, l) + double(2 * w[l], w[l], l)).sum();
    down + bottom + up + conv(w[0], classes, 1, 0)
}
