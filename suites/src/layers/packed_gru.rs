//! Burn's GRU (reset after the hidden product, Burn's and PyTorch's default)
//! with its three gates packed: one input product for all steps, one hidden
//! product a step.

use burn::nn::activation::Activation;
use burn::nn::gru::Gru;
use burn::tensor::activation::sigmoid;
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use super::flex_cell;
use super::recurrent::{batch_major, bias_or_zeros, columns, step, tanh_from_sigmoid_of_double, Recurrent};

/// A [`Gru`] packed for inference: gates in the order reset, update, new,
/// the new gate's weights and biases doubled (exact in floating point) so
/// that its tanh is `2 sigmoid(2a) - 1`.
#[derive(Clone, Debug)]
pub struct PackedGru<B: Backend> {
    /// `[inputs, 3 * hidden]` (the new gate's third doubled).
    w_input: Tensor<B, 2>,
    /// `[hidden, 3 * hidden]` (the new gate's third doubled).
    w_hidden: Tensor<B, 2>,
    /// Input biases, with the hidden biases of the reset and update gates
    /// added, `[1, 3 * hidden]` (the new gate's third doubled).
    bias_input: Tensor<B, 2>,
    /// The new gate's hidden bias (inside the reset product), doubled, `[1, hidden]`.
    bias_new_hidden: Tensor<B, 2>,
    hidden: usize,
}

impl<B: Backend> PackedGru<B> {
    /// Packs `gru`; `None` for a configuration other than Burn's default
    /// (reset after, sigmoid gates, tanh candidate, no clip).
    pub fn pack(gru: &Gru<B>) -> Option<Self> {
        let default = gru.reset_after
            && matches!(gru.gate_activation, Activation::Sigmoid(_))
            && matches!(gru.hidden_activation, Activation::Tanh(_))
            && gru.clip.is_none();
        if !default {
            return None;
        }
        let gates = [&gru.reset_gate, &gru.update_gate, &gru.new_gate];
        // The new gate (last) is doubled: tanh(a) = 2 sigmoid(2a) - 1.
        let scale = |i: usize| if i == 2 { 2.0 } else { 1.0 };
        let w_input = Tensor::cat(
            gates.iter().enumerate().map(|(i, g)| g.input_transform.weight.val().mul_scalar(scale(i))).collect(),
            1,
        );
        let w_hidden = Tensor::cat(
            gates.iter().enumerate().map(|(i, g)| g.hidden_transform.weight.val().mul_scalar(scale(i))).collect(),
            1,
        );
        let bias_input = Tensor::cat(
            vec![
                bias_or_zeros(&gru.reset_gate.input_transform) + bias_or_zeros(&gru.reset_gate.hidden_transform),
                bias_or_zeros(&gru.update_gate.input_transform) + bias_or_zeros(&gru.update_gate.hidden_transform),
                bias_or_zeros(&gru.new_gate.input_transform).mul_scalar(2.0),
            ],
            0,
        )
        .unsqueeze();
        let bias_new_hidden = bias_or_zeros(&gru.new_gate.hidden_transform).mul_scalar(2.0).unsqueeze();
        Some(Self { w_input, w_hidden, bias_input, bias_new_hidden, hidden: gru.d_hidden })
    }
}

impl<B: Backend> Recurrent<B> for PackedGru<B> {
    fn run(&self, x: Tensor<B, 2>, steps: usize, batch: usize, keep_all: bool) -> Tensor<B, 2> {
        let h = self.hidden;
        let projected = x.matmul(self.w_input.clone()) + self.bias_input.clone();
        let mut hidden = Tensor::<B, 2>::zeros([batch, h], &projected.device());
        let mut all = Vec::with_capacity(if keep_all { steps } else { 0 });
        for t in 0..steps {
            let xp = step(&projected, t, steps);
            let hp = hidden.clone().matmul(self.w_hidden.clone());
            hidden = flex_cell::gru_step(&xp, &hp, &self.bias_new_hidden, &hidden)
                .unwrap_or_else(|| composed_step(&xp, &hp, &self.bias_new_hidden, hidden, h));
            if keep_all {
                all.push(hidden.clone());
            }
        }
        if keep_all {
            batch_major(all)
        } else {
            hidden
        }
    }
}

/// The element-wise part of a step from Burn's tensor operations (what
/// [`flex_cell::gru_step`] fuses, on backends other than flex): the new
/// hidden state from the step's input part `xp` and hidden product `hp`.
pub(super) fn composed_step<B: Backend>(
    xp: &Tensor<B, 2>,
    hp: &Tensor<B, 2>,
    bias_new_hidden: &Tensor<B, 2>,
    hidden: Tensor<B, 2>,
    h: usize,
) -> Tensor<B, 2> {
    let reset_update = sigmoid(columns(xp, 0, 2 * h) + columns(hp, 0, 2 * h));
    let (reset, update) = (columns(&reset_update, 0, h), columns(&reset_update, h, 2 * h));
    // 2a for the new gate's a: its weights and biases are doubled.
    let doubled = columns(xp, 2 * h, 3 * h) + reset * (columns(hp, 2 * h, 3 * h) + bias_new_hidden.clone());
    let candidate = tanh_from_sigmoid_of_double(sigmoid(doubled));
    candidate * (update.clone().neg() + 1.0) + update * hidden
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::last_hidden;
    use burn::backend::Flex;
    use burn::nn::gru::GruConfig;
    use burn::tensor::Distribution;

    #[test]
    fn packed_gru_stack_computes_what_burn_computes() {
        let device = Default::default();
        Flex::seed(&device, 5);
        let layers: Vec<Gru<Flex>> =
            vec![GruConfig::new(4, 10, true).init(&device), GruConfig::new(10, 10, true).init(&device)];
        let input = Tensor::<Flex, 3>::random([2, 11, 4], Distribution::Normal(0.0, 1.0), &device);
        let mut x = input.clone();
        for l in &layers {
            x = l.forward(x, None);
        }
        let expected = x.slice([0..2, 10..11, 0..10]).reshape([2, 10]);
        let packed: Vec<_> = layers.iter().map(|l| PackedGru::pack(l).expect("default config packs")).collect();
        let got = last_hidden(&packed, input);
        let diff = (got - expected).abs().max().into_scalar();
        assert!(diff < 1e-5, "packed GRU differs from Burn's by {diff}");
    }

    #[test]
    fn reset_before_stays_on_burn() {
        let device = Default::default();
        let gru: Gru<Flex> = GruConfig::new(2, 3, true).with_reset_after(false).init(&device);
        assert!(PackedGru::pack(&gru).is_none());
    }
}
