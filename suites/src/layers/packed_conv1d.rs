//! A 1D convolution packed for inference on channels-last data, which stays
//! channels-last from layer to layer.
//!
//! On Burn's CPU backend (flex, f32) it runs the direct convolution of
//! `wattbench_kernels::direct_conv` on flex's buffers: each output position
//! reads its taps where they lie, with no padded copy and no patch matrix,
//! and the bias and ReLU are applied as the tile is written. That covers
//! stride, dilation and padding (explicit, or "same" at stride 1).
//!
//! On other backends, it is one matrix product over the whole batch built
//! from Burn's tensor operations: the patch of an output position is
//! `kernel` rows of `channels` values (contiguous without dilation) and the
//! product is `[batch * out_len, kernel * c_in] x [kernel * c_in, c_out]`.
//! That patch matrix is `kernel` times the layer's input: once it spills
//! out of cache, copying it costs what Burn's tiled convolution saves
//! (measured on nilm: 1.76x Burn's modules at batch 1, 0.91x at batch 64), so
//! a model hands batches above [`PATCH_CACHE_BYTES`] to Burn's modules.
//! Convolutions that neither covers (grouped ones; dilated ones off flex)
//! do not pack.

use std::sync::Arc;

use burn::nn::conv::Conv1d;
use burn::nn::PaddingConfig1d;
use burn::tensor::activation::relu;
use burn::tensor::backend::Backend;
use burn::tensor::ops::PadMode;
use burn::tensor::{DType, Shape, Tensor};
use burn_flex::FlexTensor;
use wattbench_kernels::direct_conv::{Conv1dGeometry, DirectConv1d};

use super::flex_access::{bias_values, contiguous_f32, tensor, values};

/// The patch matrix up to which the tensor-operation form is used: about the
/// L2 cache of one core of the 2-core machine this was measured on (1 MiB).
pub const PATCH_CACHE_BYTES: usize = 1 << 20;

/// A [`Conv1d`] packed for inference on `[batch, length, channels]` data.
#[derive(Clone, Debug)]
pub struct PackedConv1d<B: Backend> {
    /// `[kernel * c_in, c_out]`, rows in (tap, input channel) order.
    weight: Tensor<B, 2>,
    /// `[1, c_out]`.
    bias: Option<Tensor<B, 2>>,
    kernel: usize,
    stride: usize,
    padding: PaddingConfig1d,
    /// The direct kernel, where the backend is flex and the padding does
    /// not depend on the input's length.
    direct: Option<Arc<DirectConv1d>>,
}

impl<B: Backend> PackedConv1d<B> {
    /// Packs `conv`; `None` for a grouped convolution, or a dilated one off
    /// flex (a dilated one's taps are not one contiguous run, and gathering
    /// them with tensor operations cost more than Burn's own convolution:
    /// measured on pv-forecast's TCN, 0.59x at batch 64).
    pub fn pack(conv: &Conv1d<B>) -> Option<Self> {
        if conv.groups != 1 {
            return None;
        }
        let w = conv.weight.val();
        let [c_out, c_in, kernel] = w.dims();
        let direct = Self::direct(conv, [c_out, c_in, kernel]).map(Arc::new);
        if direct.is_none() && conv.dilation != 1 {
            return None;
        }
        let weight = w.permute([2, 1, 0]).reshape([kernel * c_in, c_out]);
        Some(Self {
            weight,
            bias: conv.bias.as_ref().map(|b| b.val().unsqueeze()),
            kernel,
            stride: conv.stride,
            padding: conv.padding.clone(),
            direct,
        })
    }

    /// The direct kernel for `conv`, where its weights are flex f32 and its
    /// padding is fixed (explicit, or "same" at stride 1 without dilation).
    fn direct(conv: &Conv1d<B>, [c_out, c_in, kernel]: [usize; 3]) -> Option<DirectConv1d> {
        let (pad_left, pad_right) = match conv.padding {
            PaddingConfig1d::Valid => (0, 0),
            PaddingConfig1d::Explicit(left, right) => (left, right),
            PaddingConfig1d::Same if conv.stride == 1 && conv.dilation == 1 => same_padding(1, 1, kernel),
            PaddingConfig1d::Same => return None,
        };
        let geometry =
            Conv1dGeometry { c_in, c_out, kernel, stride: conv.stride, dilation: conv.dilation, pad_left, pad_right };
        let bias = bias_values(&conv.bias)?;
        DirectConv1d::new(geometry, &values(&conv.weight.val())?, bias.as_deref()).ok()
    }

    /// Bytes of the patch matrix for one sample of `length` positions: what
    /// one product of the tensor-operation form reads (compare with
    /// [`PATCH_CACHE_BYTES`]); none where the direct kernel runs.
    pub fn patch_bytes(&self, length: usize) -> usize {
        if self.direct.is_some() {
            return 0;
        }
        4 * length.div_ceil(self.stride) * self.weight.dims()[0]
    }

    /// Padding before and after the sequence, as Burn's module computes it.
    fn padding(&self, length: usize) -> (usize, usize) {
        match self.padding {
            PaddingConfig1d::Valid => (0, 0),
            PaddingConfig1d::Explicit(left, right) => (left, right),
            PaddingConfig1d::Same => same_padding(length, self.stride, self.kernel),
        }
    }

    /// `[batch, length, c_in]` in, `[batch, out_len, c_out]` out (channels-last
    /// both). The output may be a view into a longer buffer.
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 3> {
        self.forward_with(x, false)
    }

    /// `relu(self.forward(x))`, with the ReLU applied as the output is
    /// written (one pass less over it).
    pub fn forward_relu(&self, x: Tensor<B, 3>) -> Tensor<B, 3> {
        self.forward_with(x, true)
    }

    fn forward_with(&self, x: Tensor<B, 3>, with_relu: bool) -> Tensor<B, 3> {
        if let Some(direct) = &self.direct {
            if let Some(y) = forward_direct(direct, &x, with_relu) {
                return y;
            }
        }
        self.forward_composed(x, with_relu)
    }

    /// The tensor-operation form (any backend; no dilation).
    fn forward_composed(&self, x: Tensor<B, 3>, with_relu: bool) -> Tensor<B, 3> {
        let [batch, length, c_in] = x.dims();
        let (left, right) = self.padding(length);
        let c_out = self.weight.dims()[1];
        if self.kernel == 1 && self.stride == 1 && left + right == 0 {
            let y = self.product(x.reshape([batch * length, c_in]), with_relu);
            return y.reshape([batch, length, c_out]);
        }
        let padded = length + left + right;
        let out_len = (padded - self.kernel) / self.stride + 1;
        // Each sample is padded to a whole number of strides and one zero
        // sample is added, so that the windows of the flattened batch are
        // exactly `per` a sample: one product for the batch, and every copy
        // below is two-dimensional (Flex copies those at memcpy speed, and
        // anything of higher rank element by element).
        let per = padded.div_ceil(self.stride);
        let x = x.pad([(0, 1), (left, per * self.stride - length - left), (0, 0)], PadMode::Constant(0.0));
        let flat = x.reshape([(batch + 1) * per * self.stride, c_in]);
        let rows = batch * per;
        // [windows, c_in, kernel], a view; then [rows, kernel * c_in] in (tap, channel) order.
        let windows: Tensor<B, 3> = flat.unfold(0, self.kernel, self.stride);
        let patches =
            windows.slice([0..rows, 0..c_in, 0..self.kernel]).swap_dims(1, 2).reshape([rows, self.kernel * c_in]);
        self.product(patches, with_relu).reshape([batch, per, c_out]).slice([0..batch, 0..out_len, 0..c_out])
    }

    /// `rows x weight + bias`, through a ReLU if `with_relu`.
    fn product(&self, rows: Tensor<B, 2>, with_relu: bool) -> Tensor<B, 2> {
        let y = rows.matmul(self.weight.clone());
        let y = match &self.bias {
            Some(b) => y + b.clone(),
            None => y,
        };
        if with_relu {
            relu(y)
        } else {
            y
        }
    }
}

/// Burn's "same" padding of a convolution without dilation: the output has
/// `ceil(length / stride)` positions, the extra zero (if odd) after.
fn same_padding(length: usize, stride: usize, kernel: usize) -> (usize, usize) {
    let out = length.div_ceil(stride);
    let total = if out > 0 { ((out - 1) * stride + kernel).saturating_sub(length) } else { 0 };
    (total / 2, total - total / 2)
}

/// `direct` on `x`'s flex buffer into a new flex tensor; `None` where `x`
/// is not a flex f32 tensor of the kernel's channels.
fn forward_direct<B: Backend>(direct: &DirectConv1d, x: &Tensor<B, 3>, with_relu: bool) -> Option<Tensor<B, 3>> {
    let [batch, length, c_in] = x.dims();
    let g = direct.geometry();
    if c_in != g.c_in {
        return None;
    }
    let input = contiguous_f32(x)?;
    let out_len = g.out_len(length);
    let mut output = FlexTensor::empty(Shape::new([batch, out_len, g.c_out]), DType::F32);
    direct.forward(input.as_slice()?, batch, length, output.storage_mut(), with_relu).ok()?;
    tensor(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::backend::{Autodiff, Flex};
    use burn::nn::conv::Conv1dConfig;
    use burn::tensor::Distribution;

    /// Both forms of `conv` (the direct kernel where it packs one, the
    /// tensor operations where there is no dilation) against Burn's module.
    fn agrees(config: Conv1dConfig, length: usize) {
        let device = Default::default();
        Flex::seed(&device, 9);
        let conv: Conv1d<Flex> = config.init(&device);
        let c_in = conv.weight.val().dims()[1];
        let x = Tensor::<Flex, 3>::random([3, c_in, length], Distribution::Normal(0.0, 1.0), &device);
        let expected = conv.forward(x.clone());
        let packed = PackedConv1d::pack(&conv).unwrap();
        let stride_one_or_fixed = !matches!(config.padding, PaddingConfig1d::Same) || config.stride == 1;
        assert_eq!(packed.direct.is_some(), stride_one_or_fixed, "{config:?}: direct kernel");
        let mut forms = vec![("packed", packed.clone())];
        if config.dilation == 1 {
            forms.push(("tensor operations", PackedConv1d { direct: None, ..packed }));
        }
        for (form, packed) in forms {
            let got = packed.forward(x.clone().swap_dims(1, 2)).swap_dims(1, 2);
            assert_eq!(got.dims(), expected.dims(), "{config:?}, {form}");
            let diff = (got - expected.clone()).abs().max().into_scalar();
            assert!(diff < 1e-5, "{config:?}, {form}: differs from Burn's by {diff}");
            let fused =
                packed.forward_relu(x.clone().swap_dims(1, 2)) - relu(packed.forward(x.clone().swap_dims(1, 2)));
            assert_eq!(fused.abs().max().into_scalar(), 0.0, "{config:?}, {form}: fused ReLU");
        }
    }

    #[test]
    fn packed_convolution_computes_what_burn_computes() {
        // Strided with symmetric padding (fault-detect), "same" with odd and even
        // kernels (nilm), causal and dilated (pv-forecast), pointwise, unpadded,
        // "same" with a stride (tensor operations only).
        agrees(Conv1dConfig::new(6, 16, 7).with_stride(2).with_padding(PaddingConfig1d::Explicit(3, 3)), 64);
        agrees(Conv1dConfig::new(1, 8, 10).with_padding(PaddingConfig1d::Same), 37);
        agrees(Conv1dConfig::new(8, 5, 5).with_padding(PaddingConfig1d::Same), 37);
        agrees(Conv1dConfig::new(4, 6, 3).with_padding(PaddingConfig1d::Explicit(2, 0)), 30);
        agrees(Conv1dConfig::new(4, 6, 3).with_dilation(4).with_padding(PaddingConfig1d::Explicit(8, 0)), 30);
        agrees(Conv1dConfig::new(6, 3, 1), 21);
        agrees(Conv1dConfig::new(3, 4, 3).with_bias(false), 12);
        agrees(Conv1dConfig::new(3, 4, 3).with_stride(3), 13);
        agrees(Conv1dConfig::new(2, 4, 1).with_stride(2), 9);
        agrees(Conv1dConfig::new(3, 4, 4).with_stride(2).with_padding(PaddingConfig1d::Same), 13);
    }

    #[test]
    fn a_non_contiguous_input_is_read_where_it_lies() {
        let device = Default::default();
        let conv: Conv1d<Flex> = Conv1dConfig::new(4, 8, 3).with_padding(PaddingConfig1d::Explicit(1, 1)).init(&device);
        let x = Tensor::<Flex, 3>::random([2, 4, 20], Distribution::Normal(0.0, 1.0), &device);
        let packed = PackedConv1d::pack(&conv).unwrap();
        // `x.swap_dims(1, 2)` is a strided view, not a contiguous buffer.
        let got = packed.forward(x.clone().swap_dims(1, 2)).swap_dims(1, 2);
        let diff = (got - conv.forward(x)).abs().max().into_scalar();
        assert!(diff < 1e-5, "differs from Burn's by {diff}");
    }

    #[test]
    fn grouped_convolutions_and_dilated_ones_off_flex_stay_on_burn() {
        let device = Default::default();
        let conv: Conv1d<Flex> = Conv1dConfig::new(4, 4, 3).with_groups(2).init(&device);
        assert!(PackedConv1d::pack(&conv).is_none());
        let conv: Conv1d<Autodiff<Flex>> = Conv1dConfig::new(4, 4, 3).with_dilation(2).init(&device);
        assert!(PackedConv1d::pack(&conv).is_none(), "no direct kernel off flex, and no dilated tensor-operation form");
        let conv: Conv1d<Autodiff<Flex>> = Conv1dConfig::new(4, 4, 3).init(&device);
        assert!(PackedConv1d::pack(&conv).is_some_and(|p| p.direct.is_none()));
    }
}
