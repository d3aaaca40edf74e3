//! The load forecaster: stacked LSTMs over the input window, a linear head
//! from the last hidden state to the whole horizon.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig, Lstm, LstmConfig};
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

/// Architecture of the forecaster.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecasterShape {
    /// Features per time step.
    pub features: usize,
    /// Hidden size of every LSTM layer.
    pub hidden: usize,
    /// Number of stacked LSTM layers.
    pub layers: usize,
    /// Time steps in the input window.
    pub input_len: usize,
    /// Steps forecast.
    pub horizon: usize,
}

impl ForecasterShape {
    /// Trainable parameters, counted from the architecture.
    pub fn parameters(&self) -> u64 {
        let h = self.hidden as u64;
        let mut total = 0;
        for layer in 0..self.layers {
            let input = if layer == 0 { self.features as u64 } else { h };
            // Four gates, each with an input and a hidden weight matrix and two biases.
            total += 4 * (input * h + h * h + 2 * h);
        }
        total + h * self.horizon as u64 + self.horizon as u64
    }

    /// FLOPs of one sample's forward pass (a multiply-add counts as two).
    pub fn flops_per_sample(&self) -> u64 {
        let h = self.hidden as u64;
        let steps = self.input_len as u64;
        let mut per_step = 0;
        for layer in 0..self.layers {
            let input = if layer == 0 { self.features as u64 } else { h };
            // Gate pre-activations, then the element-wise cell update (about 10 ops per unit).
            per_step += 2 * 4 * (input + h) * h + 10 * h;
        }
        steps * per_step + 2 * h * self.horizon as u64
    }
}

/// Stacked LSTM forecaster, generic over the Burn backend.
#[derive(Module, Debug)]
pub struct LoadForecaster<B: Backend> {
    lstms: Vec<Lstm<B>>,
    head: Linear<B>,
}

impl<B: Backend> LoadForecaster<B> {
    /// Builds a randomly initialised model on `device` (seed the backend first
    /// for a reproducible initialisation).
    pub fn new(shape: &ForecasterShape, device: &B::Device) -> Self {
        let lstms = (0..shape.layers)
            .map(|layer| {
                let input = if layer == 0 { shape.features } else { shape.hidden };
                LstmConfig::new(input, shape.hidden, true).init(device)
            })
            .collect();
        let head = LinearConfig::new(shape.hidden, shape.horizon).init(device);
        Self { lstms, head }
    }

    /// Forecasts: `[batch, input_len, features]` in, `[batch, horizon]` out.
    pub fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        let [batch, steps, _] = input.dims();
        let mut x = input;
        for lstm in &self.lstms {
            let (out, _state) = lstm.forward(x, None);
            x = out;
        }
        let hidden = x.dims()[2];
        let last = x.narrow(1, steps - 1, 1).reshape([batch, hidden]);
        self.head.forward(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::backend::Flex;

    fn shape() -> ForecasterShape {
        ForecasterShape { features: 3, hidden: 4, layers: 2, input_len: 5, horizon: 2 }
    }

    #[test]
    fn output_has_batch_by_horizon_shape() {
        let device = Default::default();
        let model = LoadForecaster::<Flex>::new(&shape(), &device);
        let input = Tensor::<Flex, 3>::zeros([7, 5, 3], &device);
        assert_eq!(model.forward(input).dims(), [7, 2]);
    }

    #[test]
    fn counted_parameters_match_the_module() {
        let device = Default::default();
        let model = LoadForecaster::<Flex>::new(&shape(), &device);
        assert_eq!(model.num_params() as u64, shape().parameters());
    }
}
