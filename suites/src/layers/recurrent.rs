//! What the packed recurrent layers share: batch-major rows between layers,
//! the stack's driver, and tanh written through the logistic function.

use burn::tensor::activation::sigmoid;
use burn::tensor::backend::Backend;
use burn::tensor::{s, Tensor};

/// A packed recurrent layer over batch-major rows.
pub trait Recurrent<B: Backend> {
    /// Runs the layer over `x`, `[batch * steps, inputs]` with the rows of
    /// sample `b` at `b * steps..(b + 1) * steps`, from a zero state. Returns
    /// every step's hidden state in the same layout when `keep_all`, else
    /// only the last step's, `[batch, hidden]`.
    fn run(&self, x: Tensor<B, 2>, steps: usize, batch: usize, keep_all: bool) -> Tensor<B, 2>;
}

/// The last hidden state of a stack of layers over `input`, `[batch, steps,
/// features]` (batch-first, as the Burn modules take it): `[batch, hidden]`.
pub fn last_hidden<B: Backend, L: Recurrent<B>>(layers: &[L], input: Tensor<B, 3>) -> Tensor<B, 2> {
    let [batch, steps, features] = input.dims();
    let mut x = input.reshape([batch * steps, features]);
    for (i, layer) in layers.iter().enumerate() {
        x = layer.run(x, steps, batch, i + 1 < layers.len());
    }
    x
}

/// The rows of step `t` of batch-major `x` (a strided view).
pub(super) fn step<B: Backend>(x: &Tensor<B, 2>, t: usize, steps: usize) -> Tensor<B, 2> {
    let rows = x.dims()[0];
    x.clone().slice(s![t..rows;steps as isize, ..])
}

/// Every step's hidden state, `[batch, hidden]` each, as batch-major rows.
pub(super) fn batch_major<B: Backend>(states: Vec<Tensor<B, 2>>) -> Tensor<B, 2> {
    let steps = states.len();
    let [batch, hidden] = states[0].dims();
    Tensor::stack::<3>(states, 1).reshape([batch * steps, hidden])
}

/// Columns `from..to` of `x`.
pub(super) fn columns<B: Backend>(x: &Tensor<B, 2>, from: usize, to: usize) -> Tensor<B, 2> {
    let rows = x.dims()[0];
    x.clone().slice([0..rows, from..to])
}

/// `tanh(a)` from `sigmoid(2a)`: `2 sigmoid(2a) - 1`, exact in real
/// arithmetic and within a few float32 ulps of tanh here (tested against
/// Burn's modules). It lets one in-place logistic function cover a gate
/// block: unpatched, Burn's CPU backend evaluates tanh through libm's scalar
/// `tanhf`; with the patched backend's vectorised `tanh`, calling it on the
/// gates' strided column views still measured slower (0.57x on the LSTM at
/// batch 64), the views' activations allocating.
pub(super) fn tanh_from_sigmoid_of_double<B: Backend>(sigmoid_of_double: Tensor<B, 2>) -> Tensor<B, 2> {
    sigmoid_of_double.mul_scalar(2.0).sub_scalar(1.0)
}

/// `tanh(a)` through the logistic function (see [`tanh_from_sigmoid_of_double`]).
pub(super) fn tanh<B: Backend>(a: Tensor<B, 2>) -> Tensor<B, 2> {
    tanh_from_sigmoid_of_double(sigmoid(a.mul_scalar(2.0)))
}

/// A Linear's bias, or zeros.
pub(super) fn bias_or_zeros<B: Backend>(linear: &burn::nn::Linear<B>) -> Tensor<B, 1> {
    match &linear.bias {
        Some(b) => b.val(),
        None => {
            let w = linear.weight.val();
            Tensor::zeros([w.dims()[1]], &w.device())
        }
    }
}
