//! The key/value cache of a batch of sequences: preallocated per layer to
//! the batch's whole length, filled in place as tokens are processed.

use burn::tensor::backend::Backend;
use burn::tensor::Tensor;

use super::config::LlamaConfig;
use super::{bad_request, execution};
use crate::error::WorkloadError;

/// Keys and values of one layer, `[batch, kv_heads, capacity, head_dim]`.
#[derive(Debug)]
pub(crate) struct LayerKv<B: Backend> {
    keys: Option<Tensor<B, 4>>,
    values: Option<Tensor<B, 4>>,
}

impl<B: Backend> LayerKv<B> {
    /// Writes `keys` and `values` (`[batch, kv_heads, seq, head_dim]`) at
    /// `start` and returns everything cached up to `start + seq`.
    pub(crate) fn append(
        &mut self,
        keys: Tensor<B, 4>,
        values: Tensor<B, 4>,
        start: usize,
    ) -> Result<(Tensor<B, 4>, Tensor<B, 4>), WorkloadError> {
        let [batch, heads, seq, dim] = keys.dims();
        let end = start + seq;
        let range = [0..batch, 0..heads, start..end, 0..dim];
        let all = [0..batch, 0..heads, 0..end, 0..dim];
        let (Some(k), Some(v)) = (self.keys.take(), self.values.take()) else {
            return Err(execution("the key/value cache was left empty by an earlier failure"));
        };
        let k = k.slice_assign(range.clone(), keys);
        let v = v.slice_assign(range, values);
        self.keys = Some(k.clone());
        self.values = Some(v.clone());
        Ok((k.slice(all.clone()), v.slice(all)))
    }
}

/// The key/value cache of a batch, with the left padding of every row.
///
/// Rows are left-padded to a common prompt length; padded key positions are
/// masked and every row's positions count from its first real token, so a
/// padded row computes what it would compute alone.
#[derive(Debug)]
pub struct KvCache<B: Backend> {
    pub(crate) layers: Vec<LayerKv<B>>,
    left_padding: Vec<usize>,
    capacity: usize,
    len: usize,
}

impl<B: Backend> KvCache<B> {
    /// An empty cache for `left_padding.len()` rows holding up to `capacity`
    /// positions (padding included).
    pub fn new(
        config: &LlamaConfig,
        left_padding: Vec<usize>,
        capacity: usize,
        device: &B::Device,
    ) -> Result<Self, WorkloadError> {
        let batch = left_padding.len();
        if batch == 0 || capacity == 0 {
            return Err(bad_request("batch", "a cache needs at least one row and one position".into()));
        }
        if let Some(p) = left_padding.iter().find(|p| **p >= capacity) {
            return Err(bad_request("batch", format!("left padding {p} leaves no room in a cache of {capacity}")));
        }
        let shape = [batch, config.num_key_value_heads, capacity, config.head_dim];
        let layers = (0..config.num_hidden_layers)
            .map(|_| LayerKv { keys: Some(Tensor::zeros(shape, device)), values: Some(Tensor::zeros(shape, device)) })
            .collect();
        Ok(Self { layers, left_padding, capacity, len: 0 })
    }

    /// A cache for `batch` unpadded rows.
    pub fn unpadded(
        config: &LlamaConfig,
        batch: usize,
        capacity: usize,
        device: &B::Device,
    ) -> Result<Self, WorkloadError> {
        Self::new(config, vec![0; batch], capacity, device)
    }

    /// Rows of the batch.
    pub fn batch(&self) -> usize {
        self.left_padding.len()
    }

    /// Positions filled so far (padding included), the same for every row.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been processed yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Positions the cache can hold.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Padding tokens at the left of each row.
    pub fn left_padding(&self) -> &[usize] {
        &self.left_padding
    }

    /// Position ids of the next `seq` tokens of every row (`batch * seq`,
    /// row-major): positions count from each row's first real token.
    pub(crate) fn positions(&self, seq: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.batch() * seq);
        for pad in &self.left_padding {
            out.extend((self.len..self.len + seq).map(|i| i.saturating_sub(*pad)));
        }
        out
    }

    /// Records that `seq` more positions were written.
    pub(crate) fn advance(&mut self, seq: usize) {
        self.len += seq;
    }
}
