//! A multilayer perceptron from bus loads to generator set-points, each
//! output squashed by a sigmoid into its share of the unit's capacity.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::{relu, sigmoid};
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use crate::tensor_workload::Net;

/// The network, generic over the Burn backend.
#[derive(Module, Debug)]
pub struct DispatchMlp<B: Backend> {
    hidden: Vec<Linear<B>>,
    out: Linear<B>,
}

impl<B: Backend> DispatchMlp<B> {
    /// A randomly initialised network (seed the backend first).
    pub fn new(buses: usize, width: usize, depth: usize, generators: usize, device: &B::Device) -> Self {
        let hidden =
            (0..depth).map(|i| LinearConfig::new(if i == 0 { buses } else { width }, width).init(device)).collect();
        Self { hidden, out: LinearConfig::new(width, generators).init(device) }
    }
}

/// The MLP's sizes: it builds the network ([`DispatchMlpConfig::init`]) and
/// counts its parameters and FLOPs from the same numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DispatchMlpConfig {
    /// Buses (inputs: one load each).
    pub buses: usize,
    /// Units of every hidden layer.
    pub width: usize,
    /// Hidden layers.
    pub depth: usize,
    /// Dispatchable generators (outputs).
    pub generators: usize,
}

impl DispatchMlpConfig {
    /// A randomly initialised network (seed the backend first).
    pub fn init<B: Backend>(&self, device: &B::Device) -> DispatchMlp<B> {
        DispatchMlp::new(self.buses, self.width, self.depth, self.generators, device)
    }

    /// Trainable parameters.
    pub fn parameters(&self) -> u64 {
        parameters(self.buses, self.width, self.depth, self.generators)
    }

    /// FLOPs of one sample's forward pass.
    pub fn flops_per_sample(&self) -> u64 {
        flops_per_sample(self.buses, self.width, self.depth, self.generators)
    }
}

impl<B: Backend> Net<B> for DispatchMlp<B> {
    /// `[batch, 1, buses]` in, `[batch, generators]` out, each in `(0, 1)`.
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        let [batch, _, buses] = input.dims();
        let mut x = input.reshape([batch, buses]);
        for layer in &self.hidden {
            x = relu(layer.forward(x));
        }
        sigmoid(self.out.forward(x))
    }
}

/// Trainable parameters.
pub fn parameters(buses: usize, width: usize, depth: usize, generators: usize) -> u64 {
    let mut cin = buses;
    let mut total = 0;
    for _ in 0..depth {
        total += (cin * width + width) as u64;
        cin = width;
    }
    total + (cin * generators + generators) as u64
}

/// FLOPs of one sample.
pub fn flops_per_sample(buses: usize, width: usize, depth: usize, generators: usize) -> u64 {
    2 * (parameters(buses, width, depth, generators) - (depth * width + generators) as u64)
}
