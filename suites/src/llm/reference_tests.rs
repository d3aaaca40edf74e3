//! The checkpoint loader and the Burn model against an independent
//! reference: a plain f64 implementation of the Llama forward pass over the
//! weights as stored in the file, written here without any of the model's
//! code (embedding, RMSNorm, rotate-half RoPE with Llama 3 scaling, GQA
//! causal attention, SwiGLU, LM head).

use burn::backend::Flex;
use burn::tensor::{Int, Tensor, TensorData};

use super::checkpoint::load_checkpoint;
use super::config::{LlamaConfig, RopeScaling};
use super::test_checkpoint::{random_weights, test_config, write_checkpoint, FileDtype, Weights};

/// Largest absolute difference allowed between the f32 Burn model and the f64
/// reference, for logits up to about 30 (measured: below 1e-5).
const TOLERANCE: f64 = 5e-5;

fn matrix<'a>(w: &'a Weights, name: &str) -> (&'a [f64], usize) {
    let (shape, values) = &w[name];
    (values, shape[shape.len() - 1])
}

/// `y = W x` for a weight stored `[out, in]`.
fn matvec(w: &Weights, name: &str, x: &[f64]) -> Vec<f64> {
    let (values, cols) = matrix(w, name);
    values.chunks(cols).map(|row| row.iter().zip(x).map(|(a, b)| a * b).sum()).collect()
}

fn rms_norm(x: &[f64], weight: &[f64], eps: f64) -> Vec<f64> {
    let mean_square = x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64;
    let inv = 1.0 / (mean_square + eps).sqrt();
    x.iter().zip(weight).map(|(v, g)| v * inv * g).collect()
}

fn inverse_frequencies(c: &LlamaConfig) -> Vec<f64> {
    let d = c.head_dim;
    let mut freqs: Vec<f64> = (0..d / 2).map(|i| c.rope_theta.powf(-(2.0 * i as f64) / d as f64)).collect();
    if let Some(RopeScaling::Llama3 { factor, low_freq_factor, high_freq_factor, original_max_position_embeddings }) =
        &c.rope_scaling
    {
        let old = *original_max_position_embeddings as f64;
        for f in freqs.iter_mut() {
            let wavelength = 2.0 * std::f64::consts::PI / *f;
            if wavelength > old / low_freq_factor {
                *f /= factor;
            } else if wavelength >= old / high_freq_factor {
                let s = (old / wavelength - low_freq_factor) / (high_freq_factor - low_freq_factor);
                *f = (1.0 - s) * *f / factor + s * *f;
            }
        }
    }
    freqs
}

/// Rotates one head's vector in place: pairs `(i, i + d/2)`.
fn rotate(x: &mut [f64], position: usize, freqs: &[f64]) {
    let half = x.len() / 2;
    for i in 0..half {
        let (s, c) = (position as f64 * freqs[i]).sin_cos();
        let (a, b) = (x[i], x[i + half]);
        x[i] = a * c - b * s;
        x[i + half] = b * c + a * s;
    }
}

/// Logits `[seq][vocab]` of one unpadded sequence.
fn reference_logits(c: &LlamaConfig, w: &Weights, tokens: &[u32]) -> Vec<Vec<f64>> {
    let (h, d) = (c.hidden_size, c.head_dim);
    let (heads, kv_heads) = (c.num_attention_heads, c.num_key_value_heads);
    let freqs = inverse_frequencies(c);
    let (embedding, _) = matrix(w, "model.embed_tokens.weight");
    let mut x: Vec<Vec<f64>> =
        tokens.iter().map(|&t| embedding[t as usize * h..(t as usize + 1) * h].to_vec()).collect();
    for l in 0..c.num_hidden_layers {
        let p = |s: &str| format!("model.layers.{l}.{s}");
        let normed: Vec<Vec<f64>> =
            x.iter().map(|v| rms_norm(v, &w[&p("input_layernorm.weight")].1, c.rms_norm_eps)).collect();
        let mut q: Vec<Vec<f64>> = normed.iter().map(|v| matvec(w, &p("self_attn.q_proj.weight"), v)).collect();
        let mut k: Vec<Vec<f64>> = normed.iter().map(|v| matvec(w, &p("self_attn.k_proj.weight"), v)).collect();
        let v: Vec<Vec<f64>> = normed.iter().map(|v| matvec(w, &p("self_attn.v_proj.weight"), v)).collect();
        for (t, (qt, kt)) in q.iter_mut().zip(k.iter_mut()).enumerate() {
            qt.chunks_mut(d).for_each(|head| rotate(head, t, &freqs));
            kt.chunks_mut(d).for_each(|head| rotate(head, t, &freqs));
        }
        for t in 0..tokens.len() {
            let mut attended = vec![0.0; heads * d];
            for head in 0..heads {
                let kv = head / (heads / kv_heads);
                let qh = &q[t][head * d..(head + 1) * d];
                let scores: Vec<f64> = (0..=t)
                    .map(|s| {
                        qh.iter().zip(&k[s][kv * d..(kv + 1) * d]).map(|(a, b)| a * b).sum::<f64>() / (d as f64).sqrt()
                    })
                    .collect();
                let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
                let total: f64 = e.iter().sum();
                for (s, weight) in e.iter().enumerate() {
                    for i in 0..d {
                        attended[head * d + i] += weight / total * v[s][kv * d + i];
                    }
                }
            }
            let out = matvec(w, &p("self_attn.o_proj.weight"), &attended);
            x[t].iter_mut().zip(&out).for_each(|(a, b)| *a += b);
            let n = rms_norm(&x[t], &w[&p("post_attention_layernorm.weight")].1, c.rms_norm_eps);
            let gate = matvec(w, &p("mlp.gate_proj.weight"), &n);
            let up = matvec(w, &p("mlp.up_proj.weight"), &n);
            let inner: Vec<f64> = gate.iter().zip(&up).map(|(g, u)| g / (1.0 + (-g).exp()) * u).collect();
            let down = matvec(w, &p("mlp.down_proj.weight"), &inner);
            x[t].iter_mut().zip(&down).for_each(|(a, b)| *a += b);
        }
    }
    let head = if c.tie_word_embeddings { "model.embed_tokens.weight" } else { "lm_head.weight" };
    x.iter().map(|v| matvec(w, head, &rms_norm(v, &w["model.norm.weight"].1, c.rms_norm_eps))).collect()
}

/// The Burn model's logits `[seq][vocab]` for one unpadded sequence.
fn burn_logits(model: &super::Llama<Flex>, tokens: &[u32]) -> Vec<Vec<f64>> {
    let device = Default::default();
    let ids: Vec<i64> = tokens.iter().map(|&t| i64::from(t)).collect();
    let input = Tensor::<Flex, 2, Int>::from_data(TensorData::new(ids, [1, tokens.len()]), &device);
    let logits = model.forward_full(input).unwrap();
    let vocab = model.config().vocab_size;
    let values = logits.into_data().convert::<f32>().into_vec::<f32>().unwrap();
    values.chunks(vocab).map(|row| row.iter().map(|&v| f64::from(v)).collect()).collect()
}

fn max_abs_diff(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().flatten().zip(b.iter().flatten()).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

const TOKENS: [u32; 11] = [1, 17, 42, 5, 60, 33, 8, 8, 21, 0, 59];

/// Writes, loads and compares; returns the largest difference and the largest logit.
fn check_against_reference(config: &LlamaConfig, dtype: FileDtype, shards: usize, seed: u64) -> (f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let stored = write_checkpoint(dir.path(), config, &random_weights(config, seed), dtype, shards);
    let (model, info) = load_checkpoint::<Flex>(dir.path(), &Default::default()).unwrap();
    assert_eq!(&info.config, config);
    assert_eq!(info.files.len(), shards.max(1));
    assert_eq!(info.tensors, stored.len());
    assert_eq!(model.parameter_count(), config.parameters());
    let reference = reference_logits(config, &stored, &TOKENS);
    let burn = burn_logits(&model, &TOKENS);
    let diff = max_abs_diff(&reference, &burn);
    let scale = reference.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(diff < TOLERANCE, "{dtype:?}: max |burn - reference| = {diff:e} (logits up to {scale:.2})");
    // The reference is not trivially satisfied: logits vary along the sequence.
    assert!(scale > 1.0 && max_abs_diff(&reference[..1], &reference[1..2]) > 0.1);
    (diff, scale)
}

#[test]
fn llm_checkpoint_f32_untied_with_llama3_rope_matches_the_reference() {
    let (diff, scale) = check_against_reference(&test_config(false, true), FileDtype::F32, 1, 11);
    eprintln!("f32 untied, llama3 rope: max |diff| {diff:e}, max |logit| {scale:.2}");
}

#[test]
fn llm_checkpoint_bf16_sharded_tied_matches_the_reference() {
    let (diff, scale) = check_against_reference(&test_config(true, false), FileDtype::Bf16, 2, 12);
    eprintln!("bf16 sharded tied: max |diff| {diff:e}, max |logit| {scale:.2}");
}

#[test]
fn llm_checkpoint_f16_sharded_untied_matches_the_reference() {
    let (diff, scale) = check_against_reference(&test_config(false, false), FileDtype::F16, 3, 13);
    eprintln!("f16 3 shards untied: max |diff| {diff:e}, max |logit| {scale:.2}");
}

fn write(config: &LlamaConfig, dir: &std::path::Path) {
    write_checkpoint(dir, config, &random_weights(config, 5), FileDtype::F32, 1);
}

fn load_error(dir: &std::path::Path) -> String {
    match load_checkpoint::<Flex>(dir, &Default::default()) {
        Ok(_) => panic!("the checkpoint loaded"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn llm_checkpoint_errors_name_the_tensor_and_both_shapes() {
    let config = test_config(false, false);
    let dir = tempfile::tempdir().unwrap();
    let mut tensors = random_weights(&config, 5);
    tensors.insert("model.layers.1.mlp.up_proj.weight".into(), (vec![40, 32], vec![0.0; 40 * 32]));
    write_checkpoint(dir.path(), &config, &tensors, FileDtype::F32, 1);
    let err = load_error(dir.path());
    assert!(
        err.contains("model.layers.1.mlp.up_proj.weight") && err.contains("[40, 32]") && err.contains("[48, 32]"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let mut tensors = random_weights(&config, 5);
    tensors.remove("model.layers.0.self_attn.k_proj.weight");
    write_checkpoint(dir.path(), &config, &tensors, FileDtype::F32, 1);
    let err = load_error(dir.path());
    assert!(err.contains("model.layers.0.self_attn.k_proj.weight") && err.contains("missing"), "{err}");
}

#[test]
fn llm_checkpoint_errors_for_missing_files_and_bad_configs() {
    let config = test_config(false, false);
    let empty = tempfile::tempdir().unwrap();
    let err = load_error(empty.path());
    assert!(err.contains("config.json"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    write(&config, dir.path());
    std::fs::remove_file(dir.path().join("model.safetensors")).unwrap();
    let err = load_error(dir.path());
    assert!(err.contains("model.safetensors") && err.contains("no weights"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    write_checkpoint(dir.path(), &config, &random_weights(&config, 5), FileDtype::F32, 2);
    std::fs::remove_file(dir.path().join("model-00002-of-00002.safetensors")).unwrap();
    let err = load_error(dir.path());
    assert!(err.contains("model-00002-of-00002.safetensors"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    write(&config, dir.path());
    let json = super::test_checkpoint::hf_config_json(&config)
        .replace("\"rope_scaling\":null", "\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4.0}");
    std::fs::write(dir.path().join("config.json"), json).unwrap();
    let err = load_error(dir.path());
    assert!(err.contains("yarn") && err.contains("not supported"), "{err}");
}
