//! Rotary position embeddings in the Hugging Face "rotate_half" convention:
//! the head is split in two halves `(x1, x2)` that rotate together, so that
//! checkpoints converted from Meta's interleaved layout load unchanged.

use burn::tensor::backend::Backend;
use burn::tensor::{DType, Tensor, TensorData};

use super::config::{LlamaConfig, RopeScaling};

/// The inverse frequencies of the rotary embedding (one per pair of
/// dimensions, `head_dim / 2` in all), with any long-context scaling applied.
pub fn inverse_frequencies(config: &LlamaConfig) -> Vec<f64> {
    let dim = config.head_dim as f64;
    let base: Vec<f64> = (0..config.head_dim / 2).map(|i| 1.0 / config.rope_theta.powf((2 * i) as f64 / dim)).collect();
    match &config.rope_scaling {
        None => base,
        Some(RopeScaling::Linear { factor }) => base.iter().map(|f| f / factor).collect(),
        Some(RopeScaling::Llama3 { factor, low_freq_factor, high_freq_factor, original_max_position_embeddings }) => {
            let old = *original_max_position_embeddings as f64;
            let low_wavelen = old / low_freq_factor;
            let high_wavelen = old / high_freq_factor;
            base.iter()
                .map(|&freq| {
                    let wavelen = 2.0 * std::f64::consts::PI / freq;
                    if wavelen < high_wavelen {
                        freq
                    } else if wavelen > low_wavelen {
                        freq / factor
                    } else {
                        let smooth = (old / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor);
                        (1.0 - smooth) * freq / factor + smooth * freq
                    }
                })
                .collect()
        }
    }
}

/// Cosines and sines of the rotation for given positions, each
/// `[batch, 1, seq, head_dim]` in the model's float type.
#[derive(Clone, Debug)]
pub struct RotaryTables<B: Backend> {
    /// `cos(position * frequency)`, the frequencies repeated for both halves.
    pub cos: Tensor<B, 4>,
    /// `sin(position * frequency)`, likewise.
    pub sin: Tensor<B, 4>,
}

impl<B: Backend> RotaryTables<B> {
    /// Builds the tables for `positions` (`batch * seq` values, row-major).
    /// The angles are computed in f32 as the reference implementation does,
    /// then cast to `dtype`.
    pub fn new(
        inv_freq: &[f64],
        positions: &[usize],
        batch: usize,
        seq: usize,
        dtype: DType,
        device: &B::Device,
    ) -> Self {
        let half = inv_freq.len();
        let pos: Vec<f32> = positions.iter().map(|&p| p as f32).collect();
        let freq: Vec<f32> = inv_freq.iter().map(|&f| f as f32).collect();
        let pos = Tensor::<B, 2>::from_data(TensorData::new(pos, [batch * seq, 1]), (device, DType::F32));
        let freq = Tensor::<B, 2>::from_data(TensorData::new(freq, [1, half]), (device, DType::F32));
        let angles = pos * freq;
        let angles = Tensor::cat(vec![angles.clone(), angles], 1).reshape([batch, 1, seq, 2 * half]);
        Self { cos: angles.clone().cos().cast(dtype), sin: angles.sin().cast(dtype) }
    }

    /// Rotates `x` (`[batch, heads, seq, head_dim]`).
    pub fn apply(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        let [_, _, _, dim] = x.dims();
        let half = dim / 2;
        let x1 = x.clone().narrow(3, 0, half);
        let x2 = x.clone().narrow(3, half, half);
        let rotated = Tensor::cat(vec![x2.neg(), x1], 3);
        x * self.cos.clone() + rotated * self.sin.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llm_rope_plain_frequencies_follow_theta() {
        let config = LlamaConfig::tiny();
        let f = inverse_frequencies(&config);
        assert_eq!(f.len(), config.head_dim / 2);
        assert_eq!(f[0], 1.0);
        let last = 1.0 / config.rope_theta.powf((config.head_dim - 2) as f64 / config.head_dim as f64);
        assert!((f[f.len() - 1] - last).abs() < 1e-15);
    }

    #[test]
    fn llm_rope_llama3_scaling_keeps_high_and_divides_low_frequencies() {
        let config = LlamaConfig::llama_3_2_1b();
        let plain = inverse_frequencies(&LlamaConfig { rope_scaling: None, ..config.clone() });
        let scaled = inverse_frequencies(&config);
        // Wavelength 2π below 8192/4: unchanged; the lowest frequency: divided by 32.
        assert_eq!(scaled[0], plain[0]);
        let n = plain.len() - 1;
        assert!((scaled[n] - plain[n] / 32.0).abs() < 1e-18);
        // In between, never above the plain frequency nor below the divided one.
        for (s, p) in scaled.iter().zip(&plain) {
            assert!(*s <= *p && *s >= p / 32.0 * (1.0 - 1e-12));
        }
    }
}
