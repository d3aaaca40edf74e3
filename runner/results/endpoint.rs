//! The `endpoint` section of a result: how the endpoint was called (never
//! the API key, only the name of its environment variable), what came back
//! (failures by kind with one example message each, where token counts came
//! from, the lengths asked for and returned) and time per output token.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

pub use crate::endpoint::EndpointSettings;
use crate::endpoint::{slo, EndpointTally, SloRecord};
use crate::stats::LatencySummary;
use crate::validity::FailureEvidence;

/// What the endpoint did over every trial's window.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EndpointRecord {
    /// How it was called.
    pub settings: EndpointSettings,
    /// Requests that ended inside the windows (complete or failed).
    pub requests_sent: u64,
    /// Requests answered completely.
    pub requests_completed: u64,
    /// Requests that failed.
    pub requests_failed: u64,
    /// `requests_failed / requests_sent`.
    pub failed_frac: f64,
    /// Failed requests by kind (`connection_refused`, `dns`, `timeout`, `http_401`, ...).
    pub failures: BTreeMap<String, u64>,
    /// The first message of each kind of failure.
    pub failure_examples: BTreeMap<String, String>,
    /// Completed requests by where their token counts came from (`usage`, `tokenizer`, `chunks`).
    pub token_counts_from: BTreeMap<String, u64>,
    /// Time per output token after the first, per request: (end - first token) / (tokens - 1).
    pub tpot_ns: Option<LatencySummary>,
    /// `max_tokens` asked for, summed over completed requests.
    pub output_tokens_requested: u64,
    /// Tokens returned, summed over completed requests.
    pub output_tokens_returned: u64,
    /// Completed requests whose answer was shorter than asked.
    pub answers_shorter_than_requested: u64,
    /// Median over completed requests of the tokens per second one user sees after the first token (1 / TPOT).
    pub output_tokens_per_s_per_user: Option<f64>,
    /// The objectives against what was achieved, and goodput (absent without objectives).
    #[serde(default)]
    pub slo: Option<SloRecord>,
    /// Whether issuing stopped early because most requests failed.
    pub abandoned_early: bool,
    /// How the figures were timed.
    pub timing: String,
}

/// How the client times an endpoint.
pub const ENDPOINT_TIMING: &str = "client-side: the arrival of every chunk of text is timed as the body's bytes \
     arrive; request latency and TTFT count from each request's scheduled time (server) or from when its slot \
     freed (offline, single-stream), so queueing shows; ITL is the interval between chunks of text";

impl EndpointRecord {
    /// Builds the section from the merged tally of every trial, whose windows lasted `window_s` in all.
    pub fn build(settings: EndpointSettings, t: &EndpointTally, window_s: f64) -> Result<EndpointRecord, String> {
        let tpots: Vec<u64> = t.completed.iter().filter_map(|r| r.tpot_ns).collect();
        let tpot_ns = if tpots.is_empty() {
            None
        } else {
            let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).map_err(|e| e.to_string())?;
            tpots.iter().for_each(|&v| h.saturating_record(v.max(1)));
            Some(LatencySummary::from_histogram(&h)?)
        };
        let failed = t.failed();
        let mut per_user: Vec<f64> = tpots.iter().map(|&ns| 1e9 / ns.max(1) as f64).collect();
        per_user.sort_by(f64::total_cmp);
        let slo = settings.slo.as_ref().map(|s| slo::evaluate(s, t, window_s));
        Ok(EndpointRecord {
            settings,
            requests_sent: t.sent,
            requests_completed: t.completed.len() as u64,
            requests_failed: failed,
            failed_frac: if t.sent > 0 { failed as f64 / t.sent as f64 } else { 0.0 },
            failures: t.failures.iter().map(|(k, v)| (k.name().to_string(), *v)).collect(),
            failure_examples: t.failure_examples.iter().map(|(k, v)| (k.name().to_string(), v.clone())).collect(),
            token_counts_from: t.token_sources.iter().map(|(k, v)| (k.name().to_string(), *v)).collect(),
            tpot_ns,
            output_tokens_requested: t.output_tokens_requested,
            output_tokens_returned: t.completed.iter().map(|r| r.output_tokens).sum(),
            answers_shorter_than_requested: t.answers_short,
            output_tokens_per_s_per_user: per_user.get(per_user.len() / 2).copied(),
            slo,
            abandoned_early: t.abandoned,
            timing: ENDPOINT_TIMING.into(),
        })
    }
}

impl EndpointRecord {
    /// The failure evidence this record gives the validity rules.
    pub fn failure_evidence(&self) -> FailureEvidence {
        FailureEvidence {
            failed: self.requests_failed,
            sent: self.requests_sent,
            max_frac: self.settings.max_failed_frac,
            by_kind: self.failures.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            abandoned: self.abandoned_early,
        }
    }
}
