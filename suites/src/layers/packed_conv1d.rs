//! A 1D convolution as one matrix product over the whole batch, on
//! channels-last data.
//!
//! Burn's CPU convolution converts each call's input to channels-last,
//! builds im2col tiles element by element and runs one small product per
//! sample and tile. Here the data is channels-last from layer to layer, the
//! patch of an output position is `kernel` rows of `channels` values
//! (contiguous without dilation), and the product is `[batch * out_len,
//! kernel * c_in] x [kernel * c_in, c_out]`, one call for the batch.
//!
//! The patch matrix is `kernel` times the layer's input: once it spills out
//! of cache, copying it costs what Burn's tiled convolution saves. Measured
//! on nilm (0.3 MB of patches a sample, Burn's own modules / packed): 1.76x
//! at batch 1, 0.91x at batch 64, and still 0.96x with the batch cut into
//! cache-sized pieces; a model hands batches above [`PATCH_CACHE_BYTES`] to
//! Burn's modules.

use burn::nn::conv::Conv1d;
use burn::nn::PaddingConfig1d;
use burn::tensor::activation::relu;
use burn::tensor::backend::Backend;
use burn::tensor::ops::PadMode;
use burn::tensor::Tensor;

/// The patch matrix up to which the packed convolution is used: about the
/// L2 cache of one core of the 2-core machine this was measured on (1 MiB).
pub const PATCH_CACHE_BYTES: usize = 1 << 20;

/// A [`Conv1d`] packed for inference on `[batch, length, channels]` data.
#[derive(Clone, Debug)]
pub struct Conv1dGemm<B: Backend> {
    /// `[kernel * c_in, c_out]`, rows in (tap, input channel) order.
    weight: Tensor<B, 2>,
    /// `[1, c_out]`.
    bias: Option<Tensor<B, 2>>,
    kernel: usize,
    stride: usize,
    padding: PaddingConfig1d,
}

impl<B: Backend> Conv1dGemm<B> {
    /// Packs `conv`; `None` for a grouped or dilated convolution, which
    /// stays on Burn's module (a dilated one's taps are not one contiguous
    /// run, and gathering them cost more than Burn's own convolution:
    /// measured on pv-forecast's TCN, 0.59x at batch 64).
    pub fn pack(conv: &Conv1d<B>) -> Option<Self> {
        if conv.groups != 1 || conv.dilation != 1 {
            return None;
        }
        let w = conv.weight.val();
        let [c_out, c_in, kernel] = w.dims();
        let weight = w.permute([2, 1, 0]).reshape([kernel * c_in, c_out]);
        Some(Self {
            weight,
            bias: conv.bias.as_ref().map(|b| b.val().unsqueeze()),
            kernel,
            stride: conv.stride,
            padding: conv.padding.clone(),
        })
    }

    /// Bytes of the patch matrix for one sample of `length` positions: what
    /// one product reads (compare with [`PATCH_CACHE_BYTES`]).
    pub fn patch_bytes(&self, length: usize) -> usize {
        4 * length.div_ceil(self.stride) * self.weight.dims()[0]
    }

    /// Padding before and after the sequence, as Burn's module computes it.
    fn padding(&self, length: usize) -> (usize, usize) {
        match self.padding {
            PaddingConfig1d::Valid => (0, 0),
            PaddingConfig1d::Explicit(left, right) => (left, right),
            PaddingConfig1d::Same => {
                let out = length.div_ceil(self.stride);
                let total = if out > 0 { ((out - 1) * self.stride + self.kernel).saturating_sub(length) } else { 0 };
                (total / 2, total - total / 2)
            }
        }
    }

    /// `[batch, length, c_in]` in, `[batch, out_len, c_out]` out (channels-last
    /// both). The output may be a view into a longer buffer.
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 3> {
        self.forward_with(x, false)
    }

    /// `relu(self.forward(x))`, with the ReLU applied in place on the
    /// product before the view is taken (one pass less over the output).
    pub fn forward_relu(&self, x: Tensor<B, 3>) -> Tensor<B, 3> {
        self.forward_with(x, true)
    }

    fn forward_with(&self, x: Tensor<B, 3>, with_relu: bool) -> Tensor<B, 3> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use burn::backend::Flex;
    use burn::nn::conv::Conv1dConfig;
    use burn::tensor::Distribution;

    fn agrees(config: Conv1dConfig, length: usize) {
        let device = Default::default();
        Flex::seed(&device, 9);
        let conv: Conv1d<Flex> = config.init(&device);
        let c_in = conv.weight.val().dims()[1];
        let x = Tensor::<Flex, 3>::random([3, c_in, length], Distribution::Normal(0.0, 1.0), &device);
        let expected = conv.forward(x.clone());
        let got = Conv1dGemm::pack(&conv).unwrap().forward(x.clone().swap_dims(1, 2)).swap_dims(1, 2);
        assert_eq!(got.dims(), expected.dims(), "{config:?}");
        let diff = (got - expected).abs().max().into_scalar();
        assert!(diff < 1e-5, "{config:?}: differs from Burn's by {diff}");
        let packed = Conv1dGemm::pack(&conv).unwrap();
        let fused = packed.forward_relu(x.clone().swap_dims(1, 2)) - relu(packed.forward(x.swap_dims(1, 2)));
        assert_eq!(fused.abs().max().into_scalar(), 0.0, "{config:?}: fused ReLU");
    }

    #[test]
    fn packed_convolution_computes_what_burn_computes() {
        // Strided with symmetric padding (fault-detect), "same" with odd and even
        // kernels (nilm), causal, pointwise, unpadded.
        agrees(Conv1dConfig::new(6, 16, 7).with_stride(2).with_padding(PaddingConfig1d::Explicit(3, 3)), 64);
        agrees(Conv1dConfig::new(1, 8, 10).with_padding(PaddingConfig1d::Same), 37);
        agrees(Conv1dConfig::new(8, 5, 5).with_padding(PaddingConfig1d::Same), 37);
        agrees(Conv1dConfig::new(4, 6, 3).with_padding(PaddingConfig1d::Explicit(2, 0)), 30);
        agrees(Conv1dConfig::new(6, 3, 1), 21);
        agrees(Conv1dConfig::new(3, 4, 3).with_bias(false), 12);
        agrees(Conv1dConfig::new(3, 4, 3).with_stride(3), 13);
        agrees(Conv1dConfig::new(2, 4, 1).with_stride(2), 9);
    }

    #[test]
    fn grouped_and_dilated_convolutions_stay_on_burn() {
        let device = Default::default();
        let conv: Conv1d<Flex> = Conv1dConfig::new(4, 4, 3).with_groups(2).init(&device);
        assert!(Conv1dGemm::pack(&conv).is_none());
        let conv: Conv1d<Flex> = Conv1dConfig::new(4, 4, 3).with_dilation(2).init(&device);
        assert!(Conv1dGemm::pack(&conv).is_none());
    }
}
