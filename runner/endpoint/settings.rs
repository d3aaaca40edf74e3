//! How an endpoint was called, as a result records it.

use serde::{Deserialize, Serialize};

use super::slo::Slo;

/// How the endpoint was called.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EndpointSettings {
    /// `openai`.
    pub engine: String,
    /// The API's root: scheme, host, port and path (no credentials, no query).
    pub base_url: String,
    /// The model name sent.
    pub model: String,
    /// The route called below `base_url`.
    pub api: String,
    /// The environment variable the API key was read from (the key is never recorded).
    pub api_key_env: Option<String>,
    /// Per-request timeout, seconds.
    pub timeout_s: f64,
    /// How answers were held to the requested length (`none`, `ignore-eos`, `min-tokens`, `both`).
    pub force_length: String,
    /// The largest fraction of failed requests of a VALID run.
    pub max_failed_frac: f64,
    /// Server scenario: the most requests in flight at once.
    pub max_in_flight: usize,
    /// The service-level objectives, if the suite set them.
    #[serde(default)]
    pub slo: Option<Slo>,
    /// The serving GPUs metered (`cuda:N`); empty: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meter: Vec<String>,
    /// The remote meter read (scheme, host and port), when the GPUs are on another node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meter_url: Option<String>,
}
