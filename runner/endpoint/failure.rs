//! Why a request to an endpoint did not produce a complete answer, by kind:
//! the names counted in a result's `endpoint.failures`.

use std::fmt;

/// The kind of a failed request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailureKind {
    /// Nothing listens at the address.
    ConnectionRefused,
    /// The host name does not resolve.
    Dns,
    /// Any other failure to connect (TLS, unreachable network).
    Connect,
    /// No complete answer within the request timeout (a stalled server).
    Timeout,
    /// HTTP 401: the API key is missing or wrong.
    Unauthorized,
    /// HTTP 403: the key may not use this model.
    Forbidden,
    /// HTTP 404: no such model or path.
    NotFound,
    /// HTTP 429: rate-limited.
    RateLimited,
    /// HTTP 5xx.
    ServerError,
    /// Any other HTTP status that is not success.
    HttpStatus,
    /// The body ended (or broke) before the stream's end.
    StreamCut,
    /// The body is not well-formed server-sent events of JSON chunks.
    MalformedSse,
    /// The server sent an error inside the stream.
    ErrorEvent,
    /// The stream ended properly but held no generated text.
    EmptyAnswer,
}

impl FailureKind {
    /// The stable name used in results.
    pub fn name(self) -> &'static str {
        match self {
            Self::ConnectionRefused => "connection_refused",
            Self::Dns => "dns",
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Unauthorized => "http_401",
            Self::Forbidden => "http_403",
            Self::NotFound => "http_404",
            Self::RateLimited => "http_429",
            Self::ServerError => "http_5xx",
            Self::HttpStatus => "http_other",
            Self::StreamCut => "stream_cut",
            Self::MalformedSse => "malformed_sse",
            Self::ErrorEvent => "error_event",
            Self::EmptyAnswer => "empty_answer",
        }
    }

    /// Every kind, in the order of the enum.
    pub const ALL: [FailureKind; 14] = [
        Self::ConnectionRefused,
        Self::Dns,
        Self::Connect,
        Self::Timeout,
        Self::Unauthorized,
        Self::Forbidden,
        Self::NotFound,
        Self::RateLimited,
        Self::ServerError,
        Self::HttpStatus,
        Self::StreamCut,
        Self::MalformedSse,
        Self::ErrorEvent,
        Self::EmptyAnswer,
    ];

    /// The kind with this result name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The kind of a non-success HTTP status.
    pub fn from_status(status: u16) -> Self {
        match status {
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            429 => Self::RateLimited,
            500..=599 => Self::ServerError,
            _ => Self::HttpStatus,
        }
    }

    /// What to do about failures of this kind.
    pub fn fix(self) -> &'static str {
        match self {
            Self::ConnectionRefused => "start the server, or correct base_url's port",
            Self::Dns => "correct base_url's host name",
            Self::Connect => "check base_url, the network and the server's TLS certificate",
            Self::Timeout => "raise timeout_s, lower the load, or check that the server is not stalled",
            Self::Unauthorized => "set the API key in the environment variable named by api_key_env",
            Self::Forbidden => "use a key that may call this model",
            Self::NotFound => "check `model` against the server's /v1/models, and base_url's path (it ends in /v1)",
            Self::RateLimited => "lower the load (target_qps or concurrency) or raise the server's rate limit",
            Self::ServerError => "read the server's log: it failed to serve the request",
            Self::HttpStatus => "read the status and message in failure_examples",
            Self::StreamCut => "read the server's log: it closed the stream before the answer's end",
            Self::MalformedSse => "the server does not speak OpenAI's streaming format: check `api`",
            Self::ErrorEvent => "read the message in failure_examples",
            Self::EmptyAnswer => "set force_length so that the server generates the requested tokens",
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A failed request: its kind and a bounded message (never the API key).
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The kind, as counted.
    pub kind: FailureKind,
    /// What happened, in at most 200 characters.
    pub message: String,
}

impl Failure {
    /// A failure with its message cut to 200 characters.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        let message: String = message.into();
        Self { kind, message: message.chars().take(200).collect() }
    }
}

/// The kind of a transport error from its chain of sources.
pub fn classify_transport(e: &(dyn std::error::Error + 'static), is_connect: bool, is_timeout: bool) -> FailureKind {
    let mut chain = Some(e);
    let mut text = String::new();
    while let Some(err) = chain {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return FailureKind::ConnectionRefused,
                std::io::ErrorKind::TimedOut => return FailureKind::Timeout,
                _ => {}
            }
        }
        text.push_str(&err.to_string().to_lowercase());
        text.push(' ');
        chain = err.source();
    }
    if text.contains("dns error") || text.contains("failed to lookup address") || text.contains("name or service") {
        FailureKind::Dns
    } else if text.contains("connection refused") {
        FailureKind::ConnectionRefused
    } else if is_timeout {
        FailureKind::Timeout
    } else if is_connect {
        FailureKind::Connect
    } else {
        FailureKind::StreamCut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_io_errors_get_their_kind() {
        let kinds: Vec<_> = [401, 403, 404, 429, 500, 503, 400].map(FailureKind::from_status).to_vec();
        assert_eq!(
            kinds.iter().map(|k| k.name()).collect::<Vec<_>>(),
            ["http_401", "http_403", "http_404", "http_429", "http_5xx", "http_5xx", "http_other"]
        );
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "nope");
        assert_eq!(classify_transport(&refused, true, false), FailureKind::ConnectionRefused);
        let dns = std::io::Error::other("dns error: failed to lookup address information");
        assert_eq!(classify_transport(&dns, true, false), FailureKind::Dns);
        let other = std::io::Error::other("tls handshake");
        assert_eq!(classify_transport(&other, true, false), FailureKind::Connect);
        assert_eq!(Failure::new(FailureKind::Timeout, "x".repeat(500)).message.len(), 200);
    }
}
