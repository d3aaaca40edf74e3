//! The element-wise part of a packed recurrent step in one pass over the
//! gates, on Burn's CPU backend (flex).
//!
//! Composed from tensor operations, the element-wise work of an LSTM step
//! (a gate sum, the logistic function, then eight multiplications and
//! additions on column views) is a dozen passes over the batch, each
//! allocating its output: at batch 64 they took four fifths of a step. Here
//! the same operations, in the same order on the same values (so the results
//! are the composed path's, bit for bit where the compiler keeps the order),
//! run in one loop per row on flex's own buffers, reading the strided step
//! view and writing the new state. Burn's tensor API has no such operation
//! and backends cannot be extended from outside, so this reaches into flex's
//! tensor type, which is public; on any other backend, or at another float
//! type, the functions answer `None` and the packed layers keep the composed
//! operations.

use burn::tensor::backend::Backend;
use burn::tensor::{DType, Tensor, TensorData};
use burn_flex::ops::fast_math::sigmoid;
use burn_flex::FlexTensor;

use super::flex_access::{self, flex};

/// The rows of a 2D f32 flex tensor whose rows are each contiguous.
struct Rows<'a> {
    data: &'a [f32],
    start: usize,
    row_stride: usize,
    rows: usize,
    cols: usize,
}

impl<'a> Rows<'a> {
    /// `None` unless `t` is 2D f32 with contiguous rows at non-negative strides.
    fn of(t: &'a FlexTensor) -> Option<Self> {
        if t.dtype() != DType::F32 {
            return None;
        }
        let (rows, cols, row_stride, col_stride) = t.layout().as_2d_strides()?;
        if (col_stride != 1 && cols > 1) || row_stride < 0 {
            return None;
        }
        let data: &[f32] = t.storage();
        let start = t.layout().start_offset();
        let row_stride = row_stride as usize;
        let end = start + rows.saturating_sub(1) * row_stride + cols;
        (rows == 0 || end <= data.len()).then_some(Self { data, start, row_stride, rows, cols })
    }

    #[inline(always)]
    fn row(&self, r: usize) -> &'a [f32] {
        let s = self.start + r * self.row_stride;
        &self.data[s..s + self.cols]
    }
}

/// `values` as a `[rows, cols]` tensor of `B`, where `B` is flex.
fn tensor<B: Backend>(values: Vec<f32>, rows: usize, cols: usize) -> Option<Tensor<B, 2>> {
    flex_access::tensor(FlexTensor::from_data(TensorData::new(values, [rows, cols])))
}

/// Runs a kernel's `run` compiled for the widest vector unit the CPU has
/// (AVX-512, else AVX2 with FMA, else the build's baseline): the logistic
/// function is a branch-free polynomial that vectorises to the unit's width.
/// The compiler does not contract multiplications and additions into fused
/// ones, so every width computes the same values.
macro_rules! dispatch {
    ($cells:ident . run ( $($arg:expr),* )) => {{
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F, which `run_avx512` is compiled for.
                unsafe { $cells.run_avx512($($arg),*) }
            } else if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                // SAFETY: the CPU has AVX2 and FMA, which `run_avx2` is compiled for.
                unsafe { $cells.run_avx2($($arg),*) }
            } else {
                $cells.run($($arg),*)
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        $cells.run($($arg),*)
    }};
}

/// Defines `run_avx512` and `run_avx2`: `run` compiled for those units.
macro_rules! widths {
    ($($arg:ident : $ty:ty),*) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f")]
        unsafe fn run_avx512(&self, $($arg: $ty),*) {
            self.run($($arg),*)
        }
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn run_avx2(&self, $($arg: $ty),*) {
            self.run($($arg),*)
        }
    };
}

/// An LSTM step's operands, shapes checked.
struct LstmCells<'a> {
    x: Rows<'a>,
    hh: Option<Rows<'a>>,
    c: Rows<'a>,
    h: usize,
}

impl LstmCells<'_> {
    widths!(hidden: &mut [f32], next: &mut [f32]);

    #[inline(always)]
    fn run(&self, hidden: &mut [f32], next: &mut [f32]) {
        let h = self.h;
        let mut s = vec![0f32; 4 * h];
        for r in 0..self.c.rows {
            let xr = self.x.row(r);
            match &self.hh {
                Some(m) => {
                    for ((s, &a), &b) in s.iter_mut().zip(xr).zip(m.row(r)) {
                        *s = sigmoid(a + b);
                    }
                }
                None => {
                    for (s, &a) in s.iter_mut().zip(xr) {
                        *s = sigmoid(a);
                    }
                }
            }
            let (input, rest) = s.split_at(h);
            let (forget, rest) = rest.split_at(h);
            let (output, cell_gate) = rest.split_at(h);
            let gates = input.iter().zip(forget).zip(output.iter().zip(cell_gate));
            let state = hidden[r * h..(r + 1) * h].iter_mut().zip(&mut next[r * h..(r + 1) * h]).zip(self.c.row(r));
            for (((hidden, next), &c), ((&i, &f), (&o, &g))) in state.zip(gates) {
                let c = f * c + (i * g * 2.0 - i);
                *next = c;
                *hidden = o * (sigmoid(c * 2.0) * 2.0 - 1.0);
            }
        }
    }
}

/// A GRU step's operands, shapes checked.
struct GruCells<'a> {
    x: Rows<'a>,
    m: Rows<'a>,
    bias: &'a [f32],
    state: Rows<'a>,
    h: usize,
}

impl GruCells<'_> {
    widths!(out: &mut [f32]);

    #[inline(always)]
    fn run(&self, out: &mut [f32]) {
        let h = self.h;
        let mut ru = vec![0f32; 2 * h];
        for r in 0..self.state.rows {
            let (xr, mr) = (self.x.row(r), self.m.row(r));
            for ((s, &a), &b) in ru.iter_mut().zip(&xr[..2 * h]).zip(&mr[..2 * h]) {
                *s = sigmoid(a + b);
            }
            let (reset, update) = ru.split_at(h);
            let parts = xr[2 * h..].iter().zip(&mr[2 * h..]).zip(self.bias);
            let state = out[r * h..(r + 1) * h].iter_mut().zip(self.state.row(r));
            for (((out, &hr), ((&x, &m), &b)), (&reset, &update)) in state.zip(parts).zip(reset.iter().zip(update)) {
                let doubled = x + reset * (m + b);
                let candidate = sigmoid(doubled) * 2.0 - 1.0;
                *out = candidate * (-update + 1.0) + update * hr;
            }
        }
    }
}

/// One step of [`super::PackedLstm`] after its products: `gates` = `x_step`
/// (+ `hh`, the hidden product, from the second step on), `[batch, 4h]` in
/// the order input, forget, output, cell (the cell gate's pre-activation
/// doubled); `cell` `[batch, h]`. Returns the new hidden and cell states,
/// or `None` where the backend is not flex at f32.
pub fn lstm_step<B: Backend>(
    x_step: &Tensor<B, 2>,
    hh: Option<&Tensor<B, 2>>,
    cell: &Tensor<B, 2>,
) -> Option<(Tensor<B, 2>, Tensor<B, 2>)> {
    let (x, c) = (flex(x_step)?, flex(cell)?);
    let hh = match hh {
        Some(t) => Some(flex(t)?),
        None => None,
    };
    let (x, c) = (Rows::of(&x)?, Rows::of(&c)?);
    let hh = match &hh {
        Some(t) => Some(Rows::of(t)?),
        None => None,
    };
    let (batch, h) = (c.rows, c.cols);
    let shapes_agree =
        x.rows == batch && x.cols == 4 * h && hh.as_ref().is_none_or(|m| m.rows == batch && m.cols == 4 * h);
    if !shapes_agree {
        return None;
    }
    let (mut hidden, mut next) = (vec![0f32; batch * h], vec![0f32; batch * h]);
    let cells = LstmCells { x, hh, c, h };
    dispatch!(cells.run(&mut hidden, &mut next));
    Some((tensor(hidden, batch, h)?, tensor(next, batch, h)?))
}

/// One step of [`super::PackedGru`] after its products: `x_step` and `hh`
/// `[batch, 3h]` (reset, update, new; the new gate's parts doubled),
/// `bias_new` the new gate's doubled hidden bias `[1, h]`, `hidden`
/// `[batch, h]`. Returns the new hidden state, or `None` where the backend
/// is not flex at f32.
pub fn gru_step<B: Backend>(
    x_step: &Tensor<B, 2>,
    hh: &Tensor<B, 2>,
    bias_new: &Tensor<B, 2>,
    hidden: &Tensor<B, 2>,
) -> Option<Tensor<B, 2>> {
    let (x, m, bias, state) = (flex(x_step)?, flex(hh)?, flex(bias_new)?, flex(hidden)?);
    let (x, m, bias, state) = (Rows::of(&x)?, Rows::of(&m)?, Rows::of(&bias)?, Rows::of(&state)?);
    let (batch, h) = (state.rows, state.cols);
    let shapes_agree =
        x.rows == batch && m.rows == batch && x.cols == 3 * h && m.cols == 3 * h && bias.rows == 1 && bias.cols == h;
    if !shapes_agree {
        return None;
    }
    let mut out = vec![0f32; batch * h];
    let cells = GruCells { x, m, bias: bias.row(0), state, h };
    dispatch!(cells.run(&mut out));
    tensor(out, batch, h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::packed_gru::composed_step as gru_composed;
    use crate::layers::packed_lstm::composed_step as lstm_composed;
    use crate::layers::recurrent::step;
    use burn::backend::{Autodiff, Flex};
    use burn::tensor::Distribution;

    fn random<B: Backend>(shape: [usize; 2], seed: u64) -> Tensor<B, 2> {
        let device = Default::default();
        B::seed(&device, seed);
        Tensor::random(shape, Distribution::Normal(0.0, 2.0), &device)
    }

    fn worst(a: &Tensor<Flex, 2>, b: &Tensor<Flex, 2>) -> f32 {
        assert_eq!(a.dims(), b.dims());
        let (a, b) = (a.to_data().to_vec::<f32>().unwrap(), b.to_data().to_vec::<f32>().unwrap());
        a.iter().zip(&b).fold(0f32, |m, (x, y)| m.max((x - y).abs()))
    }

    /// Step 2 of 5 of a batch-major `[batch * 5, cols]` projection: a strided view.
    fn step_view(batch: usize, cols: usize, seed: u64) -> Tensor<Flex, 2> {
        step(&random::<Flex>([batch * 5, cols], seed), 2, 5)
    }

    #[test]
    fn fused_lstm_step_is_the_composed_one() {
        let (batch, h) = (7, 13);
        let x = step_view(batch, 4 * h, 1);
        let (hh, cell) = (random::<Flex>([batch, 4 * h], 2), random::<Flex>([batch, h], 3));
        for hh in [Some(hh), None] {
            let (fh, fc) = lstm_step(&x, hh.as_ref(), &cell).expect("flex at f32 fuses");
            let (ch, cc) = lstm_composed(x.clone(), hh, cell.clone(), h);
            assert!(worst(&fh, &ch) <= 1e-6 && worst(&fc, &cc) <= 1e-6, "{} {}", worst(&fh, &ch), worst(&fc, &cc));
        }
    }

    #[test]
    fn fused_gru_step_is_the_composed_one() {
        let (batch, h) = (5, 11);
        let x = step_view(batch, 3 * h, 4);
        let (hh, bias, hidden) = (random::<Flex>([batch, 3 * h], 5), random::<Flex>([1, h], 6), random([batch, h], 7));
        let fused = gru_step(&x, &hh, &bias, &hidden).expect("flex at f32 fuses");
        let composed = gru_composed(&x, &hh, &bias, hidden, h);
        assert!(worst(&fused, &composed) <= 1e-6, "{}", worst(&fused, &composed));
    }

    #[test]
    fn other_backends_and_mismatched_shapes_keep_the_composed_step() {
        type Other = Autodiff<Flex>;
        let (x, cell) = (random::<Other>([2, 8], 1), random::<Other>([2, 2], 2));
        assert!(lstm_step(&x, None, &cell).is_none(), "not flex's tensors");
        let (x, cell) = (random::<Flex>([2, 8], 1), random::<Flex>([2, 3], 2));
        assert!(lstm_step(&x, None, &cell).is_none(), "4h columns expected");
        let (x, bias, hidden) = (random::<Flex>([2, 9], 1), random::<Flex>([2, 3], 2), random::<Flex>([2, 3], 3));
        assert!(gru_step(&x, &x, &bias, &hidden).is_none(), "one bias row expected");
    }
}
