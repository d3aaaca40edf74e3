//! The fault classifier: three strided 1D convolutions over the six
//! waveform channels, global average pooling, a linear layer to 11 classes.

use burn::module::Module;
use burn::nn::conv::{Conv1d, Conv1dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig1d};
use burn::tensor::activation::relu;
use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use crate::layers::PackedConv1d;

/// Input channels: three voltages and three currents.
pub const CHANNELS: usize = 6;
/// Output classes: no fault and ten fault types.
pub const CLASSES: usize = 11;

/// Architecture of the classifier.
#[derive(Clone, Debug, PartialEq)]
pub struct CnnShape {
    /// Samples per channel in a window.
    pub samples: usize,
    /// Output channels of the three convolutions.
    pub widths: [usize; 3],
}

const KERNELS: [usize; 3] = [7, 5, 3];

impl CnnShape {
    /// Lengths after each stride-2 convolution (with "same"-style padding k/2).
    fn lengths(&self) -> [usize; 3] {
        let mut len = self.samples;
        let mut out = [0; 3];
        for (i, k) in KERNELS.iter().enumerate() {
            len = (len + 2 * (k / 2) - k) / 2 + 1;
            out[i] = len;
        }
        out
    }

    /// Trainable parameters.
    pub fn parameters(&self) -> u64 {
        let mut cin = CHANNELS;
        let mut total = 0;
        for (w, k) in self.widths.iter().zip(KERNELS) {
            total += (cin * w * k + w) as u64;
            cin = *w;
        }
        total + (cin * CLASSES + CLASSES) as u64
    }

    /// FLOPs of one window's forward pass (a multiply-add counts as two).
    pub fn flops_per_sample(&self) -> u64 {
        let mut cin = CHANNELS;
        let mut total = 0;
        for ((w, k), len) in self.widths.iter().zip(KERNELS).zip(self.lengths()) {
            total += (2 * cin * w * k * len) as u64;
            cin = *w;
        }
        total + (2 * cin * CLASSES) as u64
    }
}

/// The classifier, generic over the Burn backend.
#[derive(Module, Debug)]
pub struct FaultCnn<B: Backend> {
    convs: Vec<Conv1d<B>>,
    head: Linear<B>,
}

impl<B: Backend> FaultCnn<B> {
    /// A randomly initialised classifier (seed the backend first).
    pub fn new(shape: &CnnShape, device: &B::Device) -> Self {
        let mut cin = CHANNELS;
        let mut convs = Vec::new();
        for (w, k) in shape.widths.iter().zip(KERNELS) {
            let cfg =
                Conv1dConfig::new(cin, *w, k).with_stride(2).with_padding(PaddingConfig1d::Explicit(k / 2, k / 2));
            convs.push(cfg.init(device));
            cin = *w;
        }
        Self { convs, head: LinearConfig::new(cin, CLASSES).init(device) }
    }

    /// `[batch, 6, samples]` in, class logits `[batch, 11]` out.
    pub fn forward(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        let mut x = input;
        for conv in &self.convs {
            x = relu(conv.forward(x));
        }
        let [batch, channels, _] = x.dims();
        let pooled = x.mean_dim(2).reshape([batch, channels]);
        self.head.forward(pooled)
    }
}

/// What maps a batch of windows to class logits: Burn's modules or their packed form.
pub trait Classify<B: Backend> {
    /// `[batch, 6, samples]` in (`[batch, samples, 6]` where
    /// [`Classify::transposed_input`]), class logits `[batch, 11]` out.
    fn classify(&self, input: Tensor<B, 3>) -> Tensor<B, 2>;
    /// Whether it takes each window transposed, samples by channels.
    fn transposed_input(&self) -> bool {
        false
    }
}

impl<B: Backend> Classify<B> for FaultCnn<B> {
    fn classify(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        self.forward(input)
    }
}

/// The classifier with its convolutions packed (see [`crate::layers`]).
#[derive(Clone, Debug)]
pub struct PackedFaultCnn<B: Backend> {
    convs: Vec<PackedConv1d<B>>,
    head: Linear<B>,
}

impl<B: Backend> FaultCnn<B> {
    /// The packed form, `None` where a layer does not pack.
    pub fn packed(&self) -> Option<PackedFaultCnn<B>> {
        let convs = self.convs.iter().map(PackedConv1d::pack).collect::<Option<Vec<_>>>()?;
        Some(PackedFaultCnn { convs, head: self.head.clone() })
    }
}

impl<B: Backend> Classify<B> for PackedFaultCnn<B> {
    fn classify(&self, input: Tensor<B, 3>) -> Tensor<B, 2> {
        let mut x = input;
        for conv in &self.convs {
            x = conv.forward_relu(x);
        }
        let [batch, _, channels] = x.dims();
        self.head.forward(x.mean_dim(1).reshape([batch, channels]))
    }
    fn transposed_input(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::backend::Flex;

    #[test]
    fn shapes_and_parameter_count() {
        let shape = CnnShape { samples: 256, widths: [8, 16, 32] };
        let device = Default::default();
        let model = FaultCnn::<Flex>::new(&shape, &device);
        let out = model.forward(Tensor::zeros([3, CHANNELS, 256], &device));
        assert_eq!(out.dims(), [3, CLASSES]);
        assert_eq!(model.num_params() as u64, shape.parameters());
        assert_eq!(shape.lengths(), [128, 64, 32]);
    }
}
