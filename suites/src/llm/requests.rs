//! A seeded generator of LLM requests: a prompt drawn from the embedded set,
//! optionally lengthened to a drawn prompt length, and a drawn number of
//! output tokens, so that both prefill and decode carry weight.

use serde::{Deserialize, Serialize};

use super::bad_request;
use super::generate::GenerationRequest;
use super::prompts::{context_passage, PromptCategory, PROMPTS};
use super::tokenizer::Tokenizer;
use crate::error::WorkloadError;
use crate::rng::SplitMix64;

/// A distribution of lengths in tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LengthDistribution {
    /// Always the same length.
    Fixed {
        /// The length.
        tokens: usize,
    },
    /// `round(exp(ln(median) + sigma * z))` for a standard normal `z`,
    /// clipped to `[min, max]`.
    LogNormal {
        /// Median before clipping.
        median: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
        /// Smallest length.
        min: usize,
        /// Largest length.
        max: usize,
    },
}

impl LengthDistribution {
    /// Checks the parameters.
    pub fn validate(&self, name: &str) -> Result<(), WorkloadError> {
        match self {
            Self::Fixed { tokens: 0 } => Err(bad_request(name, "a length must be at least 1".into())),
            Self::LogNormal { median, sigma, min, max }
                if !(*median > 0.0 && median.is_finite() && *sigma >= 0.0 && sigma.is_finite())
                    || *min == 0
                    || min > max =>
            {
                Err(bad_request(name, "log-normal lengths need median > 0, sigma >= 0 and 1 <= min <= max".into()))
            }
            _ => Ok(()),
        }
    }

    /// Draws a length (two values of `rng` for a log-normal, none when fixed).
    pub fn sample(&self, rng: &mut SplitMix64) -> usize {
        match self {
            Self::Fixed { tokens } => *tokens,
            Self::LogNormal { median, sigma, min, max } => {
                let x = (median.ln() + sigma * rng.normal()).exp().round();
                (x.max(*min as f64).min(*max as f64)) as usize
            }
        }
    }

    /// The largest length it can draw.
    pub fn max(&self) -> usize {
        match self {
            Self::Fixed { tokens } => *tokens,
            Self::LogNormal { max, .. } => *max,
        }
    }
}

/// What requests look like.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestMix {
    /// Target prompt lengths; `None` keeps each prompt as written. A prompt
    /// shorter than its target is preceded by its category's context
    /// passage, repeated and cut to reach the target exactly; a prompt
    /// longer than its target is kept whole (the question is never cut).
    pub prompt_tokens: Option<LengthDistribution>,
    /// Tokens to generate per request.
    pub output_tokens: LengthDistribution,
    /// Categories to draw from; empty means all.
    pub categories: Vec<PromptCategory>,
}

impl Default for RequestMix {
    /// Prompts as written; output tokens log-normal with median 128 and
    /// sigma 0.5, clipped to [16, 512].
    fn default() -> Self {
        Self {
            prompt_tokens: None,
            output_tokens: LengthDistribution::LogNormal { median: 128.0, sigma: 0.5, min: 16, max: 512 },
            categories: Vec::new(),
        }
    }
}

/// One request drawn by a [`RequestGenerator`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LlmRequest {
    /// Sequence number from 0 in the generator's stream.
    pub id: usize,
    /// Index of the prompt in [`PROMPTS`].
    pub prompt_index: usize,
    /// The prompt's category.
    pub category: PromptCategory,
    /// The prompt's token ids, special tokens included.
    pub prompt: Vec<u32>,
    /// Tokens to generate.
    pub max_new_tokens: usize,
}

impl LlmRequest {
    /// The request as [`super::Llama::generate`] takes it.
    pub fn to_generation(&self) -> GenerationRequest {
        GenerationRequest { prompt: self.prompt.clone(), max_new_tokens: self.max_new_tokens }
    }
}

/// Draws requests reproducibly: the same seed, mix and tokenizer give the
/// same stream. Each request takes the same number of random values, so the
/// streams of two mixes with the same distributions' kinds stay aligned.
#[derive(Clone, Debug)]
pub struct RequestGenerator {
    mix: RequestMix,
    rng: SplitMix64,
    next_id: usize,
    pool: Vec<usize>,
    /// Encoded prompts, by index in [`PROMPTS`].
    encoded: Vec<Vec<u32>>,
    /// Special tokens at the start of every encoded prompt.
    prefix_len: Vec<usize>,
    /// Encoded context passage of each prompt's category.
    context: Vec<Vec<u32>>,
}

impl RequestGenerator {
    /// A generator of requests encoded with `tokenizer`.
    pub fn new(tokenizer: &Tokenizer, mix: RequestMix, seed: u64) -> Result<Self, WorkloadError> {
        if let Some(d) = &mix.prompt_tokens {
            d.validate("prompt_tokens")?;
        }
        mix.output_tokens.validate("output_tokens")?;
        let pool: Vec<usize> = (0..PROMPTS.len())
            .filter(|&i| mix.categories.is_empty() || mix.categories.contains(&PROMPTS[i].category))
            .collect();
        if pool.is_empty() {
            return Err(bad_request("categories", "no prompt belongs to the chosen categories".into()));
        }
        let empty = tokenizer.encode("")?;
        let mut encoded = Vec::with_capacity(PROMPTS.len());
        let mut prefix_len = Vec::with_capacity(PROMPTS.len());
        let mut context = Vec::with_capacity(PROMPTS.len());
        for prompt in PROMPTS.iter() {
            let ids = tokenizer.encode(prompt.text)?;
            prefix_len.push(ids.iter().zip(&empty).take_while(|(a, b)| a == b).count());
            encoded.push(ids);
            let passage = tokenizer.encode_plain(context_passage(prompt.category))?;
            if passage.is_empty() {
                return Err(bad_request("tokenizer", "the context passage encodes to no tokens".into()));
            }
            context.push(passage);
        }
        Ok(Self { mix, rng: SplitMix64::new(seed), next_id: 0, pool, encoded, prefix_len, context })
    }

    /// The mix the requests are drawn from.
    pub fn mix(&self) -> &RequestMix {
        &self.mix
    }

    /// The longest prompt plus output, in tokens, that this generator can
    /// produce (to check against the model's maximum positions).
    pub fn max_total_tokens(&self) -> usize {
        let written = self.pool.iter().map(|&i| self.encoded[i].len()).max().unwrap_or(0);
        let prompt = self.mix.prompt_tokens.as_ref().map_or(written, |d| d.max().max(written));
        prompt + self.mix.output_tokens.max()
    }

    /// The next request.
    pub fn next_request(&mut self) -> LlmRequest {
        let slot = self.rng.next_below(self.pool.len() as u64) as usize;
        let index = self.pool[slot];
        let target = self.mix.prompt_tokens.as_ref().map(|d| d.sample(&mut self.rng));
        let max_new_tokens = self.mix.output_tokens.sample(&mut self.rng);
        let question = &self.encoded[index];
        let prompt = match target {
            Some(target) if target > question.len() => {
                let (special, rest) = question.split_at(self.prefix_len[index]);
                let passage = &self.context[index];
                let need = target - question.len();
                let mut ids = Vec::with_capacity(target);
                ids.extend_from_slice(special);
                ids.extend(passage.iter().cycle().take(need));
                ids.extend_from_slice(rest);
                ids
            }
            _ => question.clone(),
        };
        let id = self.next_id;
        self.next_id += 1;
        LlmRequest { id, prompt_index: index, category: PROMPTS[index].category, prompt, max_new_tokens }
    }

    /// The next `n` requests.
    pub fn take(&mut self, n: usize) -> Vec<LlmRequest> {
        (0..n).map(|_| self.next_request()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::tokenizer::BYTE_BOS;

    fn mix() -> RequestMix {
        RequestMix {
            prompt_tokens: Some(LengthDistribution::LogNormal { median: 300.0, sigma: 0.6, min: 64, max: 900 }),
            output_tokens: LengthDistribution::LogNormal { median: 64.0, sigma: 0.5, min: 8, max: 256 },
            categories: Vec::new(),
        }
    }

    #[test]
    fn llm_requests_are_deterministic_for_a_seed() {
        let t = Tokenizer::bytes();
        let a = RequestGenerator::new(&t, mix(), 42).unwrap().take(50);
        let b = RequestGenerator::new(&t, mix(), 42).unwrap().take(50);
        let c = RequestGenerator::new(&t, mix(), 43).unwrap().take(50);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.iter().map(|r| r.id).collect::<Vec<_>>(), (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn llm_requests_follow_the_length_distributions() {
        let t = Tokenizer::bytes();
        let mut g = RequestGenerator::new(&t, mix(), 7).unwrap();
        let requests = g.take(2000);
        let mut outputs: Vec<usize> = requests.iter().map(|r| r.max_new_tokens).collect();
        assert!(outputs.iter().all(|&n| (8..=256).contains(&n)));
        outputs.sort_unstable();
        let median = outputs[outputs.len() / 2];
        assert!((58..=70).contains(&median), "median output {median}");
        for r in &requests {
            let written = t.encode(PROMPTS[r.prompt_index].text).unwrap();
            assert_eq!(r.prompt[0], BYTE_BOS);
            // The question ends the prompt; the prompt is at least the question.
            assert!(r.prompt.ends_with(&written[1..]));
            assert!(r.prompt.len() >= written.len() && r.prompt.len() <= 900.max(written.len()));
        }
        // Most prompts were lengthened to their target: lengths vary widely.
        let lengthened = requests.iter().filter(|r| r.prompt.len() > 400).count();
        assert!(lengthened > 400, "{lengthened}");
        assert!(g.max_total_tokens() >= 900 + 256);
        // Every category is drawn.
        for category in PromptCategory::ALL {
            assert!(requests.iter().any(|r| r.category == category));
        }
    }

    #[test]
    fn llm_requests_can_be_restricted_and_fixed() {
        let t = Tokenizer::bytes();
        let mix = RequestMix {
            prompt_tokens: Some(LengthDistribution::Fixed { tokens: 512 }),
            output_tokens: LengthDistribution::Fixed { tokens: 32 },
            categories: vec![PromptCategory::CoalMineSafety],
        };
        let requests = RequestGenerator::new(&t, mix, 1).unwrap().take(20);
        assert!(requests.iter().all(|r| r.category == PromptCategory::CoalMineSafety));
        assert!(requests.iter().all(|r| r.prompt.len() == 512 && r.max_new_tokens == 32));
        let bad = RequestMix { output_tokens: LengthDistribution::Fixed { tokens: 0 }, ..RequestMix::default() };
        assert!(RequestGenerator::new(&t, bad, 1).is_err());
    }
}
