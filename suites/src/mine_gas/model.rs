//! Two stacked GRUs (Cho et al. 2014) over the sensor window, and a linear
//! head from the last hidden state to the change of the methane
//! concentration from its last reading (input channel 0), which is added back.

use burn::module::Module;
use burn::nn::gru::{Gru, GruConfig};
use burn::nn::{Linear, LinearConfig};
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use crate::layers::{last_hidden, PackedGru};
use crate::tensor_workload::{Net, Packed};

/// The forecaster, generic over the Burn backend.
#[derive(Module, Debug)]
pub struct GruForecaster<B: Backend> {
    pub(crate) layers: Vec<Gru<B>>,
    pub(crate) head: Linear<B>,
}

impl<B: Backend> GruForecaster<B> {
    /// A randomly initialised forecaster (seed the backend first).
    pub fn new(inputs: usize, hidden: usize, layers: usize, horizon: usize, device: &B::Device) -> Self {
        let layers = (0..layers)
            .map(|i| GruConfig::new(if i == 0 { inputs } else { hidden }, hidden, true).init(device))
            .collect();
        Self { layers, head: LinearConfig::new(hidden, horizon).init(device) }
    }
}

/// The forecaster's sizes: it builds the network ([`GruForecasterConfig::init`])
/// and counts its parameters and FLOPs from the same numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GruForecasterConfig {
    /// Input channels.
    pub inputs: usize,
    /// Hidden units of every GRU layer.
    pub hidden: usize,
    /// Stacked GRU layers.
    pub layers: usize,
    /// Steps forecast.
    pub horizon: usize,
}

impl GruForecasterConfig {
    /// A randomly initialised network (seed the backend first).
    pub fn init<B: Backend>(&self, device: &B::Device) -> GruForecaster<B> {
        GruForecaster::new(self.inputs, self.hidden, self.layers, self.horizon, device)
    }

    /// Trainable parameters.
    pub fn parameters(&self) -> u64 {
        parameters(self.inputs, self.hidden, self.layers, self.horizon)
    }

    /// FLOPs of one sample of `steps` past steps.
    pub fn flops_per_sample(&self, steps: usize) -> u64 {
        flops_per_sample(self.inputs, self.hidden, self.layers, self.horizon, steps)
    }
}

impl<B: Backend> Net<B> for GruForecaster<B> {
    /// `[batch, channels, steps]` in, `[batch, horizon]` out.
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        let [batch, _, steps] = input.dims();
        let last = input.clone().slice([0..batch, 0..1, steps - 1..steps]).reshape([batch, 1]);
        let mut x = input.swap_dims(1, 2);
        for gru in &self.layers {
            x = gru.forward(x, None);
        }
        let [batch, steps, hidden] = x.dims();
        self.head.forward(x.slice([0..batch, steps - 1..steps, 0..hidden]).reshape([batch, hidden])) + last
    }

    fn packed(&self) -> Option<Box<dyn Packed<B>>> {
        let layers = self.layers.iter().map(PackedGru::pack).collect::<Option<Vec<_>>>()?;
        Some(Box::new(PackedGruForecaster { layers, head: self.head.clone() }))
    }
}

/// The forecaster with its GRUs packed (see [`crate::layers`]).
struct PackedGruForecaster<B: Backend> {
    layers: Vec<PackedGru<B>>,
    head: Linear<B>,
}

impl<B: Backend> Packed<B> for PackedGruForecaster<B> {
    /// `[batch, steps, 8]` (transposed) in.
    fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        let [batch, steps, _] = input.dims();
        let last = input.clone().slice([0..batch, steps - 1..steps, 0..1]).reshape([batch, 1]);
        self.head.forward(last_hidden(&self.layers, input)) + last
    }

    fn transposed_input(&self) -> bool {
        true
    }
}

/// Trainable parameters: three gates of input and hidden weights with biases per layer.
pub fn parameters(inputs: usize, hidden: usize, layers: usize, horizon: usize) -> u64 {
    let gru = |d_in: usize| 3 * ((d_in * hidden + hidden) + (hidden * hidden + hidden)) as u64;
    (0..layers).map(|i| gru(if i == 0 { inputs } else { hidden })).sum::<u64>() + (hidden * horizon + horizon) as u64
}

/// FLOPs of one window of `steps`.
pub fn flops_per_sample(inputs: usize, hidden: usize, layers: usize, horizon: usize, steps: usize) -> u64 {
    let gru = |d_in: usize| (2 * 3 * (d_in + hidden) * hidden + 10 * hidden) as u64;
    steps as u64 * (0..layers).map(|i| gru(if i == 0 { inputs } else { hidden })).sum::<u64>()
        + 2 * (hidden * horizon) as u64
}
