//! The 1D convolution: `[batch][len][c_in]` to `[batch][out_len][c_out]`.

use super::{length, positive, run, Filter, Taps};
use crate::lstm::ShapeError;

/// The shape of a 1D convolution: channels, kernel, stride, dilation and
/// the zeros added before and after each sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conv1dGeometry {
    /// Input channels.
    pub c_in: usize,
    /// Output channels.
    pub c_out: usize,
    /// Taps.
    pub kernel: usize,
    /// Step between output positions, in input positions.
    pub stride: usize,
    /// Step between taps, in input positions.
    pub dilation: usize,
    /// Zero positions before each sequence.
    pub pad_left: usize,
    /// Zero positions after each sequence.
    pub pad_right: usize,
}

/// Output positions of a convolution along one dimension of `len` positions.
pub(super) fn out_len(len: usize, kernel: usize, stride: usize, dilation: usize, pad: usize) -> usize {
    let span = (kernel - 1) * dilation + 1;
    let padded = len + pad;
    if padded < span {
        0
    } else {
        (padded - span) / stride + 1
    }
}

impl Conv1dGeometry {
    /// Output positions for an input of `len` positions.
    pub fn out_len(&self, len: usize) -> usize {
        out_len(len, self.kernel, self.stride, self.dilation, self.pad_left + self.pad_right)
    }
}

/// A 1D convolution with its weights laid out for the direct kernel.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectConv1d {
    geometry: Conv1dGeometry,
    filter: Filter,
}

impl DirectConv1d {
    /// Lays out `weight` (`[c_out][c_in][kernel]`, Burn's and PyTorch's
    /// order) and `bias` (`[c_out]`) for the kernel.
    pub fn new(geometry: Conv1dGeometry, weight: &[f32], bias: Option<&[f32]>) -> Result<Self, ShapeError> {
        let g = geometry;
        positive(&[
            ("c_in", g.c_in),
            ("c_out", g.c_out),
            ("kernel", g.kernel),
            ("stride", g.stride),
            ("dilation", g.dilation),
        ])?;
        Ok(Self { geometry, filter: Filter::new(g.c_in, g.c_out, g.kernel, weight, bias)? })
    }

    /// The convolution's shape.
    pub fn geometry(&self) -> &Conv1dGeometry {
        &self.geometry
    }

    /// Convolves `batch` sequences of `len` positions (`input`:
    /// `[batch][len][c_in]`) into `output` (`[batch][out_len][c_out]`,
    /// every value written), through a ReLU if `relu`. Splits the output
    /// positions across rayon's pool when the call is large enough.
    pub fn forward(
        &self,
        input: &[f32],
        batch: usize,
        len: usize,
        output: &mut [f32],
        relu: bool,
    ) -> Result<(), ShapeError> {
        let taps = self.taps(input, batch, len)?;
        length("convolution output", batch * taps.out_len * self.geometry.c_out, output.len())?;
        run(&self.filter, &taps, output, relu);
        Ok(())
    }

    fn taps<'a>(&'a self, input: &'a [f32], batch: usize, len: usize) -> Result<Taps1d<'a>, ShapeError> {
        length("convolution input", batch * len * self.geometry.c_in, input.len())?;
        Ok(Taps1d { conv: self, input, len, out_len: self.geometry.out_len(len) })
    }

    /// [`DirectConv1d::forward`] on one thread through the plain loops, for tests.
    #[cfg(test)]
    pub(super) fn forward_plain(&self, input: &[f32], batch: usize, len: usize, relu: bool) -> Vec<f32> {
        let taps = self.taps(input, batch, len).unwrap();
        let mut output = vec![f32::NAN; batch * taps.out_len * self.geometry.c_out];
        super::run_plain(&self.filter, &taps, &mut output, relu);
        output
    }
}

/// Where a 1D convolution's taps read in one input.
struct Taps1d<'a> {
    conv: &'a DirectConv1d,
    input: &'a [f32],
    len: usize,
    out_len: usize,
}

impl Taps for Taps1d<'_> {
    fn fill(&self, first: usize, n: usize, table: &mut [*const f32], stride: usize) {
        let g = &self.conv.geometry;
        let (mut sample, mut t) = (first / self.out_len, first % self.out_len);
        for r in 0..n {
            let start = (t * g.stride) as isize - g.pad_left as isize;
            for k in 0..g.kernel {
                let pos = start + (k * g.dilation) as isize;
                table[k * stride + r] = if pos < 0 || pos as usize >= self.len {
                    self.conv.filter.zeros.as_ptr()
                } else {
                    // In bounds: `pos < len`, and `sample < batch` as `forward` checked the lengths.
                    self.input[(sample * self.len + pos as usize) * g.c_in..].as_ptr()
                };
            }
            t += 1;
            if t == self.out_len {
                (sample, t) = (sample + 1, 0);
            }
        }
    }
}
