//! A temporal convolutional network (Bai, Kolter & Koltun 2018): residual
//! blocks of two dilated causal 1D convolutions, dilations doubling block by
//! block; a 1×1 convolution reads the forecast off the last `horizon`
//! positions, where the inputs carry the clear-sky output of the hours ahead.

use burn::module::Module;
use burn::nn::conv::{Conv1d, Conv1dConfig};
use burn::nn::PaddingConfig1d;
use burn::tensor::activation::relu;
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use crate::tensor_workload::{Net, Packed};

/// Kernel width of every dilated convolution.
pub const KERNEL: usize = 3;

/// One residual block.
#[derive(Module, Debug)]
pub struct TcnBlock<B: Backend> {
    pub(super) first: Conv1d<B>,
    pub(super) second: Conv1d<B>,
    pub(super) skip: Option<Conv1d<B>>,
}

fn causal<B: Backend>(cin: usize, cout: usize, dilation: usize, device: &B::Device) -> Conv1d<B> {
    Conv1dConfig::new(cin, cout, KERNEL)
        .with_dilation(dilation)
        .with_padding(PaddingConfig1d::Explicit((KERNEL - 1) * dilation, 0))
        .init(device)
}

impl<B: Backend> TcnBlock<B> {
    fn new(cin: usize, cout: usize, dilation: usize, device: &B::Device) -> Self {
        Self {
            first: causal(cin, cout, dilation, device),
            second: causal(cout, cout, dilation, device),
            skip: (cin != cout).then(|| Conv1dConfig::new(cin, cout, 1).init(device)),
        }
    }

    fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 3> {
        let y = relu(self.second.forward(relu(self.first.forward(x.clone()))));
        let residual = match &self.skip {
            Some(conv) => conv.forward(x),
            None => x,
        };
        relu(y + residual)
    }
}

/// The network, generic over the Burn backend.
#[derive(Module, Debug)]
pub struct Tcn<B: Backend> {
    pub(super) blocks: Vec<TcnBlock<B>>,
    pub(super) head: Conv1d<B>,
    pub(super) horizon: usize,
}

/// The network's sizes: it builds the network ([`TcnConfig::init`]) and
/// counts its parameters and FLOPs from the same numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcnConfig {
    /// Input channels.
    pub inputs: usize,
    /// Channels of every block.
    pub channels: usize,
    /// Blocks (dilations 1, 2, 4, ...).
    pub levels: usize,
    /// Steps forecast (the last `horizon` positions).
    pub horizon: usize,
}

impl TcnConfig {
    /// A randomly initialised network (seed the backend first).
    pub fn init<B: Backend>(&self, device: &B::Device) -> Tcn<B> {
        Tcn::new(self.inputs, self.channels, self.levels, self.horizon, device)
    }

    /// Trainable parameters.
    pub fn parameters(&self) -> u64 {
        parameters(self.inputs, self.channels, self.levels)
    }

    /// FLOPs of one sample of `length` steps.
    pub fn flops_per_sample(&self, length: usize) -> u64 {
        flops_per_sample(self.inputs, self.channels, self.levels, length)
    }
}

impl<B: Backend> Tcn<B> {
    /// A randomly initialised network with `levels` blocks of `channels` (seed the backend first).
    pub fn new(inputs: usize, channels: usize, levels: usize, horizon: usize, device: &B::Device) -> Self {
        let blocks = (0..levels)
            .map(|i| TcnBlock::new(if i == 0 { inputs } else { channels }, channels, 1 << i, device))
            .collect();
        Self { blocks, head: Conv1dConfig::new(channels, 1, 1).init(device), horizon }
    }
}

impl<B: Backend> Net<B> for Tcn<B> {
    /// `[batch, inputs, past + horizon]` in, `[batch, horizon]` out.
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        let [batch, _, length] = input.dims();
        // Where the clear-sky output ahead is zero (night), so is the forecast.
        let daylight = input
            .clone()
            .slice([0..batch, 1..2, length - self.horizon..length])
            .reshape([batch, self.horizon])
            .greater_elem(0.0)
            .float();
        let mut x = input;
        for block in &self.blocks {
            x = block.forward(x);
        }
        let out = self.head.forward(x).reshape([batch, length]);
        out.slice([0..batch, length - self.horizon..length]) * daylight
    }

    fn packed(&self) -> Option<Box<dyn Packed<B>>> {
        Some(Box::new(super::packed::PackedTcn::new(self)?))
    }
}

/// Trainable parameters.
pub fn parameters(inputs: usize, channels: usize, levels: usize) -> u64 {
    let conv = |cin: usize, cout: usize, k: usize| (cin * cout * k + cout) as u64;
    let blocks: u64 = (0..levels)
        .map(|i| {
            let cin = if i == 0 { inputs } else { channels };
            conv(cin, channels, KERNEL)
                + conv(channels, channels, KERNEL)
                + if cin != channels { conv(cin, channels, 1) } else { 0 }
        })
        .sum();
    blocks + conv(channels, 1, 1)
}

/// FLOPs of one sample of `length` steps.
pub fn flops_per_sample(inputs: usize, channels: usize, levels: usize, length: usize) -> u64 {
    2 * length as u64 * (parameters(inputs, channels, levels) - (levels * 2 * channels + 1) as u64)
}

/// Receptive field in steps.
pub fn receptive_field(levels: usize) -> usize {
    1 + 2 * (KERNEL - 1) * ((1 << levels) - 1)
}
