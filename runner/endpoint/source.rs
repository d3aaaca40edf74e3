//! Where an endpoint's requests come from. Today the LLM workload's seeded
//! generator over the energy-sector prompt set; any other set of text
//! requests (a question set with checked answers, for instance) plugs in by
//! implementing [`RequestSource`].

use wattbench_workloads::fingerprint::sha256_hex;
use wattbench_workloads::llm::{RequestGenerator, RequestMix, Tokenizer};

/// One request as text, ready to send.
#[derive(Clone, Debug, PartialEq)]
pub struct TextRequest {
    /// Position in the source's stream.
    pub id: usize,
    /// The prompt (the user message of a chat request).
    pub prompt: String,
    /// The prompt's length in the source's own tokens (bytes without a tokenizer).
    pub prompt_tokens: usize,
    /// Tokens to generate (`max_tokens`).
    pub max_tokens: usize,
    /// A label for reports (the prompt's category, or a question's id).
    pub label: String,
}

/// A deterministic supply of text requests.
pub trait RequestSource {
    /// One line on what the requests are, for the result's data card.
    fn describe(&self) -> String;
    /// The first `n` requests of the stream (the same every time).
    fn requests(&mut self, n: usize) -> Result<Vec<TextRequest>, String>;
}

/// The sha256 of a request set: every prompt and its `max_tokens`, in order.
pub fn requests_sha256(requests: &[TextRequest]) -> String {
    let mut bytes = Vec::new();
    for r in requests {
        bytes.extend_from_slice(&(r.prompt.len() as u64).to_le_bytes());
        bytes.extend_from_slice(r.prompt.as_bytes());
        bytes.extend_from_slice(&(r.max_tokens as u64).to_le_bytes());
    }
    sha256_hex(&bytes)
}

/// The LLM workload's energy-sector prompts, drawn with a seed.
pub struct PromptSetSource {
    tokenizer: Tokenizer,
    mix: RequestMix,
    seed: u64,
}

impl PromptSetSource {
    /// Prompts sized in `tokenizer`'s tokens (the byte tokenizer counts bytes).
    pub fn new(tokenizer: Tokenizer, mix: RequestMix, seed: u64) -> Self {
        Self { tokenizer, mix, seed }
    }
}

impl RequestSource for PromptSetSource {
    fn describe(&self) -> String {
        format!(
            "energy-sector prompt set (48 prompts, 6 categories), seed {}, lengths in {} tokens: prompt {:?}, output {:?}",
            self.seed,
            self.tokenizer.kind(),
            self.mix.prompt_tokens,
            self.mix.output_tokens
        )
    }

    fn requests(&mut self, n: usize) -> Result<Vec<TextRequest>, String> {
        let mut generator =
            RequestGenerator::new(&self.tokenizer, self.mix.clone(), self.seed).map_err(|e| e.to_string())?;
        generator
            .take(n)
            .into_iter()
            .map(|r| {
                let prompt = self.tokenizer.decode(&r.prompt).map_err(|e| e.to_string())?;
                Ok(TextRequest {
                    id: r.id,
                    prompt,
                    prompt_tokens: r.prompt.len(),
                    max_tokens: r.max_new_tokens,
                    label: r.category.name().to_string(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wattbench_workloads::llm::LengthDistribution;

    #[test]
    fn prompt_set_requests_are_seeded_text_of_the_drawn_lengths() {
        let mix = RequestMix {
            prompt_tokens: Some(LengthDistribution::Fixed { tokens: 300 }),
            output_tokens: LengthDistribution::Fixed { tokens: 17 },
            categories: Vec::new(),
        };
        let a = PromptSetSource::new(Tokenizer::bytes(), mix.clone(), 5).requests(10).unwrap();
        let b = PromptSetSource::new(Tokenizer::bytes(), mix, 5).requests(10).unwrap();
        assert_eq!(a, b);
        assert_eq!(requests_sha256(&a), requests_sha256(&b));
        for r in &a {
            // 300 byte tokens: the BOS marker and 299 bytes of text.
            assert_eq!((r.prompt.len(), r.prompt_tokens, r.max_tokens), (299, 300, 17));
            assert!(r.prompt.ends_with('?') || r.prompt.ends_with('.'), "{}", r.prompt);
        }
    }
}
