//! The 2D convolution: `[batch][height][width][c_in]` to
//! `[batch][out_height][out_width][c_out]`.

use super::conv1d::out_len;
use super::{length, positive, run, Filter, Taps};
use crate::lstm::ShapeError;

/// The shape of a 2D convolution; pairs are (rows, columns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conv2dGeometry {
    /// Input channels.
    pub c_in: usize,
    /// Output channels.
    pub c_out: usize,
    /// Kernel rows and columns.
    pub kernel: [usize; 2],
    /// Step between output positions.
    pub stride: [usize; 2],
    /// Step between taps.
    pub dilation: [usize; 2],
    /// Zero rows above and below each image.
    pub pad_rows: [usize; 2],
    /// Zero columns left and right of each image.
    pub pad_cols: [usize; 2],
}

impl Conv2dGeometry {
    /// Output rows and columns for an input of `[height, width]`.
    pub fn out_size(&self, [height, width]: [usize; 2]) -> [usize; 2] {
        [
            out_len(height, self.kernel[0], self.stride[0], self.dilation[0], self.pad_rows[0] + self.pad_rows[1]),
            out_len(width, self.kernel[1], self.stride[1], self.dilation[1], self.pad_cols[0] + self.pad_cols[1]),
        ]
    }
}

/// A 2D convolution with its weights laid out for the direct kernel.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectConv2d {
    geometry: Conv2dGeometry,
    filter: Filter,
}

impl DirectConv2d {
    /// Lays out `weight` (`[c_out][c_in][kernel rows][kernel columns]`,
    /// Burn's and PyTorch's order) and `bias` (`[c_out]`) for the kernel.
    pub fn new(geometry: Conv2dGeometry, weight: &[f32], bias: Option<&[f32]>) -> Result<Self, ShapeError> {
        let g = geometry;
        positive(&[
            ("c_in", g.c_in),
            ("c_out", g.c_out),
            ("kernel rows", g.kernel[0]),
            ("kernel columns", g.kernel[1]),
            ("stride", g.stride[0].min(g.stride[1])),
            ("dilation", g.dilation[0].min(g.dilation[1])),
        ])?;
        Ok(Self { geometry, filter: Filter::new(g.c_in, g.c_out, g.kernel[0] * g.kernel[1], weight, bias)? })
    }

    /// The convolution's shape.
    pub fn geometry(&self) -> &Conv2dGeometry {
        &self.geometry
    }

    /// Convolves `batch` images of `size` (`[height, width]`; `input`:
    /// `[batch][height][width][c_in]`) into `output`
    /// (`[batch][out_height][out_width][c_out]`, every value written),
    /// through a ReLU if `relu`. Splits the output positions across rayon's
    /// pool when the call is large enough.
    pub fn forward(
        &self,
        input: &[f32],
        batch: usize,
        size: [usize; 2],
        output: &mut [f32],
        relu: bool,
    ) -> Result<(), ShapeError> {
        let taps = self.taps(input, batch, size)?;
        let [oh, ow] = taps.out;
        length("convolution output", batch * oh * ow * self.geometry.c_out, output.len())?;
        run(&self.filter, &taps, output, relu);
        Ok(())
    }

    fn taps<'a>(&'a self, input: &'a [f32], batch: usize, size: [usize; 2]) -> Result<Taps2d<'a>, ShapeError> {
        length("convolution input", batch * size[0] * size[1] * self.geometry.c_in, input.len())?;
        Ok(Taps2d { conv: self, input, size, out: self.geometry.out_size(size) })
    }

    /// [`DirectConv2d::forward`] on one thread through the plain loops, for tests.
    #[cfg(test)]
    pub(super) fn forward_plain(&self, input: &[f32], batch: usize, size: [usize; 2], relu: bool) -> Vec<f32> {
        let taps = self.taps(input, batch, size).unwrap();
        let mut output = vec![f32::NAN; batch * taps.out[0] * taps.out[1] * self.geometry.c_out];
        super::run_plain(&self.filter, &taps, &mut output, relu);
        output
    }
}

/// Where a 2D convolution's taps read in one input.
struct Taps2d<'a> {
    conv: &'a DirectConv2d,
    input: &'a [f32],
    size: [usize; 2],
    out: [usize; 2],
}

impl Taps for Taps2d<'_> {
    fn fill(&self, first: usize, n: usize, table: &mut [*const f32], stride: usize) {
        let g = &self.conv.geometry;
        let [height, width] = self.size;
        let [oh, ow] = self.out;
        let (mut image, mut y, mut x) = (first / (oh * ow), first / ow % oh, first % ow);
        let zeros = self.conv.filter.zeros.as_ptr();
        for r in 0..n {
            let top = (y * g.stride[0]) as isize - g.pad_rows[0] as isize;
            let left = (x * g.stride[1]) as isize - g.pad_cols[0] as isize;
            for ky in 0..g.kernel[0] {
                let row = top + (ky * g.dilation[0]) as isize;
                for kx in 0..g.kernel[1] {
                    let col = left + (kx * g.dilation[1]) as isize;
                    let k = ky * g.kernel[1] + kx;
                    table[k * stride + r] = if row < 0 || row as usize >= height || col < 0 || col as usize >= width {
                        zeros
                    } else {
                        // In bounds, as `forward` checked the lengths.
                        self.input[((image * height + row as usize) * width + col as usize) * g.c_in..].as_ptr()
                    };
                }
            }
            x += 1;
            if x == ow {
                x = 0;
                y += 1;
                if y == oh {
                    (image, y) = (image + 1, 0);
                }
            }
        }
    }
}
