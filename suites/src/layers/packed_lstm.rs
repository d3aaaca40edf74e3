//! Burn's LSTM with its four gates packed: one input product for all steps,
//! one hidden product a step.

use burn::nn::activation::Activation;
use burn::nn::Lstm;
use burn::tensor::activation::sigmoid;
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use super::flex_cell;
use super::recurrent::{batch_major, bias_or_zeros, columns, step, tanh, Recurrent};

/// An [`Lstm`] packed for inference: gates in the order input, forget,
/// output, cell, the cell gate's weights and biases doubled (exact in
/// floating point), so that one logistic function over all four gives the
/// three gates and, as `2 sigmoid(2a) - 1`, the cell gate's tanh.
#[derive(Clone, Debug)]
pub struct PackedLstm<B: Backend> {
    /// `[inputs, 4 * hidden]` (the cell gate's quarter doubled).
    w_input: Tensor<B, 2>,
    /// `[hidden, 4 * hidden]` (the cell gate's quarter doubled).
    w_hidden: Tensor<B, 2>,
    /// The input and hidden biases summed, `[1, 4 * hidden]` (the cell gate's quarter doubled).
    bias: Tensor<B, 2>,
    hidden: usize,
}

impl<B: Backend> PackedLstm<B> {
    /// Packs `lstm`; `None` for a configuration other than Burn's default
    /// (sigmoid gates, tanh cell and hidden activations, forward, no clip,
    /// no coupled input-forget gate), which stays on Burn's module.
    pub fn pack(lstm: &Lstm<B>) -> Option<Self> {
        let default = matches!(lstm.gate_activation, Activation::Sigmoid(_))
            && matches!(lstm.cell_activation, Activation::Tanh(_))
            && matches!(lstm.hidden_activation, Activation::Tanh(_))
            && !lstm.reverse
            && !lstm.input_forget
            && lstm.clip.is_none()
            && lstm.batch_first;
        if !default {
            return None;
        }
        let gates = [&lstm.input_gate, &lstm.forget_gate, &lstm.output_gate, &lstm.cell_gate];
        // The cell gate (last) is doubled: tanh(a) = 2 sigmoid(2a) - 1.
        let scale = |i: usize| if i == 3 { 2.0 } else { 1.0 };
        let w_input = Tensor::cat(
            gates.iter().enumerate().map(|(i, g)| g.input_transform.weight.val().mul_scalar(scale(i))).collect(),
            1,
        );
        let w_hidden = Tensor::cat(
            gates.iter().enumerate().map(|(i, g)| g.hidden_transform.weight.val().mul_scalar(scale(i))).collect(),
            1,
        );
        let bias = Tensor::cat(
            gates
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    (bias_or_zeros(&g.input_transform) + bias_or_zeros(&g.hidden_transform)).mul_scalar(scale(i))
                })
                .collect(),
            0,
        )
        .unsqueeze();
        Some(Self { w_input, w_hidden, bias, hidden: lstm.d_hidden })
    }
}

impl<B: Backend> Recurrent<B> for PackedLstm<B> {
    fn run(&self, x: Tensor<B, 2>, steps: usize, batch: usize, keep_all: bool) -> Tensor<B, 2> {
        let h = self.hidden;
        let projected = x.matmul(self.w_input.clone()) + self.bias.clone();
        let device = projected.device();
        let mut hidden = Tensor::<B, 2>::zeros([batch, h], &device);
        let mut cell = Tensor::<B, 2>::zeros([batch, h], &device);
        let mut all = Vec::with_capacity(if keep_all { steps } else { 0 });
        for t in 0..steps {
            let x_step = step(&projected, t, steps);
            let hh = (t > 0).then(|| hidden.clone().matmul(self.w_hidden.clone()));
            (hidden, cell) =
                flex_cell::lstm_step(&x_step, hh.as_ref(), &cell).unwrap_or_else(|| composed_step(x_step, hh, cell, h));
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
/// [`flex_cell::lstm_step`] fuses, on backends other than flex): the new
/// hidden and cell states from the gates' pre-activations `x_step` (+ `hh`).
pub(super) fn composed_step<B: Backend>(
    x_step: Tensor<B, 2>,
    hh: Option<Tensor<B, 2>>,
    cell: Tensor<B, 2>,
    h: usize,
) -> (Tensor<B, 2>, Tensor<B, 2>) {
    let gates = match hh {
        Some(hh) => x_step + hh,
        None => x_step,
    };
    let sig = sigmoid(gates);
    let (input, forget, output) = (columns(&sig, 0, h), columns(&sig, h, 2 * h), columns(&sig, 2 * h, 3 * h));
    // input * tanh(a) = 2 (input * sigmoid(2a)) - input: the scalar operations
    // land on a contiguous product, not on a strided column view (which
    // Burn's CPU backend walks element by element).
    let gated = (input.clone() * columns(&sig, 3 * h, 4 * h)).mul_scalar(2.0) - input;
    let cell = forget * cell + gated;
    (output * tanh(cell.clone()), cell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::last_hidden;
    use burn::backend::Flex;
    use burn::nn::LstmConfig;
    use burn::tensor::Distribution;

    #[test]
    fn packed_lstm_stack_computes_what_burn_computes() {
        let device = Default::default();
        Flex::seed(&device, 7);
        let layers: Vec<Lstm<Flex>> =
            vec![LstmConfig::new(5, 12, true).init(&device), LstmConfig::new(12, 12, true).init(&device)];
        let input = Tensor::<Flex, 3>::random([3, 9, 5], Distribution::Normal(0.0, 1.0), &device);
        let mut x = input.clone();
        for l in &layers {
            x = l.forward(x, None).0;
        }
        let expected = x.slice([0..3, 8..9, 0..12]).reshape([3, 12]);
        let packed: Vec<_> = layers.iter().map(|l| PackedLstm::pack(l).expect("default config packs")).collect();
        let got = last_hidden(&packed, input);
        let diff = (got - expected).abs().max().into_scalar();
        assert!(diff < 1e-5, "packed LSTM differs from Burn's by {diff}");
    }

    #[test]
    fn a_configuration_it_does_not_cover_stays_on_burn() {
        let device = Default::default();
        let lstm: Lstm<Flex> = LstmConfig::new(2, 3, true).with_clip(Some(1.0)).init(&device);
        assert!(PackedLstm::pack(&lstm).is_none());
    }
}
