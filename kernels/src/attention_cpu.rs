//! Multi-head self-attention for the CPU over short sequences, one sequence
//! and head at a time in the first-level cache.
//!
//! Composed from tensor operations (Burn's `MultiHeadAttention` on its CPU
//! backend), attention materialises every head's score matrix for the whole
//! batch (a transformer-temp batch of 64 holds 448 sequences x 4 heads x
//! 41 x 41 scores, 12 MB), then scales, exponentiates, sums and divides it
//! in passes of their own, and copies the heads in and out of
//! `[batch, heads, tokens, head size]` layout. Here one head of one
//! sequence at a time is computed in buffers that stay in the first-level
//! cache (41 x 41 scores: 7 KB), and its output is written straight into
//! the rows at the head's columns.
//!
//! The arithmetic is Burn's: scores are `q . k / sqrt(head size)` (the
//! query scaled first), the weights are `exp(s - max) / sum`, the output is
//! the weights times the values; the division by the sum comes after the
//! weighted sum (one division a row instead of one a weight), so results
//! agree to rounding.

use crate::lstm::ShapeError;
use crate::rnn_cpu::exp_fast;

/// The shape of one call: sequences of `tokens`, `heads` heads over a model
/// width of `width`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttentionShape {
    /// Sequences.
    pub sequences: usize,
    /// Tokens of each sequence.
    pub tokens: usize,
    /// Model width (all heads).
    pub width: usize,
    /// Heads (`width` is a multiple of it).
    pub heads: usize,
}

/// Self-attention of `shape.sequences` sequences: `qkv` holds each token's
/// row `[query | key | value]` (`3 width` values, each part heads side by
/// side), sequence by sequence; `out` receives each token's `width` values,
/// heads side by side (Burn's and PyTorch's layouts).
pub fn self_attention(shape: AttentionShape, qkv: &[f32], out: &mut [f32]) -> Result<(), ShapeError> {
    let AttentionShape { sequences, tokens, width, heads } = shape;
    if heads == 0 || width % heads != 0 {
        return Err(ShapeError::Length {
            what: "attention heads (dividing the width)".into(),
            expected: width,
            found: heads,
        });
    }
    let rows = sequences * tokens;
    for (what, expected, found) in
        [("attention qkv", rows * 3 * width, qkv.len()), ("attention output", rows * width, out.len())]
    {
        if expected != found {
            return Err(ShapeError::Length { what: what.into(), expected, found });
        }
    }
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F (checked above).
            unsafe { attention_avx512(shape, qkv, out) };
            return Ok(());
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA (checked above).
            unsafe { attention_avx2(shape, qkv, out) };
            return Ok(());
        }
    }
    attention(shape, qkv, out);
    Ok(())
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn attention_avx512(shape: AttentionShape, qkv: &[f32], out: &mut [f32]) {
    attention(shape, qkv, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn attention_avx2(shape: AttentionShape, qkv: &[f32], out: &mut [f32]) {
    attention(shape, qkv, out)
}

/// Query tokens a vector holds.
const LANES: usize = 16;

/// Query tokens of one block: at most four vectors, each its own chain of
/// additions (independent accumulators keep the vector unit busy).
const BLOCK: usize = 4 * LANES;

/// Per sequence and head, blocks of up to 64 query tokens (the block's
/// width `P` rounded up to whole vectors and fixed at compile time, so
/// every loop over it unrolls into vector operations with no remainder).
#[inline(always)]
fn attention(shape: AttentionShape, qkv: &[f32], out: &mut [f32]) {
    let AttentionShape { sequences, tokens, width, heads } = shape;
    let mut buffers = Buffers {
        qt: vec![0.0; width / heads * BLOCK],
        st: vec![0.0; tokens * BLOCK],
        ot: vec![0.0; width / heads * BLOCK],
    };
    for s in 0..sequences {
        let seq = &qkv[s * tokens * 3 * width..(s + 1) * tokens * 3 * width];
        let seq_out = &mut out[s * tokens * width..(s + 1) * tokens * width];
        for h in 0..heads {
            for first in (0..tokens).step_by(BLOCK) {
                let count = (tokens - first).min(BLOCK);
                let block = Block { shape, head: h, first, count };
                match count.div_ceil(LANES) {
                    1 => block.run::<16>(seq, seq_out, &mut buffers),
                    2 => block.run::<32>(seq, seq_out, &mut buffers),
                    3 => block.run::<48>(seq, seq_out, &mut buffers),
                    _ => block.run::<64>(seq, seq_out, &mut buffers),
                }
            }
        }
    }
}

/// Scratch of one block: transposed queries `[size][P]`, transposed scores
/// `[tokens][P]`, transposed output `[size][P]`.
struct Buffers {
    qt: Vec<f32>,
    st: Vec<f32>,
    ot: Vec<f32>,
}

/// Queries `first..first + count` of one head of one sequence.
struct Block {
    shape: AttentionShape,
    head: usize,
    first: usize,
    count: usize,
}

impl Block {
    /// The transposed scores `st[j][i] = k_j . q_i`, the softmax down each
    /// column (maxima and sums as element-wise passes over the rows), the
    /// transposed output `ot[c][i] = sum_j v_j[c] st[j][i]`, then each
    /// query's row divided by its sum into `out`. Columns past `count` hold
    /// zero queries and are never written out.
    #[inline(always)]
    fn run<const P: usize>(&self, seq: &[f32], out: &mut [f32], b: &mut Buffers) {
        let AttentionShape { tokens, width, heads, .. } = self.shape;
        let size = width / heads;
        let stride = 3 * width;
        let scale = 1.0 / (size as f32).sqrt();
        let (q0, k0, v0) = (self.head * size, width + self.head * size, 2 * width + self.head * size);
        let (qt, st, ot) = (&mut b.qt[..size * P], &mut b.st[..tokens * P], &mut b.ot[..size * P]);
        qt.fill(0.0);
        for (i, row) in seq.chunks_exact(stride).skip(self.first).take(self.count).enumerate() {
            for (c, &q) in row[q0..q0 + size].iter().enumerate() {
                qt[c * P + i] = q * scale;
            }
        }
        let mut max = [f32::NEG_INFINITY; P];
        for (scores, row) in st.chunks_exact_mut(P).zip(seq.chunks_exact(stride)) {
            let mut t = [0.0f32; P];
            for (&k, q) in row[k0..k0 + size].iter().zip(qt.chunks_exact(P)) {
                for l in 0..P {
                    t[l] += k * q[l];
                }
            }
            for l in 0..P {
                max[l] = if t[l] > max[l] { t[l] } else { max[l] };
            }
            scores.copy_from_slice(&t);
        }
        let mut sum = [0.0f32; P];
        for scores in st.chunks_exact_mut(P) {
            let mut e = [0.0f32; P];
            e.copy_from_slice(scores);
            for l in 0..P {
                e[l] = exp_fast(e[l] - max[l]);
                sum[l] += e[l];
            }
            scores.copy_from_slice(&e);
        }
        for (c, o) in ot.chunks_exact_mut(P).enumerate() {
            let mut t = [0.0f32; P];
            for (weights, row) in st.chunks_exact(P).zip(seq.chunks_exact(stride)) {
                let value = row[v0 + c];
                for l in 0..P {
                    t[l] += value * weights[l];
                }
            }
            o.copy_from_slice(&t);
        }
        for (i, &t) in sum.iter().take(self.count).enumerate() {
            let inv = 1.0 / t;
            let row = (self.first + i) * width + q0;
            for (c, o) in out[row..row + size].iter_mut().enumerate() {
                *o = ot[c * P + i] * inv;
            }
        }
    }
}

#[cfg(test)]
#[path = "attention_cpu_tests.rs"]
mod tests;
