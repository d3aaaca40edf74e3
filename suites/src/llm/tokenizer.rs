//! Tokenizers: a Hugging Face `tokenizer.json` where a checkpoint has one,
//! otherwise a byte-level fallback (the 256 byte values plus special tokens)
//! that fits the small presets' vocabulary.

use std::path::Path;

use super::bad_request;
use crate::error::WorkloadError;

/// Beginning-of-sequence id of the byte-level tokenizer.
pub const BYTE_BOS: u32 = 256;
/// End-of-sequence id of the byte-level tokenizer.
pub const BYTE_EOS: u32 = 257;
/// Padding id of the byte-level tokenizer.
pub const BYTE_PAD: u32 = 258;
/// Smallest vocabulary that holds the byte-level tokenizer's ids.
pub const BYTE_VOCAB: usize = 259;

/// Turns text into token ids and back.
#[derive(Clone, Debug)]
pub enum Tokenizer {
    /// One token per UTF-8 byte; [`BYTE_BOS`] starts a sequence.
    Bytes,
    /// A Hugging Face tokenizer read from a `tokenizer.json`.
    HuggingFace(Box<tokenizers::Tokenizer>),
}

impl Tokenizer {
    /// The byte-level tokenizer.
    pub fn bytes() -> Self {
        Self::Bytes
    }

    /// Reads a Hugging Face `tokenizer.json`.
    pub fn from_file(path: &Path) -> Result<Self, WorkloadError> {
        let bad = |reason: String| WorkloadError::Weights { path: path.display().to_string(), reason };
        // Only a regular file, read no further than its size (never a FIFO or /dev/zero).
        let bytes =
            crate::regular_file::read_regular(path).map_err(|e| bad(format!("cannot read the tokenizer: {e}")))?;
        let inner =
            tokenizers::Tokenizer::from_bytes(&bytes).map_err(|e| bad(format!("cannot read the tokenizer: {e}")))?;
        Ok(Self::HuggingFace(Box::new(inner)))
    }

    /// The `tokenizer.json` of a checkpoint folder when there is one, the
    /// byte-level tokenizer otherwise.
    pub fn for_checkpoint(dir: &Path) -> Result<Self, WorkloadError> {
        let path = dir.join("tokenizer.json");
        if path.is_file() {
            Self::from_file(&path)
        } else {
            Ok(Self::Bytes)
        }
    }

    /// What kind of tokenizer this is, for reports: `bytes` or `tokenizer.json`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Bytes => "bytes",
            Self::HuggingFace(_) => "tokenizer.json",
        }
    }

    /// Ids of the tokenizer's vocabulary, added tokens included.
    pub fn vocab_size(&self) -> usize {
        match self {
            Self::Bytes => BYTE_VOCAB,
            Self::HuggingFace(t) => t.get_vocab_size(true),
        }
    }

    /// Encodes `text` as a model input: with the special tokens the
    /// tokenizer adds (the byte-level one prepends [`BYTE_BOS`]).
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, WorkloadError> {
        self.encode_with(text, true)
    }

    /// Encodes `text` without any special token (to splice into a prompt).
    pub fn encode_plain(&self, text: &str) -> Result<Vec<u32>, WorkloadError> {
        self.encode_with(text, false)
    }

    fn encode_with(&self, text: &str, special: bool) -> Result<Vec<u32>, WorkloadError> {
        match self {
            Self::Bytes => {
                let bos = special.then_some(BYTE_BOS);
                Ok(bos.into_iter().chain(text.bytes().map(u32::from)).collect())
            }
            Self::HuggingFace(t) => t
                .encode(text, special)
                .map(|e| e.get_ids().to_vec())
                .map_err(|e| bad_request("tokenizer", format!("cannot encode: {e}"))),
        }
    }

    /// Decodes ids to text, leaving out special tokens; invalid UTF-8 is
    /// replaced by U+FFFD.
    pub fn decode(&self, ids: &[u32]) -> Result<String, WorkloadError> {
        match self {
            Self::Bytes => {
                let bytes: Vec<u8> = ids.iter().filter_map(|&id| u8::try_from(id).ok()).collect();
                Ok(String::from_utf8_lossy(&bytes).into_owned())
            }
            Self::HuggingFace(t) => {
                t.decode(ids, true).map_err(|e| bad_request("tokenizer", format!("cannot decode: {e}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llm_byte_tokenizer_round_trips_text() {
        let t = Tokenizer::bytes();
        let text = "Dispatch 450 MW at bus 14; Δf = −0.2 Hz, ✓ N-1 secure.";
        let ids = t.encode(text).unwrap();
        assert_eq!(ids[0], BYTE_BOS);
        assert_eq!(ids.len(), text.len() + 1);
        assert!(ids.iter().all(|&id| (id as usize) < t.vocab_size()));
        assert_eq!(t.decode(&ids).unwrap(), text);
        assert_eq!(t.encode_plain(text).unwrap(), ids[1..]);
        // Special tokens are skipped when decoding.
        let mut with_eos = ids.clone();
        with_eos.push(BYTE_EOS);
        assert_eq!(t.decode(&with_eos).unwrap(), text);
    }

    /// A WordLevel tokenizer with whitespace pre-tokenisation and a
    /// template that prepends `<s>`, written as a `tokenizer.json`.
    const WORD_LEVEL_JSON: &str = r###"{
      "version": "1.0",
      "truncation": null,
      "padding": null,
      "added_tokens": [
        {"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
        {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
      ],
      "normalizer": null,
      "pre_tokenizer": {"type": "Whitespace"},
      "post_processor": {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}
      },
      "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
      "model": {
        "type": "WordLevel",
        "vocab": {"<unk>": 0, "<s>": 1, "the": 2, "transformer": 3, "trips": 4, "on": 5, "overload": 6},
        "unk_token": "<unk>"
      }
    }"###;

    #[test]
    fn llm_tokenizer_json_is_read_and_applied() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tokenizer.json"), WORD_LEVEL_JSON).unwrap();
        let t = Tokenizer::for_checkpoint(dir.path()).unwrap();
        assert_eq!(t.kind(), "tokenizer.json");
        assert_eq!(t.vocab_size(), 7);
        assert_eq!(t.encode("the transformer trips on overload").unwrap(), vec![1, 2, 3, 4, 5, 6]);
        assert_eq!(t.encode_plain("the transformer trips").unwrap(), vec![2, 3, 4]);
        assert_eq!(t.encode_plain("the breaker").unwrap(), vec![2, 0]);
        assert_eq!(t.decode(&[1, 2, 3, 4]).unwrap(), "the transformer trips");
    }

    #[test]
    fn llm_tokenizer_falls_back_to_bytes_and_reports_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Tokenizer::for_checkpoint(dir.path()).unwrap().kind(), "bytes");
        let bad = dir.path().join("tokenizer.json");
        std::fs::write(&bad, "{ not json").unwrap();
        let err = Tokenizer::for_checkpoint(dir.path()).unwrap_err().to_string();
        assert!(err.contains("tokenizer.json") && err.contains("cannot read the tokenizer"), "{err}");
    }
}
