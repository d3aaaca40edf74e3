//! The load forecaster's LSTM as plain arrays, and a CPU reference forward
//! pass over them. The same arrays feed the fused CUDA kernel, so the
//! reference is what the kernel is checked against.

use thiserror::Error;

/// Gate order of every array: input, forget, cell (candidate), output.
pub const GATES: usize = 4;

/// One LSTM layer's weights, gate-major.
#[derive(Clone, Debug, PartialEq)]
pub struct LstmLayer {
    /// Input features of the layer.
    pub input: usize,
    /// Hidden units.
    pub hidden: usize,
    /// `[gate][unit][input]`.
    pub w_ih: Vec<f32>,
    /// `[gate][unit][hidden]`.
    pub w_hh: Vec<f32>,
    /// `[gate][unit]`: the input and hidden biases added together.
    pub bias: Vec<f32>,
}

/// A stacked LSTM with a linear head from the last hidden state.
#[derive(Clone, Debug, PartialEq)]
pub struct LstmWeights {
    /// Layers, first to last.
    pub layers: Vec<LstmLayer>,
    /// Head `[output][hidden]`.
    pub head_w: Vec<f32>,
    /// Head bias `[output]`.
    pub head_b: Vec<f32>,
}

/// Arrays whose sizes do not fit together.
#[derive(Debug, Error, PartialEq)]
pub enum ShapeError {
    /// An array has the wrong length.
    #[error("{what}: expected {expected} values, found {found}")]
    Length {
        /// Which array.
        what: String,
        /// Its expected length.
        expected: usize,
        /// Its actual length.
        found: usize,
    },
}

fn check(what: impl Into<String>, expected: usize, found: usize) -> Result<(), ShapeError> {
    (expected == found).then_some(()).ok_or(ShapeError::Length { what: what.into(), expected, found })
}

impl LstmWeights {
    /// Output size of the head.
    pub fn outputs(&self) -> usize {
        self.head_b.len()
    }

    /// Checks every array's length against the layer sizes.
    pub fn validate(&self) -> Result<(), ShapeError> {
        let mut input = self.layers.first().map(|l| l.input).unwrap_or(0);
        for (i, l) in self.layers.iter().enumerate() {
            check(format!("layer {i} input size"), input, l.input)?;
            check(format!("layer {i} w_ih"), GATES * l.hidden * l.input, l.w_ih.len())?;
            check(format!("layer {i} w_hh"), GATES * l.hidden * l.hidden, l.w_hh.len())?;
            check(format!("layer {i} bias"), GATES * l.hidden, l.bias.len())?;
            input = l.hidden;
        }
        check("head weights", self.outputs() * input, self.head_w.len())
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Forecasts one sample: `input` is `steps × features` row-major; returns the head's outputs.
pub fn forward_cpu(w: &LstmWeights, input: &[f32], steps: usize) -> Result<Vec<f32>, ShapeError> {
    w.validate()?;
    let features = w.layers.first().map(|l| l.input).unwrap_or(0);
    check("input", steps * features, input.len())?;
    let mut seq: Vec<f32> = input.to_vec();
    let mut width = features;
    for layer in &w.layers {
        let hsz = layer.hidden;
        let (mut h, mut c) = (vec![0.0f32; hsz], vec![0.0f32; hsz]);
        let mut out = Vec::with_capacity(steps * hsz);
        let mut pre = vec![0.0f32; GATES * hsz];
        for t in 0..steps {
            let x = &seq[t * width..(t + 1) * width];
            for (row, p) in pre.iter_mut().enumerate() {
                *p = layer.bias[row]
                    + dot(&layer.w_ih[row * width..(row + 1) * width], x)
                    + dot(&layer.w_hh[row * hsz..(row + 1) * hsz], &h);
            }
            for u in 0..hsz {
                let i = sigmoid(pre[u]);
                let f = sigmoid(pre[hsz + u]);
                let g = pre[2 * hsz + u].tanh();
                let o = sigmoid(pre[3 * hsz + u]);
                c[u] = f * c[u] + i * g;
                h[u] = o * c[u].tanh();
            }
            out.extend_from_slice(&h);
        }
        seq = out;
        width = hsz;
    }
    let last = &seq[(steps - 1) * width..steps * width];
    Ok((0..w.outputs()).map(|o| w.head_b[o] + dot(&w.head_w[o * width..(o + 1) * width], last)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_unit(w_ih: f32, w_hh: f32) -> LstmWeights {
        LstmWeights {
            layers: vec![LstmLayer {
                input: 1,
                hidden: 1,
                w_ih: vec![w_ih; 4],
                w_hh: vec![w_hh; 4],
                bias: vec![0.0; 4],
            }],
            head_w: vec![1.0],
            head_b: vec![0.0],
        }
    }

    #[test]
    fn one_step_matches_the_hand_computed_cell() {
        // Burn's own documented example: all gates 0.5*x with x = 0.1... here
        // one weight for all gates: i = f = o = sigmoid(0.05), g = tanh(0.05).
        let out = forward_cpu(&one_unit(0.5, 0.0), &[0.1], 1).unwrap();
        let (s, g) = (sigmoid(0.05), 0.05f32.tanh());
        let c = s * g;
        assert!((out[0] - s * c.tanh()).abs() < 1e-7);
    }

    #[test]
    fn the_hidden_state_carries_over_steps() {
        let one = forward_cpu(&one_unit(0.5, 0.9), &[0.1], 1).unwrap()[0];
        let two = forward_cpu(&one_unit(0.5, 0.9), &[0.1, 0.1], 2).unwrap()[0];
        assert!(two > one, "the recurrent weight adds the previous state: {one} {two}");
    }

    #[test]
    fn bad_shapes_are_named() {
        let mut w = one_unit(0.5, 0.0);
        w.layers[0].w_hh.pop();
        assert_eq!(forward_cpu(&w, &[0.1], 1).unwrap_err().to_string(), "layer 0 w_hh: expected 4 values, found 3");
        let w = one_unit(0.5, 0.0);
        assert!(forward_cpu(&w, &[0.1, 0.2], 1).is_err());
    }
}
