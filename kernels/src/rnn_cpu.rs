//! Fused CPU engines for the recurrent workloads (the LSTM load forecaster
//! and the GRU methane forecaster): the same arithmetic as Burn's `Lstm` and
//! `Gru` modules, organised for a CPU.
//!
//! - The input projections of every time step are one matrix product
//!   (`[samples × steps, inputs] × [inputs, gates × hidden]`) before the
//!   recurrence, instead of one small product per gate and step.
//! - Each step is one product of the hidden state with all gates' recurrent
//!   weights, then one fused loop for the gate activations and the state
//!   update, in place: no allocation inside the recurrence.
//! - A batch is split into one slice of samples per thread; each slice runs
//!   its whole recurrence alone, so threads never wait for each other.
//!
//! Matrix products go through the `gemm` crate (the one Burn's CPU backend
//! uses, with run-time selection of the widest vector unit). The activations
//! use an `exp` accurate to a few units in the last place, written so that
//! the compiler vectorises it.

use rayon::prelude::*;

use crate::lstm::{LstmWeights, ShapeError, GATES};

/// Which recurrent cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Gates input, forget, cell, output (Burn's and PyTorch's order).
    Lstm,
    /// Gates reset, update, new; "reset after" (Burn's default and PyTorch's).
    Gru,
}

impl Cell {
    fn gates(self) -> usize {
        match self {
            Cell::Lstm => GATES,
            Cell::Gru => 3,
        }
    }
}

/// One recurrent layer, its weights transposed for row-major products.
#[derive(Clone, Debug, PartialEq)]
pub struct RecurrentLayer {
    /// Input features.
    pub input: usize,
    /// Hidden units.
    pub hidden: usize,
    /// `[input][gate × hidden]`.
    pub w_ih_t: Vec<f32>,
    /// `[hidden][gate × hidden]`.
    pub w_hh_t: Vec<f32>,
    /// Input bias `[gate × hidden]`.
    pub b_ih: Vec<f32>,
    /// Hidden bias `[gate × hidden]`.
    pub b_hh: Vec<f32>,
}

/// A stacked recurrent network with a linear head on the last hidden state.
#[derive(Clone, Debug, PartialEq)]
pub struct FusedRnnCpu {
    cell: Cell,
    layers: Vec<RecurrentLayer>,
    /// `[hidden][outputs]`.
    head_w_t: Vec<f32>,
    head_b: Vec<f32>,
}

fn check(what: impl Into<String>, expected: usize, found: usize) -> Result<(), ShapeError> {
    (expected == found).then_some(()).ok_or(ShapeError::Length { what: what.into(), expected, found })
}

/// `[rows][cols]` to `[cols][rows]`.
pub fn transpose(a: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0.0; a.len()];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = a[r * cols + c];
        }
    }
    t
}

impl FusedRnnCpu {
    /// An engine for `cell` over `layers` and a head `[outputs][hidden]` with bias `[outputs]`.
    pub fn new(cell: Cell, layers: Vec<RecurrentLayer>, head_w: &[f32], head_b: Vec<f32>) -> Result<Self, ShapeError> {
        let g = cell.gates();
        let mut input = layers.first().map(|l| l.input).unwrap_or(0);
        for (i, l) in layers.iter().enumerate() {
            check(format!("layer {i} input size"), input, l.input)?;
            check(format!("layer {i} w_ih"), l.input * g * l.hidden, l.w_ih_t.len())?;
            check(format!("layer {i} w_hh"), l.hidden * g * l.hidden, l.w_hh_t.len())?;
            check(format!("layer {i} b_ih"), g * l.hidden, l.b_ih.len())?;
            check(format!("layer {i} b_hh"), g * l.hidden, l.b_hh.len())?;
            input = l.hidden;
        }
        check("head weights", head_b.len() * input, head_w.len())?;
        let head_w_t = transpose(head_w, head_b.len(), input);
        Ok(Self { cell, layers, head_w_t, head_b })
    }

    /// The LSTM of the fused CUDA reference's arrays (biases already summed).
    pub fn from_lstm(w: &LstmWeights) -> Result<Self, ShapeError> {
        w.validate()?;
        let layers = w
            .layers
            .iter()
            .map(|l| RecurrentLayer {
                input: l.input,
                hidden: l.hidden,
                w_ih_t: transpose(&l.w_ih, GATES * l.hidden, l.input),
                w_hh_t: transpose(&l.w_hh, GATES * l.hidden, l.hidden),
                b_ih: l.bias.clone(),
                b_hh: vec![0.0; GATES * l.hidden],
            })
            .collect();
        Self::new(Cell::Lstm, layers, &w.head_w, w.head_b.clone())
    }

    /// Input features per step.
    pub fn inputs(&self) -> usize {
        self.layers.first().map(|l| l.input).unwrap_or(0)
    }

    /// Outputs of the head.
    pub fn outputs(&self) -> usize {
        self.head_b.len()
    }

    /// Runs `samples` sequences of `steps` steps; `input` is `[sample][step][feature]`.
    /// Returns `[sample][output]`.
    pub fn forward(&self, input: &[f32], samples: usize, steps: usize) -> Result<Vec<f32>, ShapeError> {
        check("input", samples * steps * self.inputs(), input.len())?;
        let outputs = self.outputs();
        let mut out = vec![0.0f32; samples * outputs];
        if samples == 0 || steps == 0 {
            return Ok(out);
        }
        let threads = rayon::current_num_threads().max(1);
        // Slices of at least 8 samples: smaller ones would pay more in dispatch than they gain.
        let per = samples.div_ceil(threads).max(8).min(samples);
        let row = steps * self.inputs();
        if per >= samples {
            self.forward_slice(input, samples, steps, &mut out);
        } else {
            out.par_chunks_mut(per * outputs).zip(input.par_chunks(per * row)).for_each(|(o, x)| {
                self.forward_slice(x, x.len() / row, steps, o);
            });
        }
        Ok(out)
    }

    fn forward_slice(&self, input: &[f32], n: usize, steps: usize, out: &mut [f32]) {
        let g = self.cell.gates();
        let mut seq: Vec<f32> = Vec::new();
        let mut last_h: Vec<f32> = Vec::new();
        for (li, layer) in self.layers.iter().enumerate() {
            let x: &[f32] = if li == 0 { input } else { &seq };
            let (h_size, gh) = (layer.hidden, g * layer.hidden);
            // Input projections of every step at once, with the input bias.
            let mut xp = vec![0.0f32; n * steps * gh];
            for r in 0..n * steps {
                xp[r * gh..(r + 1) * gh].copy_from_slice(&layer.b_ih);
            }
            matmul_acc(&mut xp, x, &layer.w_ih_t, n * steps, layer.input, gh);
            let keep_sequence = li + 1 < self.layers.len();
            let mut next = if keep_sequence { vec![0.0f32; n * steps * h_size] } else { Vec::new() };
            let mut h = vec![0.0f32; n * h_size];
            let mut c = vec![0.0f32; if self.cell == Cell::Lstm { n * h_size } else { 0 }];
            let mut hp = vec![0.0f32; n * gh];
            for t in 0..steps {
                for s in 0..n {
                    hp[s * gh..(s + 1) * gh].copy_from_slice(&layer.b_hh);
                }
                if t > 0 {
                    matmul_acc(&mut hp, &h, &layer.w_hh_t, n, h_size, gh);
                }
                for s in 0..n {
                    let xrow = &xp[(s * steps + t) * gh..(s * steps + t + 1) * gh];
                    let hrow = &hp[s * gh..(s + 1) * gh];
                    let hs = &mut h[s * h_size..(s + 1) * h_size];
                    match self.cell {
                        Cell::Lstm => lstm_update(xrow, hrow, hs, &mut c[s * h_size..(s + 1) * h_size]),
                        Cell::Gru => gru_update(xrow, hrow, hs),
                    }
                    if keep_sequence {
                        next[(s * steps + t) * h_size..(s * steps + t + 1) * h_size].copy_from_slice(hs);
                    }
                }
            }
            seq = next;
            last_h = h;
        }
        let (hidden, outputs) = (self.layers.last().map(|l| l.hidden).unwrap_or(0), self.outputs());
        for s in 0..n {
            out[s * outputs..(s + 1) * outputs].copy_from_slice(&self.head_b);
        }
        matmul_acc(out, &last_h, &self.head_w_t, n, hidden, outputs);
    }
}

/// `dst[m][n] += a[m][k] · b[k][n]`, all row-major, one thread.
pub fn matmul_acc(dst: &mut [f32], a: &[f32], b: &[f32], m: usize, k: usize, n: usize) {
    assert!(dst.len() >= m * n && a.len() >= m * k && b.len() >= k * n, "matmul_acc: slices too short");
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    // SAFETY: the assert above keeps every access of the three row-major
    // matrices (strides n, k, n) inside its slice; dst does not alias a or b.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            true,
            a.as_ptr(),
            1,
            k as isize,
            b.as_ptr(),
            1,
            n as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// `e^x` to a few ulp for |x| < 87 (Cephes' polynomial), branch-free so that loops over it vectorise;
/// NaN stays NaN.
#[inline(always)]
pub fn exp_fast(x: f32) -> f32 {
    let nan = x.is_nan();
    // `max` and `min` return the other operand for a NaN, so `c` is finite (`clamp` would keep the NaN).
    #[allow(clippy::manual_clamp)]
    let c = x.max(-87.0).min(88.0);
    let t = c * std::f32::consts::LOG2_E + 0.5;
    // SAFETY: `t` is finite and within ±128 (`c` is clamped), so it fits an i32. (A saturating `as`
    // cast would check every lane for NaN and range, which keeps the loop from vectorising.)
    let ti: i32 = unsafe { t.to_int_unchecked() };
    let k = ti - i32::from((ti as f32) > t);
    let n = k as f32;
    let r = c - n * 0.693_359_4 + n * 2.121_944_4e-4;
    let z = r * r;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r + 1.666_666_5e-1)
        * r
        + 5.000_000_1e-1;
    let y = p * z + r + 1.0;
    let e = y * f32::from_bits(((k + 127) as u32) << 23);
    if nan {
        f32::NAN
    } else {
        e
    }
}

/// The logistic function.
#[inline(always)]
pub fn sigmoid_fast(x: f32) -> f32 {
    1.0 / (1.0 + exp_fast(-x))
}

/// The hyperbolic tangent, as `2 σ(2x) − 1`.
#[inline(always)]
pub fn tanh_fast(x: f32) -> f32 {
    2.0 / (1.0 + exp_fast(-2.0 * x)) - 1.0
}

/// The state updates, compiled twice: for AVX2 with FMA where the CPU has
/// them (chosen at run time), and for the baseline instruction set.
fn lstm_update(x: &[f32], hp: &[f32], h: &mut [f32], c: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has the features the function is compiled for.
        return unsafe { lstm_update_avx2(x, hp, h, c) };
    }
    lstm_update_body(x, hp, h, c)
}

fn gru_update(x: &[f32], hp: &[f32], h: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has the features the function is compiled for.
        return unsafe { gru_update_avx2(x, hp, h) };
    }
    gru_update_body(x, hp, h)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn lstm_update_avx2(x: &[f32], hp: &[f32], h: &mut [f32], c: &mut [f32]) {
    lstm_update_body(x, hp, h, c)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gru_update_avx2(x: &[f32], hp: &[f32], h: &mut [f32]) {
    gru_update_body(x, hp, h)
}

/// One LSTM step of one sample: gate pre-activations are `x + h` (each `[4][hidden]`).
#[inline(always)]
fn lstm_update_body(x: &[f32], hp: &[f32], h: &mut [f32], c: &mut [f32]) {
    let n = h.len();
    let (xi, rest) = x.split_at(n);
    let (xf, rest) = rest.split_at(n);
    let (xg, xo) = rest.split_at(n);
    let (hi, rest) = hp.split_at(n);
    let (hf, rest) = rest.split_at(n);
    let (hg, ho) = rest.split_at(n);
    for u in 0..n {
        let i = sigmoid_fast(xi[u] + hi[u]);
        let f = sigmoid_fast(xf[u] + hf[u]);
        let g = tanh_fast(xg[u] + hg[u]);
        let o = sigmoid_fast(xo[u] + ho[u]);
        c[u] = f * c[u] + i * g;
        h[u] = o * tanh_fast(c[u]);
    }
}

/// One GRU step of one sample (reset after): gates `[reset, update, new][hidden]`.
#[inline(always)]
fn gru_update_body(x: &[f32], hp: &[f32], h: &mut [f32]) {
    let n = h.len();
    let (xr, rest) = x.split_at(n);
    let (xz, xn) = rest.split_at(n);
    let (hr, rest) = hp.split_at(n);
    let (hz, hn) = rest.split_at(n);
    for u in 0..n {
        let r = sigmoid_fast(xr[u] + hr[u]);
        let z = sigmoid_fast(xz[u] + hz[u]);
        let cand = tanh_fast(xn[u] + r * hn[u]);
        h[u] = (1.0 - z) * cand + z * h[u];
    }
}

#[cfg(test)]
#[path = "rnn_cpu_tests.rs"]
mod tests;
