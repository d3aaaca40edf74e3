//! The `llm` workload: a Llama-family decoder (random weights from a preset,
//! or a Hugging Face checkpoint) generating answers to energy-sector prompts,
//! one static batch per query, with every batch's token timings kept for the
//! runner (time to first token, inter-token latency, tokens per second).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use burn::tensor::backend::Backend;
use burn::tensor::{Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::tokenizer::Tokenizer;
use super::{load_checkpoint, GenerateParams, LengthDistribution, Llama, LlamaConfig, LlmRequest, Phase};
use super::{RequestGenerator, RequestMix, Sampling};
use crate::error::WorkloadError;
use crate::fingerprint;
use crate::workload::{
    DataCard, GenerationTally, ModelCard, PreparedWorkload, QualityReport, WeightsSource, WorkloadInfo,
};
use crate::PrepareContext;

/// Identifier of this workload in suite files.
pub const ID: &str = "llm";

/// Every knob of the llm workload, with the CPU-sized `tiny` model as default.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LlmParams {
    /// Model preset with random weights: `tiny`, `small` or `1b`; ignored when `checkpoint` is set.
    pub model: String,
    /// A Hugging Face Llama checkpoint folder (`config.json`, safetensors, optional
    /// `tokenizer.json`), resolved against the weights folder.
    pub checkpoint: Option<String>,
    /// Seed of the random weights, the request stream and sampling.
    pub seed: u64,
    /// Distinct requests drawn (the performance samples).
    pub requests: usize,
    /// Target prompt lengths in tokens; absent keeps every prompt as written.
    pub prompt_tokens: Option<LengthDistribution>,
    /// Tokens generated per request.
    pub output_tokens: LengthDistribution,
    /// How the next token is chosen.
    pub sampling: Sampling,
}

impl Default for LlmParams {
    fn default() -> Self {
        Self {
            model: "tiny".into(),
            checkpoint: None,
            seed: 71,
            requests: 64,
            prompt_tokens: Some(LengthDistribution::LogNormal { median: 96.0, sigma: 0.5, min: 32, max: 256 }),
            output_tokens: LengthDistribution::LogNormal { median: 32.0, sigma: 0.4, min: 8, max: 64 },
            sampling: Sampling::Greedy,
        }
    }
}

fn bad(name: &str, reason: String) -> WorkloadError {
    WorkloadError::BadParameter { workload: ID.into(), name: name.into(), reason }
}

impl LlmParams {
    /// Checks the parameters without building the model.
    pub fn check(&self) -> Result<(), WorkloadError> {
        if self.requests == 0 {
            return Err(bad("requests", "must be at least 1".into()));
        }
        if self.checkpoint.is_none() {
            LlamaConfig::preset(&self.model)?;
        }
        if let Some(d) = &self.prompt_tokens {
            d.validate("prompt_tokens")?;
        }
        self.output_tokens.validate("output_tokens")?;
        self.sampling.validate()
    }
}

/// Catalogue entry, sized at the default (`tiny`) preset with a typical request.
pub fn info() -> WorkloadInfo {
    let config = LlamaConfig::tiny();
    WorkloadInfo {
        id: ID.into(),
        sector: "all sectors".into(),
        task: "answer energy-sector prompts (TTFT, inter-token latency, J/token)".into(),
        model: "Llama-family decoder (RMSNorm, RoPE, GQA, SwiGLU)".into(),
        quality_gate: "not gated (random weights by default)".into(),
        parameters: config.parameters(),
        flops_per_sample: config.generation_flops(96, 32),
    }
}

/// Prompts scored by the perplexity of the accuracy pass.
const PERPLEXITY_PROMPTS: usize = 16;

/// The model's perplexity on the first prompts' own tokens (each token
/// predicted from the ones before it), and the number of prompts scored.
fn prompt_perplexity<B: Backend>(
    model: &Llama<B>,
    requests: &[LlmRequest],
    device: &B::Device,
) -> Result<(f64, usize), WorkloadError> {
    let vocab = model.config().vocab_size;
    let (mut nll, mut count, mut prompts) = (0.0f64, 0usize, 0usize);
    for r in requests.iter().filter(|r| r.prompt.len() > 1).take(PERPLEXITY_PROMPTS) {
        let ids: Vec<i64> = r.prompt.iter().map(|&t| i64::from(t)).collect();
        let tokens = Tensor::<B, 2, Int>::from_data(TensorData::new(ids, [1, r.prompt.len()]), device);
        let logits = model.forward_full(tokens)?.into_data().convert::<f32>().into_vec::<f32>();
        let logits = logits.map_err(|e| WorkloadError::Execution(format!("{e:?}")))?;
        for (row, &next) in logits.chunks(vocab).zip(&r.prompt[1..]) {
            let max = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v)) as f64;
            let lse = max + row.iter().map(|&v| (v as f64 - max).exp()).sum::<f64>().ln();
            nll += lse - row[next as usize] as f64;
            count += 1;
        }
        prompts += 1;
    }
    Ok(((nll / count.max(1) as f64).exp(), prompts))
}

/// One batch's timings.
struct BatchLog {
    started: Instant,
    tally: GenerationTally,
}

/// The decoder ready to run on backend `B`.
pub struct PreparedLlm<B: Backend> {
    model: Llama<B>,
    device: B::Device,
    requests: Vec<LlmRequest>,
    generate: GenerateParams,
    log: Vec<BatchLog>,
    model_card: ModelCard,
    data_card: DataCard,
}

/// The sha256 of a checkpoint: of its files' sha256 in order (the files loaded).
pub fn checkpoint_sha256(dir: &Path, files: &[std::path::PathBuf]) -> Result<String, WorkloadError> {
    let mut all = String::new();
    for f in files {
        let h = fingerprint::sha256_file(f)
            .map_err(|e| WorkloadError::Weights { path: dir.display().to_string(), reason: e.to_string() })?;
        all.push_str(&h);
    }
    Ok(fingerprint::sha256_hex(all.as_bytes()))
}

/// Builds the model (preset or checkpoint), the tokenizer and the requests.
pub fn prepare<B: Backend>(
    p: &LlmParams,
    ctx: &PrepareContext,
    device: &B::Device,
) -> Result<PreparedLlm<B>, WorkloadError> {
    p.check()?;
    B::seed(device, p.seed);
    let (model, tokenizer, weights) = match &p.checkpoint {
        Some(folder) => {
            let dir = ctx.resolve_weights_path(folder);
            let (model, info) = load_checkpoint::<B>(&dir, device)?;
            let sha256 = checkpoint_sha256(&dir, &info.files)?;
            (
                model,
                Tokenizer::for_checkpoint(&dir)?,
                WeightsSource::File { path: crate::portable_path(folder), sha256 },
            )
        }
        None => {
            let config = LlamaConfig::preset(&p.model)?;
            (Llama::new(&config, device)?, Tokenizer::bytes(), WeightsSource::RandomInit { seed: p.seed })
        }
    };
    let mix = RequestMix {
        prompt_tokens: p.prompt_tokens.clone(),
        output_tokens: p.output_tokens.clone(),
        categories: Vec::new(),
    };
    let mut generator = RequestGenerator::new(&tokenizer, mix, p.seed)?;
    let config = model.config().clone();
    if generator.max_total_tokens() > config.max_position_embeddings {
        return Err(bad(
            "output_tokens",
            format!(
                "the longest request needs {} positions, the model has {}",
                generator.max_total_tokens(),
                config.max_position_embeddings
            ),
        ));
    }
    let requests = generator.take(p.requests);
    let n = requests.len().max(1);
    let mean_prompt = requests.iter().map(|r| r.prompt.len()).sum::<usize>() / n;
    let mean_output = requests.iter().map(|r| r.max_new_tokens).sum::<usize>() / n;
    let ids: Vec<f32> = requests.iter().flat_map(|r| r.prompt.iter().map(|&t| t as f32)).collect();
    let lengths: Vec<f32> = requests.iter().map(|r| r.max_new_tokens as f32).collect();
    let mut architecture: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in [
        ("vocab_size", config.vocab_size),
        ("hidden_size", config.hidden_size),
        ("intermediate_size", config.intermediate_size),
        ("num_hidden_layers", config.num_hidden_layers),
        ("num_attention_heads", config.num_attention_heads),
        ("num_key_value_heads", config.num_key_value_heads),
        ("head_dim", config.head_dim),
        ("max_position_embeddings", config.max_position_embeddings),
    ] {
        architecture.insert(k.into(), v.to_string());
    }
    let model_name = p.checkpoint.as_deref().map(crate::portable_path);
    architecture.insert("model".into(), model_name.unwrap_or_else(|| format!("preset {}", p.model)));
    architecture.insert("tokenizer".into(), tokenizer.kind().to_string());
    architecture.insert("batching".into(), "static: one query is one batch, padded to its longest prompt".into());
    let max_prompt = requests.iter().map(|r| r.prompt.len()).max().unwrap_or(0);
    let max_output = requests.iter().map(|r| r.max_new_tokens).max().unwrap_or(0);
    let model_card = ModelCard {
        parameters: config.parameters(),
        flops_per_sample: config.generation_flops(mean_prompt, mean_output),
        bytes_per_sample: 4 * (mean_prompt + mean_output) as u64,
        input_shape: vec![max_prompt],
        output_shape: vec![max_output],
        weights,
        architecture,
    };
    let data_card = DataCard {
        source: format!(
            "energy-sector prompt set (48 prompts, 6 categories), seed {}, {} requests: prompt tokens {:?}, output tokens {:?} \
             (mean {mean_prompt} in, {mean_output} out)",
            p.seed, p.requests, p.prompt_tokens, p.output_tokens
        ),
        sha256: fingerprint::sha256_f32(&[&ids, &lengths]),
        performance_samples: requests.len(),
        test_samples: 0,
    };
    let eos = config.eos_token_ids.clone();
    Ok(PreparedLlm {
        model,
        device: device.clone(),
        requests,
        generate: GenerateParams {
            sampling: p.sampling.clone(),
            eos_token_ids: eos,
            stop_at_eos: false,
            pad_token_id: 0,
        },
        log: Vec::new(),
        model_card,
        data_card,
    })
}

impl<B: Backend> PreparedLlm<B> {
    /// Runs one static batch; TTFT counts from each request's arrival when
    /// `arrivals` are given, from the batch's start otherwise.
    fn run_batch(&mut self, samples: &[usize], arrivals: Option<&[Instant]>) -> Result<(), WorkloadError> {
        let batch: Vec<_> = samples.iter().map(|&i| self.requests[i % self.requests.len()].to_generation()).collect();
        let started = Instant::now();
        let mut tally = GenerationTally::default();
        let mut last = started;
        let mut on_step = |e: super::StepEvent| {
            let now = Instant::now();
            let ns = now.duration_since(last).as_nanos() as u64;
            match e.phase {
                Phase::Prefill => {
                    match arrivals {
                        // Each request's first token counts from its own arrival, so queueing shows.
                        Some(due) => tally.ttft_ns.extend(
                            due.iter().take(e.new_tokens).map(|&a| now.saturating_duration_since(a).as_nanos() as u64),
                        ),
                        None => tally.ttft_ns.extend(std::iter::repeat_n(ns, e.new_tokens)),
                    }
                    tally.prefill_ns += ns;
                }
                Phase::Decode => {
                    tally.itl_ns.push(ns);
                    tally.decode_ns += ns;
                }
            }
            last = now;
        };
        let out = self.model.generate(&batch, &self.generate, &mut on_step)?;
        tally.prompt_tokens = out.prompt_tokens as u64;
        tally.output_tokens = out.output_tokens as u64;
        self.log.push(BatchLog { started, tally });
        Ok(())
    }
}

impl<B: Backend> PreparedWorkload for PreparedLlm<B> {
    fn sample_count(&self) -> usize {
        self.requests.len()
    }

    fn run(&mut self, samples: &[usize]) -> Result<(), WorkloadError> {
        self.run_batch(samples, None)
    }

    fn run_arrivals(&mut self, samples: &[usize], arrivals: &[Instant]) -> Result<(), WorkloadError> {
        self.run_batch(samples, Some(arrivals))
    }

    fn sync(&mut self) -> Result<(), WorkloadError> {
        B::sync(&self.device).map_err(|e| WorkloadError::Execution(format!("{e:?}")))
    }

    fn accuracy(&mut self) -> Result<QualityReport, WorkloadError> {
        let perplexity = prompt_perplexity(&self.model, &self.requests, &self.device)?;
        let gate = match self.model_card.weights {
            WeightsSource::RandomInit { .. } => {
                "not gated: random weights, so only performance and energy are measured"
            }
            _ => "not gated: no energy-domain answer key yet; the perplexity of the prompts is reported for context",
        };
        Ok(QualityReport {
            metric: "prompt_perplexity".into(),
            value: perplexity.0,
            lower_is_better: true,
            threshold: None,
            passes: None,
            gate: gate.into(),
            // A uniform guess over the vocabulary.
            baseline: Some(self.model.config().vocab_size as f64),
            samples: perplexity.1,
            gate_data_sha256: None,
        })
    }

    fn model_card(&self) -> &ModelCard {
        &self.model_card
    }

    fn data_card(&self) -> &DataCard {
        &self.data_card
    }

    fn take_generation(&mut self, since: Instant) -> Option<GenerationTally> {
        let mut total = GenerationTally::default();
        for b in self.log.drain(..).filter(|b| b.started >= since) {
            total.merge(&b.tally);
        }
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::backend::Flex;

    #[test]
    fn a_tiny_run_records_token_timings_and_drops_earlier_batches() {
        let p = LlmParams {
            requests: 4,
            prompt_tokens: Some(LengthDistribution::Fixed { tokens: 24 }),
            output_tokens: LengthDistribution::Fixed { tokens: 5 },
            ..Default::default()
        };
        let mut w = prepare::<Flex>(&p, &PrepareContext::default(), &Default::default()).unwrap();
        w.run(&[0]).unwrap();
        let since = Instant::now();
        w.run(&[1, 2, 3]).unwrap();
        let t = w.take_generation(since).unwrap();
        assert_eq!((t.ttft_ns.len(), t.itl_ns.len()), (3, 4));
        // Prompts longer than the target length are kept whole.
        let prompts: usize = w.requests[1..4].iter().map(|r| r.prompt.len()).sum();
        assert!(prompts >= 72);
        assert_eq!((t.prompt_tokens, t.output_tokens), (prompts as u64, 15));
        assert!(t.prefill_ns > 0 && t.decode_ns >= t.itl_ns.iter().sum::<u64>());
        assert_eq!(w.take_generation(since).unwrap(), GenerationTally::default());
        let q = w.accuracy().unwrap();
        assert_eq!((q.passes, q.metric.as_str()), (None, "prompt_perplexity"));
        // Random weights predict about as well as a uniform guess over the 512-token vocabulary.
        assert!(q.value > 100.0 && q.value < 5_000.0, "{q:?}");
        assert!(w.model_card().parameters > 0);
    }

    #[test]
    fn ttft_counts_from_each_arrival_when_the_server_gives_them() {
        let p = LlmParams {
            requests: 2,
            prompt_tokens: Some(LengthDistribution::Fixed { tokens: 16 }),
            output_tokens: LengthDistribution::Fixed { tokens: 2 },
            ..Default::default()
        };
        let mut w = prepare::<Flex>(&p, &PrepareContext::default(), &Default::default()).unwrap();
        let since = Instant::now();
        // Two requests that queued 300 ms and 100 ms before their batch started.
        let now = Instant::now();
        let arrivals = [now - std::time::Duration::from_millis(300), now - std::time::Duration::from_millis(100)];
        w.run_arrivals(&[0, 1], &arrivals).unwrap();
        let t = w.take_generation(since).unwrap();
        assert_eq!(t.ttft_ns.len(), 2);
        assert!(t.ttft_ns[0] >= 300_000_000 && t.ttft_ns[1] >= 100_000_000, "{:?}", t.ttft_ns);
        assert!(t.ttft_ns[0] - t.ttft_ns[1] >= 199_000_000, "{:?}", t.ttft_ns);
        // Without arrivals, TTFT counts from the batch's start: far less than the queueing above.
        w.run(&[0, 1]).unwrap();
        let t = w.take_generation(since).unwrap();
        assert!(t.ttft_ns.iter().all(|&v| v < t.prefill_ns + 1), "{:?} {}", t.ttft_ns, t.prefill_ns);
    }

    #[test]
    fn bad_parameters_are_named() {
        let err = LlmParams { model: "huge".into(), ..Default::default() }.check().unwrap_err().to_string();
        assert!(err.contains("huge"), "{err}");
        let err = LlmParams { requests: 0, ..Default::default() }.check().unwrap_err().to_string();
        assert!(err.contains("requests"), "{err}");
    }
}
