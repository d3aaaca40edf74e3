//! Batched generation: left-padded prefill, then one decode step per token,
//! with a callback after every step once the new tokens are on the host.

use burn::tensor::backend::Backend;
use burn::tensor::{Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::model::Llama;
use super::sampling::{RowSamplers, Sampling};
use super::{bad_request, execution};
use crate::error::WorkloadError;

/// One sequence to continue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerationRequest {
    /// The prompt's token ids (special tokens included), not empty.
    pub prompt: Vec<u32>,
    /// Most tokens to generate, at least 1.
    pub max_new_tokens: usize,
}

/// How a batch is generated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenerateParams {
    /// How the next token is chosen.
    pub sampling: Sampling,
    /// Tokens that end a row's generation (the end token is kept in the output).
    pub eos_token_ids: Vec<u32>,
    /// Whether an end token stops a row; benchmarks usually turn this off so
    /// that every row generates exactly its `max_new_tokens`.
    pub stop_at_eos: bool,
    /// Id fed at left padding positions (masked; any id of the vocabulary).
    pub pad_token_id: u32,
}

impl GenerateParams {
    /// Greedy decoding that stops at the given end tokens.
    pub fn greedy(eos_token_ids: Vec<u32>) -> Self {
        Self { sampling: Sampling::Greedy, eos_token_ids, stop_at_eos: true, pad_token_id: 0 }
    }
}

/// Which part of generation a step was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// The prompts' forward pass, which yields every row's first token.
    Prefill,
    /// One more token for every row still generating.
    Decode,
}

/// What one step did; it is reported once the step's tokens are on the host
/// (so the device has finished it): the prefill event marks the time to
/// first token, each decode event one inter-token interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepEvent {
    /// 0 for the prefill, then 1, 2, ... for the decode steps.
    pub step: usize,
    /// Prefill or decode.
    pub phase: Phase,
    /// Tokens fed to the model in this step (padding included): rows × padded
    /// prompt length for the prefill, rows for a decode step.
    pub input_tokens: usize,
    /// Rows that received a new token in this step.
    pub new_tokens: usize,
    /// Rows still generating after this step.
    pub active_rows: usize,
    /// Positions in the key/value cache after this step (padding included).
    pub context: usize,
}

/// Why a row stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FinishReason {
    /// It generated its `max_new_tokens`.
    Length,
    /// It generated an end token.
    Eos,
}

/// The result of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerationOutput {
    /// Generated ids of every row, in request order (an end token included).
    pub tokens: Vec<Vec<u32>>,
    /// Why every row stopped.
    pub finish: Vec<FinishReason>,
    /// Prompt tokens of all rows (what the prefill processed, padding excluded).
    pub prompt_tokens: usize,
    /// Prompt tokens with padding: rows × the longest prompt.
    pub padded_prompt_tokens: usize,
    /// Generated tokens of all rows.
    pub output_tokens: usize,
    /// Decode steps run after the prefill.
    pub decode_steps: usize,
}

impl<B: Backend> Llama<B> {
    /// Generates a continuation of every request as one batch: prompts are
    /// left-padded to the longest, the prefill yields every row's first
    /// token, then each decode step one more token for all rows until each
    /// has its `max_new_tokens` or (with `stop_at_eos`) an end token.
    /// Finished rows ride along in the batch until all are done (static
    /// batching). `on_step` is called after the prefill and after every
    /// decode step, once the step's tokens are on the host.
    pub fn generate(
        &self,
        requests: &[GenerationRequest],
        params: &GenerateParams,
        on_step: &mut dyn FnMut(StepEvent),
    ) -> Result<GenerationOutput, WorkloadError> {
        self.check_requests(requests, params)?;
        let batch = requests.len();
        let longest = requests.iter().map(|r| r.prompt.len()).max().unwrap_or(0);
        let max_new = requests.iter().map(|r| r.max_new_tokens).max().unwrap_or(0);
        let padding: Vec<usize> = requests.iter().map(|r| longest - r.prompt.len()).collect();
        let device = self.embed_tokens.weight.lazy_device();
        let mut cache = self.new_cache(padding.clone(), longest + max_new - 1, &device)?;
        let seed = match &params.sampling {
            Sampling::Random { seed, .. } => *seed,
            Sampling::Greedy => 0,
        };
        let mut samplers = RowSamplers::new(seed, batch);

        let mut ids = Vec::with_capacity(batch * longest);
        for (r, pad) in requests.iter().zip(&padding) {
            ids.extend(std::iter::repeat_n(i64::from(params.pad_token_id), *pad));
            ids.extend(r.prompt.iter().map(|&t| i64::from(t)));
        }
        let prompt = Tensor::<B, 2, Int>::from_data(TensorData::new(ids, [batch, longest]), &device);
        let logits = self.forward_last(prompt, &mut cache)?;
        let mut next = self.choose(logits, params, &mut samplers)?;

        let mut tokens: Vec<Vec<u32>> = requests.iter().map(|r| Vec::with_capacity(r.max_new_tokens)).collect();
        let mut finish: Vec<Option<FinishReason>> = vec![None; batch];
        let record = |next: &[u32], tokens: &mut Vec<Vec<u32>>, finish: &mut Vec<Option<FinishReason>>| {
            let mut fresh = 0;
            for (row, &id) in next.iter().enumerate() {
                if finish[row].is_some() {
                    continue;
                }
                tokens[row].push(id);
                fresh += 1;
                if params.stop_at_eos && params.eos_token_ids.contains(&id) {
                    finish[row] = Some(FinishReason::Eos);
                } else if tokens[row].len() >= requests[row].max_new_tokens {
                    finish[row] = Some(FinishReason::Length);
                }
            }
            fresh
        };
        let fresh = record(&next, &mut tokens, &mut finish);
        let active = |finish: &[Option<FinishReason>]| finish.iter().filter(|f| f.is_none()).count();
        on_step(StepEvent {
            step: 0,
            phase: Phase::Prefill,
            input_tokens: batch * longest,
            new_tokens: fresh,
            active_rows: active(&finish),
            context: cache.len(),
        });

        let mut steps = 0;
        while active(&finish) > 0 {
            steps += 1;
            let input: Vec<i64> = next.iter().map(|&t| i64::from(t)).collect();
            let input = Tensor::<B, 2, Int>::from_data(TensorData::new(input, [batch, 1]), &device);
            let logits = self.forward_last(input, &mut cache)?;
            next = self.choose(logits, params, &mut samplers)?;
            let fresh = record(&next, &mut tokens, &mut finish);
            on_step(StepEvent {
                step: steps,
                phase: Phase::Decode,
                input_tokens: batch,
                new_tokens: fresh,
                active_rows: active(&finish),
                context: cache.len(),
            });
        }

        let output_tokens = tokens.iter().map(Vec::len).sum();
        Ok(GenerationOutput {
            tokens,
            finish: finish.into_iter().map(|f| f.unwrap_or(FinishReason::Length)).collect(),
            prompt_tokens: requests.iter().map(|r| r.prompt.len()).sum(),
            padded_prompt_tokens: batch * longest,
            output_tokens,
            decode_steps: steps,
        })
    }

    fn check_requests(&self, requests: &[GenerationRequest], params: &GenerateParams) -> Result<(), WorkloadError> {
        params.sampling.validate()?;
        let config = self.config();
        let vocab = config.vocab_size;
        if requests.is_empty() {
            return Err(bad_request("requests", "no requests to generate".into()));
        }
        if params.pad_token_id as usize >= vocab {
            return Err(bad_request(
                "pad_token_id",
                format!("{} is outside the vocabulary ({vocab})", params.pad_token_id),
            ));
        }
        for (i, r) in requests.iter().enumerate() {
            if r.prompt.is_empty() {
                return Err(bad_request("prompt", format!("request {i} has an empty prompt")));
            }
            if r.max_new_tokens == 0 {
                return Err(bad_request("max_new_tokens", format!("request {i} asks for no tokens")));
            }
            if let Some(id) = r.prompt.iter().find(|&&t| t as usize >= vocab) {
                return Err(bad_request(
                    "prompt",
                    format!("request {i} has token id {id}, outside the vocabulary ({vocab})"),
                ));
            }
            let total = r.prompt.len() + r.max_new_tokens;
            if total > config.max_position_embeddings {
                return Err(bad_request(
                    "prompt",
                    format!(
                        "request {i}: {} prompt tokens + {} new tokens exceed the model's maximum of {} positions",
                        r.prompt.len(),
                        r.max_new_tokens,
                        config.max_position_embeddings
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The next token of every row, on the host: the arg-max computed on the
    /// device for greedy decoding, else a draw from the logits on the host.
    fn choose(
        &self,
        logits: Tensor<B, 2>,
        params: &GenerateParams,
        samplers: &mut RowSamplers,
    ) -> Result<Vec<u32>, WorkloadError> {
        let [batch, vocab] = logits.dims();
        if params.sampling.is_greedy() {
            let ids = logits.argmax(1).try_into_data().map_err(|e| execution(format!("{e:?}")))?;
            let ids = ids.convert::<i64>().into_vec::<i64>().map_err(|e| execution(format!("{e:?}")))?;
            return ids
                .into_iter()
                .map(|id| u32::try_from(id).map_err(|_| execution(format!("arg-max returned {id}"))))
                .collect();
        }
        let values = logits.try_into_data().map_err(|e| execution(format!("{e:?}")))?;
        let values = values.convert::<f32>().into_vec::<f32>().map_err(|e| execution(format!("{e:?}")))?;
        Ok((0..batch)
            .map(|row| samplers.sample(row, &values[row * vocab..(row + 1) * vocab], &params.sampling))
            .collect())
    }
}
