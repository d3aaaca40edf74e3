//! The SwiGLU feed-forward block: `down(silu(gate(x)) * up(x))`.

use burn::module::Module;
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::tensor::activation::silu;
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

/// SwiGLU MLP of one decoder layer (no biases), with the Hugging Face names
/// of its projections.
#[derive(Module, Debug)]
pub struct Mlp<B: Backend> {
    /// Gate projection, hidden to intermediate.
    pub gate_proj: Linear<B>,
    /// Up projection, hidden to intermediate.
    pub up_proj: Linear<B>,
    /// Down projection, intermediate to hidden.
    pub down_proj: Linear<B>,
}

/// A bias-free linear layer initialised like Hugging Face's Llama (normal, std 0.02).
pub(crate) fn projection<B: Backend>(d_input: usize, d_output: usize, device: &B::Device) -> Linear<B> {
    LinearConfig::new(d_input, d_output)
        .with_bias(false)
        .with_initializer(Initializer::Normal { mean: 0.0, std: 0.02 })
        .init(device)
}

impl<B: Backend> Mlp<B> {
    /// A randomly initialised block.
    pub fn new(hidden: usize, intermediate: usize, device: &B::Device) -> Self {
        Self {
            gate_proj: projection(hidden, intermediate, device),
            up_proj: projection(hidden, intermediate, device),
            down_proj: projection(intermediate, hidden, device),
        }
    }

    /// `[batch, seq, hidden]` in and out.
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 3> {
        let gate = silu(self.gate_proj.forward(x.clone()));
        self.down_proj.forward(gate * self.up_proj.forward(x))
    }
}
