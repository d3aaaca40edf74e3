//! One streaming request to an OpenAI-compatible endpoint, timed on the
//! client: the arrival of every chunk of generated text is taken with
//! `Instant::now()` as the body's bytes come in. Every way a request can
//! end is a [`RequestRecord`]: a complete answer, or a [`Failure`] with its
//! kind. The whole request is bounded by the timeout, so a stalled server
//! ends as `timeout`, never as a hang.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use wattbench_workloads::llm::Tokenizer;

use super::chunk::{parse_event, StreamEvent};
use super::failure::{classify_transport, Failure, FailureKind};
use super::params::{Api, EndpointParams, ForceLength};
use super::source::TextRequest;
use super::sse::SseParser;

/// The longest event-stream line accepted.
const MAX_LINE: usize = 1 << 20;
/// The most bytes of an error response kept for its message.
const MAX_ERROR_BODY: usize = 4096;

/// Where a request's token counts came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenSource {
    /// The server's `usage` totals.
    Usage,
    /// The suite's named tokenizer, over the answer's text.
    Tokenizer,
    /// One token per chunk of text (the server sent no usage and no tokenizer was named).
    Chunks,
}

impl TokenSource {
    /// The name used in results.
    pub fn name(self) -> &'static str {
        match self {
            Self::Usage => "usage",
            Self::Tokenizer => "tokenizer",
            Self::Chunks => "chunks",
        }
    }
}

/// A request encoded once, before timing.
#[derive(Clone, Debug)]
pub struct PreparedRequest {
    /// The JSON body.
    pub body: Bytes,
    /// `max_tokens` asked for.
    pub max_tokens: usize,
    /// Prompt length in the source's tokens.
    pub prompt_tokens: usize,
}

/// How one request ended, with its client-side timings.
#[derive(Clone, Debug)]
pub struct RequestRecord {
    /// When it was due: its scheduled arrival (server), or when its slot freed (offline).
    pub scheduled: Instant,
    /// When it was handed to the HTTP client.
    pub sent: Instant,
    /// When the first chunk of text arrived.
    pub first_token: Option<Instant>,
    /// When the request ended (answer complete, or failure).
    pub ended: Instant,
    /// Interval between successive chunks of text, nanoseconds.
    pub itl_ns: Vec<u64>,
    /// Chunks of text received.
    pub chunks: u64,
    /// Tokens generated (by `token_source`).
    pub output_tokens: u64,
    /// Prompt tokens (the server's `usage`, else the source's own count).
    pub prompt_tokens: u64,
    /// Where the counts came from.
    pub token_source: TokenSource,
    /// `max_tokens` asked for.
    pub max_tokens: u64,
    /// Why it failed; `None` for a complete answer.
    pub failure: Option<Failure>,
    /// The answer's text, from a client that keeps answers (an accuracy pass); otherwise `None`.
    pub answer: Option<String>,
}

/// A streaming client of one endpoint.
pub struct EndpointClient {
    http: reqwest::Client,
    /// A client that keeps no connection: a resend always opens a new one.
    fresh: reqwest::Client,
    url: reqwest::Url,
    headers: HeaderMap,
    timeout: Duration,
    tokenizer: Option<Arc<Tokenizer>>,
    secret: Option<String>,
    keep_answers: bool,
}

/// The JSON body of one request.
pub fn request_body(p: &EndpointParams, r: &TextRequest) -> Bytes {
    let mut body = serde_json::json!({
        "model": p.model,
        "max_tokens": r.max_tokens,
        "stream": true,
        "stream_options": { "include_usage": true },
        "temperature": 0.0,
    });
    match p.api {
        Api::Chat => body["messages"] = serde_json::json!([{ "role": "user", "content": r.prompt }]),
        Api::Completions => body["prompt"] = serde_json::Value::String(r.prompt.clone()),
    }
    if matches!(p.force_length, ForceLength::IgnoreEos | ForceLength::Both) {
        body["ignore_eos"] = serde_json::Value::Bool(true);
    }
    if matches!(p.force_length, ForceLength::MinTokens | ForceLength::Both) {
        body["min_tokens"] = serde_json::json!(r.max_tokens);
    }
    Bytes::from(body.to_string())
}

impl EndpointClient {
    /// A client for `p`, with the API key read from the environment
    /// variable it names (an error when that variable is not set).
    pub fn new(p: &EndpointParams, tokenizer: Option<Arc<Tokenizer>>) -> Result<Self, String> {
        let url = p.url().map_err(|e| e.to_string())?;
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
        let mut secret = None;
        if let Some(var) = &p.api_key_env {
            let key = std::env::var(var)
                .map_err(|_| format!("api_key_env names `{var}`, which is not set in the environment"))?;
            let mut value = HeaderValue::from_str(&format!("Bearer {key}"))
                .map_err(|_| format!("the API key in `{var}` is not a valid header value"))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
            secret = Some(key).filter(|k| !k.is_empty());
        }
        let timeout = Duration::from_secs_f64(p.timeout_s);
        let build = |idle: usize| {
            reqwest::Client::builder()
                .connect_timeout(timeout)
                .pool_max_idle_per_host(idle)
                .tcp_nodelay(true)
                .build()
                .map_err(|e| format!("cannot build the HTTP client: {e}"))
        };
        let (http, fresh) = (build(usize::MAX)?, build(0)?);
        Ok(Self { http, fresh, url, headers, timeout, tokenizer, secret, keep_answers: false })
    }

    /// The same client, keeping every answer's text in its record (for
    /// scoring answers; the timed windows keep none).
    pub fn keeping_answers(mut self) -> Self {
        self.keep_answers = true;
        self
    }

    /// Removes the API key from a message that might echo it.
    fn redact(&self, message: String) -> String {
        match &self.secret {
            Some(k) => message.replace(k.as_str(), "[key]"),
            None => message,
        }
    }

    /// Sends `req`, due at `scheduled`, and reads its stream to the end.
    pub async fn stream(&self, req: &PreparedRequest, scheduled: Instant) -> RequestRecord {
        let sent = Instant::now();
        let mut rec = RequestRecord {
            scheduled,
            sent,
            first_token: None,
            ended: sent,
            itl_ns: Vec::with_capacity(req.max_tokens),
            chunks: 0,
            output_tokens: 0,
            prompt_tokens: req.prompt_tokens as u64,
            token_source: TokenSource::Chunks,
            max_tokens: req.max_tokens as u64,
            failure: None,
            answer: None,
        };
        let outcome = tokio::time::timeout(self.timeout, self.read(req, &mut rec)).await;
        rec.ended = Instant::now();
        let failure = match outcome {
            Ok(Ok(())) => None,
            Ok(Err(f)) => Some(f),
            Err(_) => Some(Failure::new(
                FailureKind::Timeout,
                format!(
                    "no complete answer after {:.1} s ({} chunks received)",
                    self.timeout.as_secs_f64(),
                    rec.chunks
                ),
            )),
        };
        rec.failure = failure.map(|f| Failure { message: self.redact(f.message), ..f });
        rec
    }

    async fn read(&self, req: &PreparedRequest, rec: &mut RequestRecord) -> Result<(), Failure> {
        let transport = |e: reqwest::Error| {
            let kind = classify_transport(&e, e.is_connect(), e.is_timeout());
            Failure::new(kind, error_chain(&e))
        };
        let send = |http: &reqwest::Client| {
            http.post(self.url.clone()).headers(self.headers.clone()).body(req.body.clone()).send()
        };
        // A kept-alive connection that the server closed without saying so
        // (llama.cpp's server does so after every streamed answer while
        // announcing keep-alive) fails the next request before any byte of
        // answer: the server closed instead of answering, so it is sent once
        // more, on a new connection. Its time still counts from the scheduled
        // time.
        let mut resp = match send(&self.http).await {
            Err(e) if closed_before_any_answer(&e) => send(&self.fresh).await.map_err(transport)?,
            other => other.map_err(transport)?,
        };
        let status = resp.status();
        if !status.is_success() {
            let mut body = Vec::new();
            while let Ok(Some(c)) = resp.chunk().await {
                body.extend_from_slice(&c[..c.len().min(MAX_ERROR_BODY - body.len())]);
                if body.len() >= MAX_ERROR_BODY {
                    break;
                }
            }
            let text = String::from_utf8_lossy(&body);
            let text = parse_event(&text).ok().and_then(|e| match e {
                StreamEvent::Error(m) => Some(m),
                _ => None,
            });
            let message = format!(
                "HTTP {}: {}",
                status.as_u16(),
                text.unwrap_or_else(|| String::from_utf8_lossy(&body).trim().to_string())
            );
            return Err(Failure::new(FailureKind::from_status(status.as_u16()), message));
        }
        let mut parser = SseParser::new(MAX_LINE);
        let mut state = StreamState::default();
        let keep_text = self.tokenizer.is_some() || self.keep_answers;
        let mut last_text: Option<Instant> = None;
        loop {
            let chunk = match resp.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    let kind = classify_transport(&e, false, e.is_timeout());
                    let kind = if kind == FailureKind::Timeout { kind } else { FailureKind::StreamCut };
                    return Err(Failure::new(kind, format!("after {} chunks: {}", rec.chunks, error_chain(&e))));
                }
            };
            let now = Instant::now();
            let mut bad: Option<String> = None;
            parser
                .feed(&chunk, &mut |data| {
                    if bad.is_some() || state.done {
                        return;
                    }
                    match parse_event(data) {
                        Ok(StreamEvent::Done) => state.done = true,
                        Ok(StreamEvent::Error(m)) => state.error = Some(m),
                        Ok(StreamEvent::Chunk(c)) => {
                            if !c.text.is_empty() {
                                rec.chunks += 1;
                                match last_text {
                                    None => rec.first_token = Some(now),
                                    Some(t) => rec.itl_ns.push(now.duration_since(t).as_nanos() as u64),
                                }
                                last_text = Some(now);
                                if keep_text {
                                    state.text.push_str(&c.text);
                                }
                            }
                            if c.finish_reason.is_some() {
                                state.finished = true;
                            }
                            if c.usage.is_some() {
                                state.usage = c.usage;
                            }
                        }
                        Err(why) => bad = Some(why),
                    }
                })
                .map_err(|e| Failure::new(FailureKind::MalformedSse, e.to_string()))?;
            if let Some(why) = bad {
                return Err(Failure::new(FailureKind::MalformedSse, why));
            }
            if let Some(m) = state.error.take() {
                return Err(Failure::new(FailureKind::ErrorEvent, m));
            }
            if state.done {
                break;
            }
        }
        if !state.done && (parser.has_partial() || !state.finished) {
            return Err(Failure::new(
                FailureKind::StreamCut,
                format!("the stream ended without [DONE] or a finish reason, after {} chunks", rec.chunks),
            ));
        }
        if rec.chunks == 0 {
            return Err(Failure::new(FailureKind::EmptyAnswer, "the answer held no text"));
        }
        self.count_tokens(rec, &state);
        if self.keep_answers {
            rec.answer = Some(state.text);
        }
        Ok(())
    }

    fn count_tokens(&self, rec: &mut RequestRecord, state: &StreamState) {
        if let Some((prompt, completion)) = state.usage {
            rec.token_source = TokenSource::Usage;
            rec.output_tokens = completion;
            if prompt > 0 {
                rec.prompt_tokens = prompt;
            }
        } else if let Some(Ok(ids)) = self.tokenizer.as_ref().map(|t| t.encode_plain(&state.text)) {
            rec.token_source = TokenSource::Tokenizer;
            rec.output_tokens = ids.len() as u64;
        } else {
            rec.token_source = TokenSource::Chunks;
            rec.output_tokens = rec.chunks;
        }
    }
}

/// What the stream has said so far.
#[derive(Default)]
struct StreamState {
    done: bool,
    finished: bool,
    usage: Option<(u64, u64)>,
    error: Option<String>,
    text: String,
}

/// Whether sending failed because the connection closed before any byte of
/// the answer came (not a refused or timed-out connection).
fn closed_before_any_answer(e: &reqwest::Error) -> bool {
    !e.is_connect() && !e.is_timeout() && error_chain(e).contains("connection closed before message completed")
}

/// An error and its sources on one line.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        let s_text = s.to_string();
        if !out.contains(&s_text) {
            out.push_str(": ");
            out.push_str(&s_text);
        }
        next = s.source();
    }
    out
}
