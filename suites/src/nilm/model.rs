//! The seq2point network of Zhang et al. (AAAI 2018): five 1D convolutions
//! over a window of aggregate power ("same" padding, so the window keeps its
//! length), a dense layer, and one output: the target appliance's power at
//! the window's midpoint.

use burn::module::{Module, Param};
use burn::nn::conv::{Conv1d, Conv1dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig1d};
use burn::tensor::activation::relu;
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use crate::layers::{PackedConv1d, PATCH_CACHE_BYTES};
use crate::tensor_workload::{Net, Packed};

/// Kernel widths of the five convolutions (the paper's).
pub const KERNELS: [usize; 5] = [10, 8, 6, 5, 5];

/// The network, generic over the Burn backend.
#[derive(Module, Debug)]
pub struct Seq2Point<B: Backend> {
    convs: Vec<Conv1d<B>>,
    dense: Linear<B>,
    out: Linear<B>,
}

impl<B: Backend> Seq2Point<B> {
    /// A randomly initialised network (seed the backend first).
    pub fn new(window: usize, filters: [usize; 5], dense: usize, device: &B::Device) -> Self {
        let mut cin = 1;
        let convs = filters
            .iter()
            .zip(KERNELS)
            .map(|(&f, k)| {
                let conv = Conv1dConfig::new(cin, f, k).with_padding(PaddingConfig1d::Same).init(device);
                cin = f;
                conv
            })
            .collect();
        Self {
            convs,
            dense: LinearConfig::new(cin * window, dense).init(device),
            out: LinearConfig::new(dense, 1).init(device),
        }
    }
}

/// The network's sizes: it builds the network ([`Seq2PointConfig::init`])
/// and counts its parameters and FLOPs from the same numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seq2PointConfig {
    /// Samples of aggregate power in.
    pub window: usize,
    /// Filters of the five convolutions.
    pub filters: [usize; 5],
    /// Units of the dense layer.
    pub dense: usize,
}

impl Seq2PointConfig {
    /// A randomly initialised network (seed the backend first).
    pub fn init<B: Backend>(&self, device: &B::Device) -> Seq2Point<B> {
        Seq2Point::new(self.window, self.filters, self.dense, device)
    }

    /// Trainable parameters.
    pub fn parameters(&self) -> u64 {
        parameters(self.window, self.filters, self.dense)
    }

    /// FLOPs of one sample's forward pass.
    pub fn flops_per_sample(&self) -> u64 {
        flops_per_sample(self.window, self.filters, self.dense)
    }
}

impl<B: Backend> Net<B> for Seq2Point<B> {
    /// `[batch, 1, window]` in, `[batch, 1]` out.
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        let mut x = input;
        for conv in &self.convs {
            x = relu(conv.forward(x));
        }
        let [batch, channels, length] = x.dims();
        self.out.forward(relu(self.dense.forward(x.reshape([batch, channels * length]))))
    }

    fn packed(&self) -> Option<Box<dyn Packed<B>>> {
        let convs = self.convs.iter().map(PackedConv1d::pack).collect::<Option<Vec<_>>>()?;
        // The dense layer reads the flattened channels-first map, (channel,
        // position); the packed convolutions leave it channels-last, so its
        // rows are reordered to (position, channel) once, here.
        let w = self.dense.weight.val();
        let [rows, dense] = w.dims();
        let channels = self.convs.last()?.weight.dims()[0];
        let length = rows / channels;
        let weight = w.reshape([channels, length, dense]).swap_dims(0, 1).reshape([rows, dense]);
        let dense = Linear { weight: Param::from_tensor(weight), bias: self.dense.bias.clone() };
        Some(Box::new(PackedSeq2Point { convs, dense, plain: self.clone() }))
    }
}

/// The network with its convolutions packed (see [`crate::layers`]).
struct PackedSeq2Point<B: Backend> {
    convs: Vec<PackedConv1d<B>>,
    /// The dense layer with its weight's rows in channels-last order.
    dense: Linear<B>,
    /// Burn's own modules: the output layer, and batches whose patches
    /// spill out of cache.
    plain: Seq2Point<B>,
}

impl<B: Backend> Packed<B> for PackedSeq2Point<B> {
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        // One input channel: `[batch, 1, window]` is `[batch, window, 1]` in memory.
        let [batch, _, window] = input.dims();
        let patches = self.convs.iter().map(|c| c.patch_bytes(window)).max().unwrap_or(0);
        if batch * patches > PATCH_CACHE_BYTES {
            return self.plain.forward(input);
        }
        let mut x = input.reshape([batch, window, 1]);
        for conv in &self.convs {
            x = conv.forward_relu(x);
        }
        let [batch, length, channels] = x.dims();
        self.plain.out.forward(relu(self.dense.forward(x.reshape([batch, length * channels]))))
    }
}

/// Trainable parameters.
pub fn parameters(window: usize, filters: [usize; 5], dense: usize) -> u64 {
    let mut cin = 1;
    let mut total = 0u64;
    for (f, k) in filters.iter().zip(KERNELS) {
        total += (cin * f * k + f) as u64;
        cin = *f;
    }
    total + (cin * window * dense + dense) as u64 + (dense + 1) as u64
}

/// FLOPs of one window.
pub fn flops_per_sample(window: usize, filters: [usize; 5], dense: usize) -> u64 {
    let mut cin = 1;
    let mut total = 0u64;
    for (f, k) in filters.iter().zip(KERNELS) {
        total += 2 * (cin * f * k * window) as u64;
        cin = *f;
    }
    total + 2 * (cin * window * dense + dense) as u64
}
