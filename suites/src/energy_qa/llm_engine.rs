//! The `energy-qa` workload on the in-process Llama decoder: each sample is
//! one question; the performance window answers questions exactly as the
//! accuracy pass does (greedy, stopping at the end token, the same answer
//! budget), so that the joules of the window are joules spent answering.

use std::collections::BTreeMap;
use std::time::Instant;

use burn::tensor::backend::Backend;
use serde::{Deserialize, Serialize};

use super::gate::QaSpec;
use super::score::{score, AnswerScore};
use super::set::QuestionSet;
use crate::error::WorkloadError;
use crate::llm::{load_checkpoint, GenerateParams, GenerationRequest, Llama, LlamaConfig, Phase, StepEvent, Tokenizer};
use crate::workload::{
    DataCard, GenerationTally, ModelCard, PreparedWorkload, QualityReport, WeightsSource, WorkloadInfo,
};
use crate::PrepareContext;

/// Identifier of this workload in suite files.
pub const ID: &str = "energy-qa";

/// Questions per batch of the accuracy pass.
const SCORING_BATCH: usize = 8;

/// The knobs of the in-process energy-qa workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnergyQaParams {
    /// Model preset with random weights (`tiny`, `small`, `1b`); ignored with `checkpoint`.
    pub model: String,
    /// A Hugging Face Llama checkpoint folder, resolved against the weights folder.
    pub checkpoint: Option<String>,
    /// Seed of the random weights.
    pub seed: u64,
    /// Most tokens of one answer.
    pub answer_tokens: usize,
    /// Seed of the question set.
    pub question_seed: u64,
    /// Number of questions.
    pub questions: usize,
    /// The gate: the least overall accuracy, in 0..=1.
    pub min_accuracy: f64,
}

impl Default for EnergyQaParams {
    fn default() -> Self {
        let spec = QaSpec::default();
        Self {
            model: "tiny".into(),
            checkpoint: None,
            seed: 71,
            answer_tokens: 48,
            question_seed: spec.question_seed,
            questions: spec.questions,
            min_accuracy: spec.min_accuracy,
        }
    }
}

fn bad(name: &str, reason: String) -> WorkloadError {
    WorkloadError::BadParameter { workload: ID.into(), name: name.into(), reason }
}

impl EnergyQaParams {
    /// The question set and gate.
    pub fn spec(&self) -> QaSpec {
        QaSpec { question_seed: self.question_seed, questions: self.questions, min_accuracy: self.min_accuracy }
    }

    /// Checks the parameters without building anything.
    pub fn check(&self) -> Result<(), WorkloadError> {
        self.spec().check().map_err(|(name, reason)| bad(name, reason))?;
        if self.answer_tokens == 0 || self.answer_tokens > 4096 {
            return Err(bad("answer_tokens", format!("must be in 1..=4096, got {}", self.answer_tokens)));
        }
        if self.checkpoint.is_none() {
            LlamaConfig::preset(&self.model)?;
        }
        Ok(())
    }
}

/// Catalogue entry.
pub fn info() -> WorkloadInfo {
    let config = LlamaConfig::tiny();
    WorkloadInfo {
        id: ID.into(),
        sector: "all sectors".into(),
        task: "answer generated energy-sector questions with checked answers (accuracy, J per correct answer)".into(),
        model: "Llama-family decoder (in process), or any engine that answers the question set".into(),
        quality_gate: "overall answer accuracy at least the suite's min_accuracy (default 0.6)".into(),
        parameters: config.parameters(),
        flops_per_sample: config.generation_flops(400, 48),
    }
}

/// The decoder and the question set, ready on backend `B`.
pub struct PreparedEnergyQa<B: Backend> {
    model: Llama<B>,
    device: B::Device,
    tokenizer: Tokenizer,
    spec: QaSpec,
    set: QuestionSet,
    requests: Vec<GenerationRequest>,
    generate: GenerateParams,
    log: Vec<(Instant, GenerationTally)>,
    score: Option<AnswerScore>,
    model_card: ModelCard,
    data_card: DataCard,
}

/// Builds the model, draws the questions and encodes their prompts.
pub fn prepare<B: Backend>(
    p: &EnergyQaParams,
    ctx: &PrepareContext,
    device: &B::Device,
) -> Result<PreparedEnergyQa<B>, WorkloadError> {
    p.check()?;
    B::seed(device, p.seed);
    let (model, tokenizer, weights) = match &p.checkpoint {
        Some(folder) => {
            let dir = ctx.resolve_weights_path(folder);
            let (model, info) = load_checkpoint::<B>(&dir, device)?;
            let sha256 = crate::llm::workload::checkpoint_sha256(&dir, &info.files)?;
            let path = crate::portable_path(folder);
            (model, Tokenizer::for_checkpoint(&dir)?, WeightsSource::File { path, sha256 })
        }
        None => {
            let config = LlamaConfig::preset(&p.model)?;
            (Llama::new(&config, device)?, Tokenizer::bytes(), WeightsSource::RandomInit { seed: p.seed })
        }
    };
    let spec = p.spec();
    let set = spec.questions().map_err(|e| bad("questions", e))?;
    let config = model.config().clone();
    let mut requests = Vec::with_capacity(set.questions.len());
    for q in &set.questions {
        let prompt = tokenizer.encode(&q.prompt())?;
        if prompt.len() + p.answer_tokens > config.max_position_embeddings {
            return Err(bad(
                "answer_tokens",
                format!(
                    "question {} needs {} prompt + {} answer positions, the model has {}",
                    q.id,
                    prompt.len(),
                    p.answer_tokens,
                    config.max_position_embeddings
                ),
            ));
        }
        requests.push(GenerationRequest { prompt, max_new_tokens: p.answer_tokens });
    }
    let n = requests.len().max(1);
    let mean_prompt = requests.iter().map(|r| r.prompt.len()).sum::<usize>() / n;
    let mut architecture = BTreeMap::new();
    let model_name = p.checkpoint.as_deref().map(crate::portable_path);
    architecture.insert("model".into(), model_name.unwrap_or_else(|| format!("preset {}", p.model)));
    architecture.insert("tokenizer".into(), tokenizer.kind().to_string());
    architecture.insert("hidden_size".into(), config.hidden_size.to_string());
    architecture.insert("num_hidden_layers".into(), config.num_hidden_layers.to_string());
    architecture.insert("vocab_size".into(), config.vocab_size.to_string());
    architecture
        .insert("decoding".into(), format!("greedy, stop at the end token, at most {} tokens", p.answer_tokens));
    let model_card = ModelCard {
        parameters: config.parameters(),
        flops_per_sample: config.generation_flops(mean_prompt, p.answer_tokens),
        bytes_per_sample: 4 * (mean_prompt + p.answer_tokens) as u64,
        input_shape: vec![requests.iter().map(|r| r.prompt.len()).max().unwrap_or(0)],
        output_shape: vec![p.answer_tokens],
        weights,
        architecture,
    };
    let data_card = DataCard {
        source: format!(
            "energy-qa question set, seed {}, {} questions from {} templates in 6 sectors (mean prompt {mean_prompt} tokens)",
            spec.question_seed,
            set.questions.len(),
            super::TEMPLATES.len()
        ),
        sha256: set.sha256.clone(),
        performance_samples: requests.len(),
        test_samples: requests.len(),
    };
    let generate = GenerateParams::greedy(config.eos_token_ids.clone());
    Ok(PreparedEnergyQa {
        model,
        device: device.clone(),
        tokenizer,
        spec,
        set,
        requests,
        generate,
        log: Vec::new(),
        score: None,
        model_card,
        data_card,
    })
}

impl<B: Backend> PreparedEnergyQa<B> {
    /// Generates the answers to `batch`, recording the token timings.
    fn answer(&self, batch: &[GenerationRequest], tally: &mut GenerationTally) -> Result<Vec<Vec<u32>>, WorkloadError> {
        let mut last = Instant::now();
        let mut on_step = |e: StepEvent| {
            let now = Instant::now();
            let ns = now.duration_since(last).as_nanos() as u64;
            match e.phase {
                Phase::Prefill => {
                    tally.ttft_ns.extend(std::iter::repeat_n(ns, e.new_tokens));
                    tally.prefill_ns += ns;
                }
                Phase::Decode => {
                    tally.itl_ns.push(ns);
                    tally.decode_ns += ns;
                }
            }
            last = now;
        };
        let out = self.model.generate(batch, &self.generate, &mut on_step)?;
        tally.prompt_tokens += out.prompt_tokens as u64;
        tally.output_tokens += out.output_tokens as u64;
        Ok(out.tokens)
    }
}

impl<B: Backend> PreparedWorkload for PreparedEnergyQa<B> {
    fn sample_count(&self) -> usize {
        self.requests.len()
    }

    fn run(&mut self, samples: &[usize]) -> Result<(), WorkloadError> {
        let batch: Vec<GenerationRequest> =
            samples.iter().map(|&i| self.requests[i % self.requests.len()].clone()).collect();
        let started = Instant::now();
        let mut tally = GenerationTally::default();
        self.answer(&batch, &mut tally)?;
        self.log.push((started, tally));
        Ok(())
    }

    fn sync(&mut self) -> Result<(), WorkloadError> {
        B::sync(&self.device).map_err(|e| WorkloadError::Execution(format!("{e:?}")))
    }

    fn accuracy(&mut self) -> Result<QualityReport, WorkloadError> {
        // Questions of similar length batched together, to pad little.
        let mut order: Vec<usize> = (0..self.requests.len()).collect();
        order.sort_by_key(|&i| self.requests[i].prompt.len());
        let mut answers = vec![String::new(); self.requests.len()];
        let mut tally = GenerationTally::default();
        for chunk in order.chunks(SCORING_BATCH) {
            let batch: Vec<GenerationRequest> = chunk.iter().map(|&i| self.requests[i].clone()).collect();
            let tokens = self.answer(&batch, &mut tally)?;
            for (&i, ids) in chunk.iter().zip(tokens) {
                let text: Vec<u32> = ids.into_iter().filter(|t| !self.generate.eos_token_ids.contains(t)).collect();
                answers[i] = self.tokenizer.decode(&text)?;
            }
        }
        let s = score(&self.set.questions, &answers, tally.output_tokens, self.spec.question_seed)
            .map_err(WorkloadError::Execution)?;
        let report = self.spec.quality(&s);
        self.score = Some(s);
        Ok(report)
    }

    fn model_card(&self) -> &ModelCard {
        &self.model_card
    }

    fn data_card(&self) -> &DataCard {
        &self.data_card
    }

    fn take_generation(&mut self, since: Instant) -> Option<GenerationTally> {
        let mut total = GenerationTally::default();
        for (started, tally) in self.log.drain(..) {
            if started >= since {
                total.merge(&tally);
            }
        }
        Some(total)
    }

    fn answer_score(&self) -> Option<AnswerScore> {
        self.score.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::backend::Flex;

    #[test]
    fn energy_qa_tiny_random_model_answers_and_fails_the_gate() {
        let p = EnergyQaParams { answer_tokens: 4, questions: 12, ..Default::default() };
        let mut w = prepare::<Flex>(&p, &PrepareContext::default(), &Default::default()).unwrap();
        assert_eq!(w.sample_count(), 12);
        let since = Instant::now();
        w.run(&[0, 1]).unwrap();
        let t = w.take_generation(since).unwrap();
        assert_eq!(t.ttft_ns.len(), 2);
        assert!(w.answer_score().is_none());
        let q = w.accuracy().unwrap();
        assert_eq!((q.metric.as_str(), q.threshold, q.passes), ("answer_accuracy", Some(0.6), Some(false)));
        let s = w.answer_score().unwrap();
        assert_eq!(s.questions, 12);
        // Random weights emit random bytes: nothing readable in the stated format.
        assert!(s.unparseable_share > 0.9, "{s:?}");
        assert!(s.output_tokens > 0 && s.output_tokens <= 48);
        assert_eq!(w.data_card().sha256, p.spec().questions().unwrap().sha256);
    }

    #[test]
    fn energy_qa_bad_parameters_are_named() {
        let err = EnergyQaParams { answer_tokens: 0, ..Default::default() }.check().unwrap_err().to_string();
        assert!(err.contains("answer_tokens"), "{err}");
        let p = EnergyQaParams { min_accuracy: -0.1, ..Default::default() };
        assert!(p.check().unwrap_err().to_string().contains("min_accuracy"));
    }
}
