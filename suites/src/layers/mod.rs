//! Inference forms of Burn's layers: the same weights and the same
//! arithmetic as the `burn::nn` modules they are packed from, rearranged so
//! that a query costs fewer, larger operations.
//!
//! - [`PackedLstm`] and [`PackedGru`]: the input projections of every time
//!   step as one matrix product before the recurrence, the gates' weights
//!   side by side so that a step is one product with the hidden state.
//! - [`PackedConv1d`]: a 1D convolution on channels-last data, which stays
//!   channels-last from layer to layer: on flex, the direct kernel of
//!   `wattbench_kernels::direct_conv` (no patch matrix, bias and ReLU on the
//!   way out); elsewhere one matrix product over the whole batch, for
//!   batches whose patch matrix fits in cache.
//! - [`PackedConv2d`], [`PackedUpsample2d`], [`PackedMaxPool2d`]: a U-Net's
//!   layers on channels-last maps, on flex only (the direct kernel; a
//!   transposed convolution as a pointwise one and one interleaving copy).
//!
//! CPU runs use them on the Burn engine (`PrepareContext::packs_layers`);
//! CUDA runs and `PrepareContext::plain_modules` keep Burn's own modules,
//! which the peer benchmark (`scripts/peers/`, `--plain`) times beside them.
//!
//! Each packs from the trained Burn module (so weights files and training
//! are untouched) and returns `None` for a configuration it does not cover,
//! in which case the caller keeps Burn's own module. Each is tested against
//! the module it packs.

pub(crate) mod flex_access;
mod flex_cell;
mod packed_conv1d;
mod packed_conv2d;
pub(crate) mod packed_gru;
pub(crate) mod packed_lstm;
pub(crate) mod recurrent;

pub use packed_conv1d::{PackedConv1d, PATCH_CACHE_BYTES};
pub use packed_conv2d::{PackedConv2d, PackedMaxPool2d, PackedUpsample2d};
pub use packed_gru::PackedGru;
pub use packed_lstm::PackedLstm;
pub use recurrent::{last_hidden, Recurrent};

#[cfg(test)]
mod fast_math_tests;
#[cfg(test)]
mod flex_conv_tests;
#[cfg(test)]
mod flex_copy_tests;
#[cfg(test)]
mod workload_tests;
#[cfg(test)]
pub(crate) use workload_tests::with_quick_weights;
