//! 2D layers packed for inference on channels-last (`[batch, height,
//! width, channels]`) data on Burn's CPU backend, where the direct kernel of
//! `wattbench_kernels::direct_conv` runs on flex's buffers.
//!
//! Burn's 2D convolution takes channels-first maps and converts each call's
//! input to channels-last and its output back, and builds an im2col patch
//! matrix nine times a 3×3 layer's input; a U-Net's transposed convolutions
//! and poolings add passes of their own. Packed, a network converts once at
//! its input: every convolution reads its taps in place (bias and ReLU on
//! the way out), a transposed convolution whose stride equals its kernel
//! is one pointwise convolution to `kernel` times the channels followed by
//! one copy that interleaves them into place, and a max-pooling whose
//! stride equals its window is one pass. Off flex, or at another float
//! type, each answers `None` and the caller keeps Burn's modules.

use std::sync::Arc;

use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::pool::MaxPool2d;
use burn::nn::PaddingConfig2d;
use burn::tensor::backend::Backend;
use burn::tensor::{DType, Shape, Tensor};
use burn_flex::FlexTensor;
use wattbench_kernels::direct_conv::{Conv2dGeometry, DirectConv2d};

use super::flex_access::{bias_values, contiguous_f32, tensor, values};

/// A [`Conv2d`] on channels-last data through the direct kernel.
#[derive(Clone, Debug)]
pub struct PackedConv2d {
    direct: Arc<DirectConv2d>,
}

impl PackedConv2d {
    /// Packs `conv` where the backend is flex at f32, the convolution is not
    /// grouped and its padding is valid or explicit.
    pub fn pack<B: Backend>(conv: &Conv2d<B>) -> Option<Self> {
        let (pad_rows, pad_cols) = match conv.padding {
            PaddingConfig2d::Valid => ([0, 0], [0, 0]),
            PaddingConfig2d::Explicit(top, left, bottom, right) => ([top, bottom], [left, right]),
            PaddingConfig2d::Same => return None,
        };
        if conv.groups != 1 {
            return None;
        }
        let w = conv.weight.val();
        let [c_out, c_in, kh, kw] = w.dims();
        let geometry = Conv2dGeometry {
            c_in,
            c_out,
            kernel: [kh, kw],
            stride: conv.stride,
            dilation: conv.dilation,
            pad_rows,
            pad_cols,
        };
        let bias = bias_values(&conv.bias)?;
        let direct = DirectConv2d::new(geometry, &values(&w)?, bias.as_deref()).ok()?;
        Some(Self { direct: Arc::new(direct) })
    }

    /// `[batch, height, width, c_in]` in, `[batch, out_height, out_width,
    /// c_out]` out, through a ReLU if `relu`; `None` off flex.
    pub fn forward<B: Backend>(&self, x: &Tensor<B, 4>, relu: bool) -> Option<Tensor<B, 4>> {
        forward_direct(&self.direct, x, relu)
    }
}

/// `direct` on `x`'s flex buffer into a new flex tensor; `None` where `x`
/// is not a flex f32 tensor of the kernel's channels.
fn forward_direct<B: Backend>(direct: &DirectConv2d, x: &Tensor<B, 4>, relu: bool) -> Option<Tensor<B, 4>> {
    let [batch, height, width, c_in] = x.dims();
    let g = direct.geometry();
    if c_in != g.c_in {
        return None;
    }
    let input = contiguous_f32(x)?;
    let [oh, ow] = g.out_size([height, width]);
    let mut output = FlexTensor::empty(Shape::new([batch, oh, ow, g.c_out]), DType::F32);
    direct.forward(input.as_slice()?, batch, [height, width], output.storage_mut(), relu).ok()?;
    tensor(output)
}

/// A [`ConvTranspose2d`] whose stride equals its kernel (each input pixel
/// becomes its own `kernel` block of output pixels), on channels-last data.
#[derive(Clone, Debug)]
pub struct PackedUpsample2d {
    /// A pointwise convolution to `[kernel rows][kernel columns][c_out]` channels.
    pointwise: Arc<DirectConv2d>,
    kernel: [usize; 2],
    c_out: usize,
}

impl PackedUpsample2d {
    /// Packs `conv` where the backend is flex at f32, its stride equals its
    /// kernel and it has no padding, dilation or groups.
    pub fn pack<B: Backend>(conv: &ConvTranspose2d<B>) -> Option<Self> {
        if conv.stride != conv.kernel_size
            || conv.padding != [0, 0]
            || conv.padding_out != [0, 0]
            || conv.dilation != [1, 1]
            || conv.groups != 1
        {
            return None;
        }
        let w = conv.weight.val();
        let [c_in, c_out, kh, kw] = w.dims();
        let w = values(&w)?;
        // Output channel (a, b, o) of the pointwise convolution is output
        // channel o at offset (a, b) of each block.
        let outputs = kh * kw * c_out;
        let mut weight = vec![0.0; outputs * c_in];
        for i in 0..c_in {
            for o in 0..c_out {
                for a in 0..kh {
                    for b in 0..kw {
                        weight[((a * kw + b) * c_out + o) * c_in + i] = w[((i * c_out + o) * kh + a) * kw + b];
                    }
                }
            }
        }
        let bias = bias_values(&conv.bias)?.map(|b| b.repeat(kh * kw));
        let geometry = Conv2dGeometry {
            c_in,
            c_out: outputs,
            kernel: [1, 1],
            stride: [1, 1],
            dilation: [1, 1],
            pad_rows: [0, 0],
            pad_cols: [0, 0],
        };
        let pointwise = DirectConv2d::new(geometry, &weight, bias.as_deref()).ok()?;
        Some(Self { pointwise: Arc::new(pointwise), kernel: [kh, kw], c_out })
    }

    /// `[batch, height, width, c_in]` in, `[batch, height * kernel rows,
    /// width * kernel columns, c_out]` out; `None` off flex.
    pub fn forward<B: Backend>(&self, x: &Tensor<B, 4>) -> Option<Tensor<B, 4>> {
        let [batch, height, width, _] = x.dims();
        let [kh, kw] = self.kernel;
        let blocks = forward_direct(&self.pointwise, x, false)?;
        // [b, h, w, kh, kw * c] -> [b, h, kh, w, kw * c]: rows of each block to their output rows.
        let blocks: Tensor<B, 5> = blocks.reshape([batch, height, width, kh, kw * self.c_out]);
        Some(blocks.swap_dims(2, 3).reshape([batch, height * kh, width * kw, self.c_out]))
    }
}

/// A [`MaxPool2d`] whose stride equals its window, on channels-last data.
#[derive(Clone, Copy, Debug)]
pub struct PackedMaxPool2d {
    window: [usize; 2],
}

impl PackedMaxPool2d {
    /// Packs `pool` where its stride equals its window and it has no padding,
    /// dilation or ceiling mode.
    pub fn pack(pool: &MaxPool2d) -> Option<Self> {
        let plain = pool.stride == pool.kernel_size
            && matches!(pool.padding, PaddingConfig2d::Valid)
            && pool.dilation == [1, 1]
            && !pool.ceil_mode;
        plain.then_some(Self { window: pool.kernel_size })
    }

    /// `[batch, height, width, c]` in, `[batch, height / rows, width /
    /// columns, c]` out (remainders dropped, as Burn's pooling does); `None`
    /// off flex.
    pub fn forward<B: Backend>(&self, x: &Tensor<B, 4>) -> Option<Tensor<B, 4>> {
        let [batch, height, width, c] = x.dims();
        let [wh, ww] = self.window;
        if wh == 0 || ww == 0 {
            return None;
        }
        let input = contiguous_f32(x)?;
        let x: &[f32] = input.as_slice()?;
        let (oh, ow) = (height / wh, width / ww);
        let mut output = FlexTensor::empty(Shape::new([batch, oh, ow, c]), DType::F32);
        let y: &mut [f32] = output.storage_mut();
        for (i, out) in y.chunks_exact_mut(c).enumerate() {
            let (image, oy, ox) = (i / (oh * ow), i / ow % oh, i % ow);
            out.fill(f32::NEG_INFINITY);
            for a in 0..wh {
                let row = ((image * height + oy * wh + a) * width + ox * ww) * c;
                for pixel in x[row..row + ww * c].chunks_exact(c) {
                    for (m, v) in out.iter_mut().zip(pixel) {
                        *m = m.max(*v);
                    }
                }
            }
        }
        tensor(output)
    }
}

#[cfg(test)]
#[path = "packed_conv2d_tests.rs"]
mod tests;
