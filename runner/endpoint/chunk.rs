//! One event of an OpenAI-compatible streaming answer: the `[DONE]` marker,
//! or a JSON chunk carrying generated text (`choices[0].delta.content` for
//! chat, `choices[0].text` for completions), a finish reason, the `usage`
//! totals (asked for with `stream_options.include_usage`), or an error.

use std::borrow::Cow;

use serde::Deserialize;

/// What one event says.
#[derive(Debug, PartialEq)]
pub enum StreamEvent<'a> {
    /// The `[DONE]` marker that ends the stream.
    Done,
    /// A chunk.
    Chunk(ChunkFacts<'a>),
    /// The server reported an error inside the stream.
    Error(String),
}

/// The facts of one chunk that the client keeps.
#[derive(Debug, Default, PartialEq)]
pub struct ChunkFacts<'a> {
    /// Generated text in this chunk (empty for role-only or usage-only chunks).
    pub text: Cow<'a, str>,
    /// Why generation stopped, on the last content chunk.
    pub finish_reason: Option<Cow<'a, str>>,
    /// `(prompt_tokens, completion_tokens)` from `usage`, when present.
    pub usage: Option<(u64, u64)>,
}

#[derive(Deserialize)]
struct RawChunk<'a> {
    #[serde(default, borrow)]
    choices: Vec<RawChoice<'a>>,
    #[serde(default)]
    usage: Option<RawUsage>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawChoice<'a> {
    #[serde(default, borrow)]
    delta: Option<RawDelta<'a>>,
    #[serde(default, borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawDelta<'a> {
    #[serde(default, borrow)]
    content: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    reasoning_content: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawUsage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
}

/// The error's message, bounded, from an `error` value (object or string).
fn error_message(e: &serde_json::Value) -> String {
    let msg = match e {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(o) => match o.get("message") {
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => e.to_string(),
        },
        other => other.to_string(),
    };
    msg.chars().take(200).collect()
}

/// Parses the data of one event; `Err` when it is neither `[DONE]` nor a JSON chunk.
pub fn parse_event(data: &str) -> Result<StreamEvent<'_>, String> {
    let trimmed = data.trim();
    if trimmed == "[DONE]" {
        return Ok(StreamEvent::Done);
    }
    let raw: RawChunk<'_> = serde_json::from_str(trimmed).map_err(|e| {
        let head: String = trimmed.chars().take(60).collect();
        format!("not a JSON chunk ({e}): {head:?}")
    })?;
    if let Some(e) = &raw.error {
        return Ok(StreamEvent::Error(error_message(e)));
    }
    let mut facts = ChunkFacts {
        usage: raw.usage.and_then(|u| Some((u.prompt_tokens.unwrap_or(0), u.completion_tokens?))),
        ..ChunkFacts::default()
    };
    if let Some(choice) = raw.choices.into_iter().next() {
        facts.finish_reason = choice.finish_reason;
        let text = match choice.delta {
            Some(d) => d.content.filter(|c| !c.is_empty()).or(d.reasoning_content),
            None => choice.text,
        };
        facts.text = text.unwrap_or(Cow::Borrowed(""));
    }
    Ok(StreamEvent::Chunk(facts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_and_completion_chunks_give_their_text() {
        let chat = r#"{"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Grid"},"finish_reason":null}]}"#;
        let StreamEvent::Chunk(c) = parse_event(chat).unwrap() else { panic!() };
        assert_eq!((c.text.as_ref(), c.finish_reason, c.usage), ("Grid", None, None));
        let comp = r#"{"choices":[{"index":0,"text":" load\n","finish_reason":"length"}]}"#;
        let StreamEvent::Chunk(c) = parse_event(comp).unwrap() else { panic!() };
        assert_eq!((c.text.as_ref(), c.finish_reason.as_deref()), (" load\n", Some("length")));
    }

    #[test]
    fn usage_done_and_errors() {
        let usage = r#"{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":30,"total_tokens":42}}"#;
        let StreamEvent::Chunk(c) = parse_event(usage).unwrap() else { panic!() };
        assert_eq!((c.text.as_ref(), c.usage), ("", Some((12, 30))));
        assert_eq!(parse_event(" [DONE] ").unwrap(), StreamEvent::Done);
        let err = r#"{"error":{"message":"overloaded","type":"server_error"}}"#;
        assert_eq!(parse_event(err).unwrap(), StreamEvent::Error("overloaded".into()));
        assert!(parse_event("{\"choices\": [").unwrap_err().contains("not a JSON chunk"));
        assert!(parse_event("hello").is_err());
        // A null usage (sent on every chunk by some servers) is no usage.
        let StreamEvent::Chunk(c) = parse_event(r#"{"choices":[{"delta":{}}],"usage":null}"#).unwrap() else {
            panic!()
        };
        assert_eq!(c.usage, None);
    }
}
