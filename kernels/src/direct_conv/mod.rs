//! Direct convolutions for the CPU on channels-last data, with no patch
//! matrix: 1D ([`DirectConv1d`]) and 2D ([`DirectConv2d`]).
//!
//! Burn's CPU convolution, and a packed one built from its tensor
//! operations, copy every output position's receptive field into a patch
//! matrix (im2col: `taps` times the layer's input), pad the input into a new
//! buffer, then run a general matrix product that packs both operands again,
//! and add the bias and apply the ReLU in passes of their own. At the sizes
//! of the energy workloads (1-64 channels, 3-10 taps) that copying costs
//! about what the arithmetic does.
//!
//! Here each output position reads its taps where they lie in the input: a
//! table gives, for every position and tap, the start of that tap's `c_in`
//! values, or a row of zeros where the tap falls in the padding, so padding,
//! stride and dilation cost nothing in the inner loop. A tile of output
//! positions times up to 64 output channels is accumulated in vector
//! registers (AVX-512 where the CPU has it, chosen at run time), starting
//! from the bias, and written once, through the ReLU where asked. Other CPUs
//! run the same loops written plainly, which the compiler vectorises.
//!
//! Every output is the bias plus the sum over taps (in order) and input
//! channels (in order) of input times weight, in f32 (fused multiply-adds
//! on AVX-512): another order of summation than Burn's, so outputs agree to
//! rounding (tested against a direct f64 sum).

use rayon::prelude::*;

use crate::lstm::ShapeError;

#[cfg(target_arch = "x86_64")]
mod avx512;
mod conv1d;
mod conv2d;

pub use conv1d::{Conv1dGeometry, DirectConv1d};
pub use conv2d::{Conv2dGeometry, DirectConv2d};

/// Output channels a vector holds on AVX-512.
const LANES: usize = 16;

/// Output positions a task is at least: below this, splitting the rows
/// across the pool costs more than it saves.
const MIN_ROWS_PER_TASK: usize = 96;

/// Multiply-adds below which a call runs on the calling thread alone.
const PARALLEL_MACS: usize = 4 << 20;

/// A convolution's weights laid out for the kernel: `[taps][c_in][padded_out]`.
#[derive(Clone, Debug, PartialEq)]
struct Filter {
    c_in: usize,
    c_out: usize,
    taps: usize,
    /// Output channels rounded up to a whole number of vectors.
    padded_out: usize,
    /// `[taps][c_in][padded_out]`, zeros in the padding columns.
    weight: Vec<f32>,
    /// `[padded_out]`, zeros where there is no bias.
    bias: Vec<f32>,
    /// `c_in` zeros: where a tap in the padding reads.
    zeros: Vec<f32>,
}

/// An error unless every size is at least one.
fn positive(sizes: &[(&str, usize)]) -> Result<(), ShapeError> {
    match sizes.iter().find(|(_, v)| *v == 0) {
        Some((what, _)) => Err(ShapeError::Length { what: format!("convolution {what}"), expected: 1, found: 0 }),
        None => Ok(()),
    }
}

/// An error unless `found == expected`.
fn length(what: &str, expected: usize, found: usize) -> Result<(), ShapeError> {
    (expected == found).then_some(()).ok_or_else(|| ShapeError::Length { what: what.into(), expected, found })
}

impl Filter {
    /// From `weight` in `[c_out][c_in][taps]` order (Burn's and PyTorch's,
    /// the taps row-major) and `bias` (`[c_out]`).
    fn new(c_in: usize, c_out: usize, taps: usize, weight: &[f32], bias: Option<&[f32]>) -> Result<Self, ShapeError> {
        length("convolution weight", c_out * c_in * taps, weight.len())?;
        if let Some(b) = bias {
            length("convolution bias", c_out, b.len())?;
        }
        let padded_out = c_out.div_ceil(LANES) * LANES;
        let mut packed = vec![0.0; taps * c_in * padded_out];
        for o in 0..c_out {
            for i in 0..c_in {
                for k in 0..taps {
                    packed[(k * c_in + i) * padded_out + o] = weight[(o * c_in + i) * taps + k];
                }
            }
        }
        let mut padded_bias = vec![0.0; padded_out];
        if let Some(b) = bias {
            padded_bias[..c_out].copy_from_slice(b);
        }
        Ok(Self { c_in, c_out, taps, padded_out, weight: packed, bias: padded_bias, zeros: vec![0.0; c_in] })
    }
}

/// Where the taps of output rows read: the part of a convolution that
/// knows its dimensions.
trait Taps: Sync {
    /// For output rows `first..first + n`, the start of each tap's `c_in`
    /// input values (the filter's zero row where the tap falls in the
    /// padding): tap `k` of row `first + r` into `table[k * stride + r]`.
    fn fill(&self, first: usize, n: usize, table: &mut [*const f32], stride: usize);
}

/// One call: the filter, where its taps read, and whether a ReLU follows.
struct Task<'a, T: Taps> {
    filter: &'a Filter,
    taps: &'a T,
    relu: bool,
}

/// Computes `output` (`rows` of `c_out`), split across rayon's pool when
/// the call is large enough.
fn run<T: Taps>(filter: &Filter, taps: &T, output: &mut [f32], relu: bool) {
    let rows = output.len() / filter.c_out;
    let task = Task { filter, taps, relu };
    let macs = rows * filter.c_out * filter.c_in * filter.taps;
    let threads = rayon::current_num_threads();
    if macs < PARALLEL_MACS || threads < 2 || rows < 2 * MIN_ROWS_PER_TASK {
        task.rows(0, output);
        return;
    }
    let per_task = rows.div_ceil(threads).max(MIN_ROWS_PER_TASK);
    output.par_chunks_mut(per_task * filter.c_out).enumerate().for_each(|(i, chunk)| task.rows(i * per_task, chunk));
}

impl<T: Taps> Task<'_, T> {
    /// Output rows `first..first + out.len() / c_out` into `out`.
    fn rows(&self, first: usize, out: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F (checked above).
                unsafe { avx512::rows(self, first, out) };
                return;
            }
            if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                // SAFETY: the CPU has AVX2 and FMA (checked above).
                unsafe { rows_avx2(self, first, out) };
                return;
            }
        }
        rows_plain(self, first, out);
    }
}

/// [`rows_plain`] compiled for AVX2 with FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn rows_avx2<T: Taps>(task: &Task<T>, first: usize, out: &mut [f32]) {
    rows_plain(task, first, out)
}

/// One output row at a time: the bias, then every tap's channels times
/// their weight rows, the loop over output channels left to the compiler.
#[inline(always)]
fn rows_plain<T: Taps>(task: &Task<T>, first: usize, out: &mut [f32]) {
    let f = task.filter;
    let (c_in, width) = (f.c_in, f.padded_out);
    let mut acc = vec![0.0f32; width];
    let mut table = vec![f.zeros.as_ptr(); f.taps];
    for (r, y) in out.chunks_exact_mut(f.c_out).enumerate() {
        acc.copy_from_slice(&f.bias);
        task.taps.fill(first + r, 1, &mut table, 1);
        for (k, &p) in table.iter().enumerate() {
            // SAFETY: `fill` points at `c_in` readable values.
            let x = unsafe { std::slice::from_raw_parts(p, c_in) };
            let w = &f.weight[k * c_in * width..(k + 1) * c_in * width];
            for (xi, wi) in x.iter().zip(w.chunks_exact(width)) {
                for (a, w) in acc.iter_mut().zip(wi) {
                    *a += xi * w;
                }
            }
        }
        for (y, a) in y.iter_mut().zip(&acc) {
            *y = if task.relu { a.max(0.0) } else { *a };
        }
    }
}

/// [`run`] on one thread through the plain loops (what a CPU without
/// AVX-512 or AVX2 runs), for tests.
#[cfg(test)]
fn run_plain<T: Taps>(filter: &Filter, taps: &T, output: &mut [f32], relu: bool) {
    rows_plain(&Task { filter, taps, relu }, 0, output);
}

#[cfg(test)]
mod tests;
