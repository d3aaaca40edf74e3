//! The GRU forecaster run by the fused CPU engine (`engine = "fused-cpu"`,
//! `kernels/src/rnn_cpu.rs`): the Burn model's weights, exported once.

use burn::nn::Linear;
use burn::tensor::backend::Backend;
use serde::{Deserialize, Serialize};
use wattbench_kernels::rnn_cpu::{transpose, Cell, FusedRnnCpu, RecurrentLayer};

use super::model::GruForecaster;
use crate::error::WorkloadError;
use crate::tensor_workload::HostEngine;

/// What results name this engine.
pub const ENGINE: &str = "fused-cpu (kernels/src/rnn_cpu.rs)";

/// What executes the model.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    /// Burn, on the run's backend (the default).
    #[default]
    Burn,
    /// The fused CPU engine (CPU runs only).
    FusedCpu,
}

fn host<B: Backend>(t: burn::tensor::Tensor<B, 1>) -> Result<Vec<f32>, WorkloadError> {
    t.into_data().convert::<f32>().into_vec::<f32>().map_err(|e| WorkloadError::Execution(format!("{e:?}")))
}

/// A Linear's weight `[in][out]` and bias `[out]` on the host.
fn linear<B: Backend>(l: &Linear<B>) -> Result<(Vec<f32>, Vec<f32>, usize, usize), WorkloadError> {
    let w = l.weight.val();
    let [d_in, d_out] = w.dims();
    let weight = host(w.reshape([d_in * d_out]))?;
    let bias = match &l.bias {
        Some(b) => host(b.val())?,
        None => vec![0.0; d_out],
    };
    Ok((weight, bias, d_in, d_out))
}

/// The fused engine over the forecaster's weights; inputs `[channels][steps]` per sample.
pub struct FusedGru {
    engine: FusedRnnCpu,
    channels: usize,
    steps: usize,
    series: Vec<f32>,
}

impl FusedGru {
    /// Exports `model`'s weights (gate order reset, update, new) for windows of `channels × steps`.
    pub fn new<B: Backend>(model: &GruForecaster<B>, channels: usize, steps: usize) -> Result<Self, WorkloadError> {
        let mut layers = Vec::new();
        for gru in &model.layers {
            let gates = [&gru.reset_gate, &gru.update_gate, &gru.new_gate];
            let (mut w_ih, mut w_hh, mut b_ih, mut b_hh) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            let (mut input, mut hidden) = (0, 0);
            for g in gates {
                let (wi, bi, d_in, d_out) = linear(&g.input_transform)?;
                let (wh, bh, _, _) = linear(&g.hidden_transform)?;
                (input, hidden) = (d_in, d_out);
                w_ih.push(wi);
                w_hh.push(wh);
                b_ih.extend(bi);
                b_hh.extend(bh);
            }
            // `[in][out]` per gate to `[in][gate × out]`.
            let interleave = |per_gate: &[Vec<f32>], rows: usize| -> Vec<f32> {
                (0..rows)
                    .flat_map(|r| per_gate.iter().flat_map(move |w| w[r * hidden..(r + 1) * hidden].to_vec()))
                    .collect()
            };
            layers.push(RecurrentLayer {
                input,
                hidden,
                w_ih_t: interleave(&w_ih, input),
                w_hh_t: interleave(&w_hh, hidden),
                b_ih,
                b_hh,
            });
        }
        let (head_w, head_b, d_in, d_out) = linear(&model.head)?;
        let engine = FusedRnnCpu::new(Cell::Gru, layers, &transpose(&head_w, d_in, d_out), head_b)
            .map_err(|e| WorkloadError::Execution(e.to_string()))?;
        Ok(Self { engine, channels, steps, series: Vec::new() })
    }
}

impl HostEngine for FusedGru {
    fn name(&self) -> &str {
        ENGINE
    }

    fn forward(&mut self, input: &[f32], batch: usize) -> Result<Vec<f32>, WorkloadError> {
        let (c, t) = (self.channels, self.steps);
        if input.len() != batch * c * t {
            return Err(WorkloadError::Execution(format!("fused GRU: {} inputs for {batch} x {c} x {t}", input.len())));
        }
        // `[channel][step]` to `[step][channel]` per sample.
        self.series.clear();
        self.series.resize(input.len(), 0.0);
        for (x, s) in input.chunks(c * t).zip(self.series.chunks_mut(c * t)) {
            for ch in 0..c {
                for step in 0..t {
                    s[step * c + ch] = x[ch * t + step];
                }
            }
        }
        let mut out =
            self.engine.forward(&self.series, batch, t).map_err(|e| WorkloadError::Execution(e.to_string()))?;
        // The head predicts the change from the last methane reading (channel 0).
        let horizon = self.engine.outputs();
        for (o, x) in out.chunks_mut(horizon).zip(input.chunks(c * t)) {
            let last = x[t - 1];
            o.iter_mut().for_each(|v| *v += last);
        }
        Ok(out)
    }
}
