use burn::backend::{Autodiff, Flex};
use burn::nn::conv::{Conv2dConfig, ConvTranspose2dConfig};
use burn::nn::pool::MaxPool2dConfig;
use burn::tensor::activation::relu;
use burn::tensor::Distribution;

use super::*;

/// `[batch, c, h, w]` to channels-last and back.
fn nhwc(x: Tensor<Flex, 4>) -> Tensor<Flex, 4> {
    x.permute([0, 2, 3, 1])
}
fn nchw(x: Tensor<Flex, 4>) -> Tensor<Flex, 4> {
    x.permute([0, 3, 1, 2])
}

fn input(dims: [usize; 4]) -> Tensor<Flex, 4> {
    let device = Default::default();
    Flex::seed(&device, 5);
    Tensor::random(dims, Distribution::Normal(0.0, 1.0), &device)
}

fn assert_close(got: Tensor<Flex, 4>, expected: Tensor<Flex, 4>, what: &str) {
    assert_eq!(got.dims(), expected.dims(), "{what}");
    let diff = (got - expected).abs().max().into_scalar();
    assert!(diff < 1e-5, "{what}: differs from Burn's by {diff}");
}

#[test]
fn packed_2d_convolutions_compute_what_burn_computes() {
    let device = Default::default();
    for (config, dims) in [
        (Conv2dConfig::new([1, 8], [3, 3]).with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1)), [2, 1, 9, 7]),
        (Conv2dConfig::new([16, 8], [3, 3]).with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1)), [2, 16, 6, 8]),
        (Conv2dConfig::new([8, 6], [1, 1]), [3, 8, 4, 5]),
        (
            Conv2dConfig::new([3, 5], [2, 3])
                .with_stride([2, 1])
                .with_dilation([1, 2])
                .with_padding(PaddingConfig2d::Explicit(0, 2, 1, 1)),
            [2, 3, 7, 9],
        ),
        (Conv2dConfig::new([3, 4], [3, 3]).with_bias(false), [1, 3, 5, 5]),
    ] {
        let conv = config.init::<Flex>(&device);
        let x = input(dims);
        let packed = PackedConv2d::pack(&conv).unwrap();
        let expected = conv.forward(x.clone());
        assert_close(nchw(packed.forward(&nhwc(x.clone()), false).unwrap()), expected.clone(), &format!("{config:?}"));
        assert_close(nchw(packed.forward(&nhwc(x), true).unwrap()), relu(expected), &format!("{config:?} with ReLU"));
    }
}

#[test]
fn a_packed_transposed_convolution_computes_what_burn_computes() {
    let device = Default::default();
    for (config, dims) in [
        (ConvTranspose2dConfig::new([16, 8], [2, 2]).with_stride([2, 2]), [2, 16, 4, 5]),
        (ConvTranspose2dConfig::new([3, 5], [3, 2]).with_stride([3, 2]).with_bias(false), [1, 3, 3, 4]),
    ] {
        let conv = config.init::<Flex>(&device);
        let x = input(dims);
        let packed = PackedUpsample2d::pack(&conv).unwrap();
        assert_close(nchw(packed.forward(&nhwc(x.clone())).unwrap()), conv.forward(x), &format!("{config:?}"));
    }
    let overlapping = ConvTranspose2dConfig::new([4, 4], [3, 3]).with_stride([2, 2]).init::<Flex>(&device);
    assert!(PackedUpsample2d::pack(&overlapping).is_none());
}

#[test]
fn a_packed_max_pool_computes_what_burn_computes() {
    for (window, dims) in [([2, 2], [2, 8, 6, 4]), ([2, 2], [1, 3, 7, 5]), ([3, 2], [2, 5, 9, 8])] {
        let pool = MaxPool2dConfig::new(window).with_strides(window).init();
        let x = input(dims);
        let packed = PackedMaxPool2d::pack(&pool).unwrap();
        assert_close(
            nchw(packed.forward(&nhwc(x.clone())).unwrap()),
            pool.forward(x),
            &format!("window {window:?}, {dims:?}"),
        );
    }
    assert!(PackedMaxPool2d::pack(&MaxPool2dConfig::new([3, 3]).with_strides([2, 2]).init()).is_none());
}

#[test]
fn off_flex_nothing_packs() {
    let device = Default::default();
    let conv = Conv2dConfig::new([2, 4], [3, 3]).init::<Autodiff<Flex>>(&device);
    assert!(PackedConv2d::pack(&conv).is_none());
    let up = ConvTranspose2dConfig::new([4, 2], [2, 2]).with_stride([2, 2]).init::<Autodiff<Flex>>(&device);
    assert!(PackedUpsample2d::pack(&up).is_none());
}
