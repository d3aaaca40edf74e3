//! The Burn model's own consistency: parameter counts against Burn, the key/
//! value cache against a full forward pass, left padding against rows alone,
//! and generation (batching, end tokens, step events, errors).

use std::time::Instant;

use burn::backend::Flex;
use burn::module::Module;
use burn::tensor::backend::Backend;
use burn::tensor::{Int, Tensor, TensorData};

use super::config::LlamaConfig;
use super::generate::{FinishReason, GenerateParams, GenerationRequest, Phase, StepEvent};
use super::model::Llama;
use super::sampling::Sampling;
use super::test_checkpoint::test_config;
use super::tokenizer::{Tokenizer, BYTE_EOS};

fn model(config: &LlamaConfig, seed: u64) -> Llama<Flex> {
    let device = Default::default();
    Flex::seed(&device, seed);
    Llama::new(config, &device).unwrap()
}

fn ids(rows: &[&[u32]]) -> Tensor<Flex, 2, Int> {
    let width = rows[0].len();
    let flat: Vec<i64> = rows.iter().flat_map(|r| r.iter().map(|&t| i64::from(t))).collect();
    Tensor::from_data(TensorData::new(flat, [rows.len(), width]), &Default::default())
}

fn host<const D: usize>(t: Tensor<Flex, D>) -> Vec<f32> {
    t.into_data().convert::<f32>().into_vec::<f32>().unwrap()
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn llm_parameter_counts_match_burn() {
    for config in [LlamaConfig::tiny(), test_config(false, true), test_config(true, false)] {
        let m = model(&config, 1);
        assert_eq!(m.num_params() as u64, config.parameters());
        assert_eq!(m.parameter_count(), config.parameters());
    }
    // Without materialising the weights: the small and 1B presets.
    let device = Default::default();
    let small = Llama::<Flex>::new(&LlamaConfig::small(), &device).unwrap();
    assert_eq!(small.parameter_count(), LlamaConfig::small().parameters());
    let big = Llama::<Flex>::new(&LlamaConfig::llama_3_2_1b(), &device).unwrap();
    assert_eq!(big.parameter_count(), LlamaConfig::llama_3_2_1b().parameters());
    // Llama 3.2 1B has 1 235 814 400 parameters.
    assert_eq!(LlamaConfig::llama_3_2_1b().parameters(), 1_235_814_400);
    assert_eq!(LlamaConfig::tiny().parameters(), 853_120);
}

#[test]
fn llm_flops_count_weights_attention_and_head() {
    let c = LlamaConfig::llama_3_2_1b();
    // About 2 FLOPs per non-embedding parameter per token.
    let non_embedding =
        c.parameters() - (c.vocab_size * c.hidden_size) as u64 - (c.hidden_size * (2 * c.num_hidden_layers + 1)) as u64;
    assert_eq!(c.matrix_flops_per_token(), 2 * non_embedding);
    assert_eq!(c.decode_flops(1), c.matrix_flops_per_token() + c.attention_flops(1) + c.lm_head_flops());
    // Attention grows linearly with the context of a decode step.
    assert_eq!(c.decode_flops(1001) - c.decode_flops(1), 1000 * c.attention_flops(1));
    // A prefill of n tokens: n weight passes, n(n+1)/2 attended keys, one head.
    let n = 64u64;
    assert_eq!(
        c.prefill_flops(64),
        n * c.matrix_flops_per_token() + n * (n + 1) / 2 * c.attention_flops(1) + c.lm_head_flops()
    );
    assert_eq!(c.generation_flops(64, 1), c.prefill_flops(64));
    assert_eq!(c.generation_flops(64, 3), c.prefill_flops(64) + c.decode_flops(65) + c.decode_flops(66));
    assert_eq!(c.kv_cache_bytes_per_token(2), 2 * 16 * 8 * 64 * 2);
}

#[test]
fn llm_config_reads_hugging_face_json_and_presets() {
    let json = r#"{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 128256,
        "hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 16, "num_attention_heads": 32,
        "num_key_value_heads": 8, "head_dim": 64, "rope_theta": 500000.0, "rms_norm_eps": 1e-05,
        "max_position_embeddings": 131072, "tie_word_embeddings": true, "hidden_act": "silu",
        "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "torch_dtype": "bfloat16",
        "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
        "original_max_position_embeddings": 8192, "rope_type": "llama3"}}"#;
    assert_eq!(LlamaConfig::from_json(json).unwrap(), LlamaConfig::llama_3_2_1b());
    // Defaults of omitted fields: kv heads = heads, head_dim = hidden / heads, untied.
    let minimal = r#"{"vocab_size": 100, "hidden_size": 64, "intermediate_size": 128,
        "num_hidden_layers": 2, "num_attention_heads": 4, "eos_token_id": 2}"#;
    let c = LlamaConfig::from_json(minimal).unwrap();
    assert_eq!((c.num_key_value_heads, c.head_dim, c.tie_word_embeddings), (4, 16, false));
    assert_eq!((c.rope_theta, c.rms_norm_eps, c.eos_token_ids.clone()), (10_000.0, 1e-6, vec![2]));
    let err = |text: &str| LlamaConfig::from_json(text).unwrap_err().to_string();
    assert!(err(&minimal.replace("\"eos_token_id\": 2", "\"model_type\": \"gpt2\"")).contains("gpt2"));
    assert!(err(&minimal.replace("\"eos_token_id\": 2", "\"num_key_value_heads\": 3")).contains("multiple"));
    assert!(err(&minimal.replace("\"eos_token_id\": 2", "\"rope_scaling\": {\"type\": \"dynamic\", \"factor\": 2.0}"))
        .contains("dynamic"));
    assert!(err(&minimal.replace("\"eos_token_id\": 2", "\"attention_bias\": true")).contains("bias"));
    assert!(err("{}").contains("not a Llama config.json"));
    for name in LlamaConfig::PRESETS {
        LlamaConfig::preset(name).unwrap().validate().unwrap();
    }
    assert!(LlamaConfig::preset("7b").unwrap_err().to_string().contains("tiny, small, 1b"));
}

#[test]
fn llm_kv_cache_decode_matches_one_full_forward() {
    let config = test_config(false, true);
    let m = model(&config, 3);
    let device = Default::default();
    let tokens: Vec<u32> = (0..12).map(|i| (i * 7 + 3) % 61).collect();
    let full = host(m.forward_full(ids(&[&tokens])).unwrap());
    let vocab = config.vocab_size;
    // Prefill 5 tokens, then 3 more at once, then one at a time.
    let mut cache = m.new_cache(vec![0], tokens.len(), &device).unwrap();
    let mut pieces = host(m.forward(ids(&[&tokens[..5]]), &mut cache).unwrap());
    pieces.extend(host(m.forward(ids(&[&tokens[5..8]]), &mut cache).unwrap()));
    for t in 8..tokens.len() {
        let last = host(m.forward_last(ids(&[&tokens[t..t + 1]]), &mut cache).unwrap());
        assert_eq!(last.len(), vocab);
        pieces.extend(last);
    }
    assert_eq!(cache.len(), tokens.len());
    let diff = max_diff(&full, &pieces);
    assert!(diff < 1e-4, "cached decode differs from the full forward by {diff:e}");
    // The cache is full now: one more token is an error, not a panic.
    assert!(m.forward(ids(&[&[1]]), &mut cache).is_err());
}

#[test]
fn llm_left_padded_rows_compute_what_they_compute_alone() {
    let config = test_config(true, false);
    let m = model(&config, 4);
    let device = Default::default();
    let long: Vec<u32> = vec![1, 9, 14, 27, 33, 40, 2, 18];
    let short: Vec<u32> = vec![1, 50, 7];
    let pad = long.len() - short.len();
    let mut padded = vec![0u32; pad];
    padded.extend(&short);
    let mut cache = m.new_cache(vec![0, pad], long.len() + 2, &device).unwrap();
    let batch = host(m.forward(ids(&[&long, &padded]), &mut cache).unwrap());
    let vocab = config.vocab_size;
    let alone_long = host(m.forward_full(ids(&[&long])).unwrap());
    let alone_short = host(m.forward_full(ids(&[&short])).unwrap());
    let row = |r: usize| &batch[r * long.len() * vocab..(r + 1) * long.len() * vocab];
    assert!(max_diff(row(0), &alone_long) < 1e-4);
    assert!(max_diff(&row(1)[pad * vocab..], &alone_short) < 1e-4);
    // And one decode step after the padded prefill.
    let next = [5u32, 6u32];
    let step = host(m.forward_last(ids(&[&next[..1], &next[1..]]), &mut cache).unwrap());
    let mut long_next = long.clone();
    long_next.push(5);
    let mut short_next = short.clone();
    short_next.push(6);
    let last = |t: Vec<f32>| t[t.len() - vocab..].to_vec();
    assert!(max_diff(&step[..vocab], &last(host(m.forward_full(ids(&[&long_next])).unwrap()))) < 1e-4);
    assert!(max_diff(&step[vocab..], &last(host(m.forward_full(ids(&[&short_next])).unwrap()))) < 1e-4);
}

fn requests(prompts: &[Vec<u32>], max_new: &[usize]) -> Vec<GenerationRequest> {
    prompts.iter().zip(max_new).map(|(p, n)| GenerationRequest { prompt: p.clone(), max_new_tokens: *n }).collect()
}

#[test]
fn llm_batched_generation_equals_generation_alone() {
    let config = test_config(false, false);
    let m = model(&config, 6);
    let prompts = vec![vec![1, 3, 5, 7, 9, 11, 13], vec![1, 40], vec![1, 22, 23, 24, 25]];
    let max_new = [6, 9, 4];
    let params = GenerateParams { stop_at_eos: false, ..GenerateParams::greedy(vec![2]) };
    let mut events: Vec<StepEvent> = Vec::new();
    let batch = m.generate(&requests(&prompts, &max_new), &params, &mut |e| events.push(e)).unwrap();
    for (i, p) in prompts.iter().enumerate() {
        let alone = m.generate(&requests(std::slice::from_ref(p), &[max_new[i]]), &params, &mut |_| {}).unwrap();
        assert_eq!(batch.tokens[i], alone.tokens[0], "row {i}");
        assert_eq!(batch.tokens[i].len(), max_new[i]);
    }
    assert_eq!(batch.finish, vec![FinishReason::Length; 3]);
    assert_eq!(batch.prompt_tokens, 14);
    assert_eq!(batch.padded_prompt_tokens, 21);
    assert_eq!(batch.output_tokens, 19);
    assert_eq!(batch.decode_steps, 8);
    // One prefill event, then one event per decode step, with the tokens accounted.
    assert_eq!(events.len(), 9);
    assert_eq!(events[0].phase, Phase::Prefill);
    assert_eq!((events[0].input_tokens, events[0].new_tokens, events[0].context), (21, 3, 7));
    assert!(events[1..].iter().all(|e| e.phase == Phase::Decode && e.input_tokens == 3));
    assert_eq!(events.iter().map(|e| e.new_tokens).sum::<usize>(), 19);
    assert_eq!(events.last().map(|e| (e.step, e.active_rows, e.context)), Some((8, 0, 15)));
}

#[test]
fn llm_generation_stops_at_end_tokens_and_samples_reproducibly() {
    let config = test_config(false, false);
    let m = model(&config, 7);
    let prompt = vec![vec![1, 10, 20, 30]];
    let greedy = m.generate(&requests(&prompt, &[8]), &GenerateParams::greedy(vec![]), &mut |_| {}).unwrap();
    // Make the third generated token an end token: generation stops there.
    let eos = greedy.tokens[0][2];
    let first_eos = greedy.tokens[0].iter().position(|&t| t == eos).unwrap_or(0);
    let stopped = m.generate(&requests(&prompt, &[8]), &GenerateParams::greedy(vec![eos]), &mut |_| {}).unwrap();
    assert_eq!(stopped.tokens[0], greedy.tokens[0][..=first_eos]);
    assert_eq!(stopped.finish[0], FinishReason::Eos);
    // Seeded sampling: the same seed, the same tokens; another seed, others.
    let sample = |seed| {
        let params = GenerateParams {
            sampling: Sampling::Random { temperature: 1.5, top_k: Some(40), top_p: Some(0.95), seed },
            ..GenerateParams::greedy(vec![])
        };
        m.generate(&requests(&[prompt[0].clone(), prompt[0].clone()], &[16, 16]), &params, &mut |_| {}).unwrap().tokens
    };
    let a = sample(1);
    assert_eq!(a, sample(1));
    assert_ne!(a, sample(2));
    // The two rows of a batch draw from different streams.
    assert_ne!(a[0], a[1]);
}

#[test]
fn llm_generation_errors_are_reported_not_panics() {
    let config = test_config(false, false);
    let m = model(&config, 8);
    let params = GenerateParams::greedy(vec![2]);
    let run = |reqs: &[GenerationRequest]| m.generate(reqs, &params, &mut |_| {}).unwrap_err().to_string();
    assert!(run(&[]).contains("no requests"));
    assert!(run(&requests(&[vec![]], &[4])).contains("empty prompt"));
    assert!(run(&requests(&[vec![1, 61]], &[4])).contains("outside the vocabulary"));
    assert!(run(&requests(&[vec![1; 60]], &[5])).contains("maximum of 64"));
    assert!(run(&requests(&[vec![1]], &[0])).contains("no tokens"));
    let bad = GenerateParams {
        sampling: Sampling::Random { temperature: -1.0, top_k: None, top_p: None, seed: 0 },
        ..params.clone()
    };
    assert!(m.generate(&requests(&[vec![1]], &[1]), &bad, &mut |_| {}).is_err());
    // Exactly the maximum is fine.
    let ok = m.generate(&requests(&[vec![1; 60]], &[4]), &params, &mut |_| {});
    assert!(ok.is_ok());
}

/// The tiny preset at a benchmark-like shape: 8 prompts of 64 tokens, 32
/// new tokens each; prints the prefill and decode times of this build.
#[test]
fn llm_tiny_preset_generates_a_batch_and_reports_timings() {
    let config = LlamaConfig::tiny();
    let m = model(&config, 9);
    let tokenizer = Tokenizer::bytes();
    let text = super::prompts::PROMPTS[0].text;
    let prompt: Vec<u32> = tokenizer.encode(text).unwrap()[..64].to_vec();
    let reqs = requests(&vec![prompt; 8], &[32; 8]);
    let params = GenerateParams { stop_at_eos: false, ..GenerateParams::greedy(vec![BYTE_EOS]) };
    // Warm-up (first-use allocations, weight materialisation).
    m.generate(&reqs[..1], &GenerateParams { ..params.clone() }, &mut |_| {}).unwrap();
    let start = Instant::now();
    let mut stamps = Vec::new();
    let out = m.generate(&reqs, &params, &mut |e| stamps.push((e, start.elapsed()))).unwrap();
    let total = start.elapsed();
    assert_eq!(out.output_tokens, 8 * 32);
    assert_eq!(stamps.len(), 32);
    let ttft = stamps[0].1;
    let decode = total - ttft;
    eprintln!(
        "tiny preset, 8 x 64 prompt tokens, 32 new tokens each: prefill (time to first token) {:.1} ms, \
         31 decode steps {:.1} ms ({:.2} ms per step), total {:.1} ms",
        ttft.as_secs_f64() * 1e3,
        decode.as_secs_f64() * 1e3,
        decode.as_secs_f64() * 1e3 / 31.0,
        total.as_secs_f64() * 1e3
    );
}
