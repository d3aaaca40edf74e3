//! The load forecaster: stacked LSTMs over the input window, a linear head
//! from the last hidden state to the whole horizon.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig, Lstm, LstmConfig};
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;
use wattbench_kernels::lstm::{LstmLayer, LstmWeights};

use crate::layers::{last_hidden, PackedLstm};

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

/// The forecaster with its LSTMs packed (see [`crate::layers`]): what runs
/// on the Burn engine execute.
#[derive(Clone, Debug)]
pub struct PackedForecaster<B: Backend> {
    lstms: Vec<PackedLstm<B>>,
    head: Linear<B>,
}

impl<B: Backend> LoadForecaster<B> {
    /// The packed form, `None` where a layer does not pack.
    pub fn packed(&self) -> Option<PackedForecaster<B>> {
        let lstms = self.lstms.iter().map(PackedLstm::pack).collect::<Option<Vec<_>>>()?;
        Some(PackedForecaster { lstms, head: self.head.clone() })
    }
}

impl<B: Backend> PackedForecaster<B> {
    /// What [`LoadForecaster::forward`] computes.
    pub fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        self.head.forward(last_hidden(&self.lstms, input))
    }
}

/// A Linear's weight as `[out][in]` and its bias, on the host.
fn linear_arrays<B: Backend>(l: &Linear<B>) -> Result<(Vec<f32>, Vec<f32>, usize, usize), String> {
    let w = l.weight.val();
    let [d_in, d_out] = w.dims();
    let host = w.into_data().convert::<f32>().into_vec::<f32>().map_err(|e| format!("{e:?}"))?;
    let mut t = vec![0.0f32; d_in * d_out];
    for i in 0..d_in {
        for o in 0..d_out {
            t[o * d_in + i] = host[i * d_out + o];
        }
    }
    let bias = match &l.bias {
        Some(b) => b.val().into_data().convert::<f32>().into_vec::<f32>().map_err(|e| format!("{e:?}"))?,
        None => vec![0.0; d_out],
    };
    Ok((t, bias, d_in, d_out))
}

impl<B: Backend> LoadForecaster<B> {
    /// The weights as plain arrays in the layout of the fused reference
    /// kernel (gate order input, forget, cell, output; input and hidden
    /// biases summed).
    pub fn export(&self) -> Result<LstmWeights, String> {
        let mut layers = Vec::new();
        for lstm in &self.lstms {
            let (mut w_ih, mut w_hh, mut bias) = (Vec::new(), Vec::new(), Vec::new());
            let (mut input, mut hidden) = (0, 0);
            for gate in [&lstm.input_gate, &lstm.forget_gate, &lstm.cell_gate, &lstm.output_gate] {
                let (wi, bi, d_in, d_out) = linear_arrays(&gate.input_transform)?;
                let (wh, bh, _, _) = linear_arrays(&gate.hidden_transform)?;
                (input, hidden) = (d_in, d_out);
                w_ih.extend(wi);
                w_hh.extend(wh);
                bias.extend(bi.iter().zip(&bh).map(|(a, b)| a + b));
            }
            layers.push(LstmLayer { input, hidden, w_ih, w_hh, bias });
        }
        let (head_w, head_b, _, _) = linear_arrays(&self.head)?;
        Ok(LstmWeights { layers, head_w, head_b })
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
    fn the_cpu_reference_computes_what_burn_computes() {
        let device = Default::default();
        let shape = ForecasterShape { features: 7, hidden: 16, layers: 2, input_len: 24, horizon: 6 };
        Flex::seed(&device, 3);
        let model = LoadForecaster::<Flex>::new(&shape, &device);
        let weights = model.export().unwrap();
        let input: Vec<f32> = (0..2 * 24 * 7).map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0).collect();
        let burn = model
            .forward(Tensor::from_data(burn::tensor::TensorData::new(input.clone(), [2, 24, 7]), &device))
            .into_data()
            .into_vec::<f32>()
            .unwrap();
        for b in 0..2 {
            let reference =
                wattbench_kernels::lstm::forward_cpu(&weights, &input[b * 24 * 7..(b + 1) * 24 * 7], 24).unwrap();
            for (r, x) in reference.iter().zip(&burn[b * 6..(b + 1) * 6]) {
                assert!((r - x).abs() < 1e-5, "sample {b}: reference {r} vs burn {x}");
            }
        }
    }

    #[test]
    fn counted_parameters_match_the_module() {
        let device = Default::default();
        let model = LoadForecaster::<Flex>::new(&shape(), &device);
        assert_eq!(model.num_params() as u64, shape().parameters());
    }
}
