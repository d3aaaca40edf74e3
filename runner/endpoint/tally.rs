//! From the requests of one window to the harness's outcome (request
//! latency from each scheduled time), the token tally (TTFT from the
//! scheduled time, inter-token latency) and the endpoint's own tally
//! (failures by kind, TPOT, where token counts came from, lengths).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use wattbench_workloads::GenerationTally;

use super::client::{RequestRecord, TokenSource};
use super::failure::FailureKind;
use crate::harness::{HarnessError, Scenario, ScenarioOutcome};

/// One completed request's service-level figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RequestFigures {
    /// Time to first token from the scheduled time, nanoseconds.
    pub ttft_ns: u64,
    /// Time per output token after the first, nanoseconds (`None` with one token).
    pub tpot_ns: Option<u64>,
    /// From the scheduled time to the answer's end, nanoseconds.
    pub latency_ns: u64,
    /// Tokens generated.
    pub output_tokens: u64,
}

/// The endpoint's figures of one or more windows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EndpointTally {
    /// Requests that ended (complete or failed).
    pub sent: u64,
    /// Failed requests by kind.
    pub failures: BTreeMap<FailureKind, u64>,
    /// The first message of each kind of failure.
    pub failure_examples: BTreeMap<FailureKind, String>,
    /// Completed requests by the source of their token counts.
    pub token_sources: BTreeMap<TokenSource, u64>,
    /// Every completed request.
    pub completed: Vec<RequestFigures>,
    /// `max_tokens` asked for, summed over completed requests.
    pub output_tokens_requested: u64,
    /// Completed requests whose answer was shorter than `max_tokens`.
    pub answers_short: u64,
    /// Whether a closed loop stopped issuing early because most requests failed.
    pub abandoned: bool,
}

impl EndpointTally {
    /// Requests that failed.
    pub fn failed(&self) -> u64 {
        self.failures.values().sum()
    }

    /// Adds another window's tally.
    pub fn merge(&mut self, other: &EndpointTally) {
        self.sent += other.sent;
        for (k, v) in &other.failures {
            *self.failures.entry(*k).or_default() += v;
        }
        for (k, v) in &other.failure_examples {
            self.failure_examples.entry(*k).or_insert_with(|| v.clone());
        }
        for (k, v) in &other.token_sources {
            *self.token_sources.entry(*k).or_default() += v;
        }
        self.completed.extend_from_slice(&other.completed);
        self.output_tokens_requested += other.output_tokens_requested;
        self.answers_short += other.answers_short;
        self.abandoned |= other.abandoned;
    }
}

fn ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Everything one window of requests measured.
pub struct WindowTally {
    /// For the harness, verdict and energy: completed requests are the queries.
    pub outcome: ScenarioOutcome,
    /// Token timings.
    pub generation: GenerationTally,
    /// Endpoint figures.
    pub endpoint: EndpointTally,
}

/// Tallies the requests of a window opened at `opened`.
pub fn tally_window(
    scenario: Scenario,
    concurrency: usize,
    opened: Instant,
    records: &[RequestRecord],
    lateness_ns: &[u64],
    warmup: (u64, Duration),
) -> Result<WindowTally, HarnessError> {
    let hist = || {
        hdrhistogram::Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3)
            .map_err(|e| HarnessError::BadSettings(format!("latency histogram: {e}")))
    };
    let mut latency = hist()?;
    let mut gen = GenerationTally::default();
    let mut ep = EndpointTally { sent: records.len() as u64, ..Default::default() };
    let mut last_end = opened;
    for r in records {
        last_end = last_end.max(r.ended);
        if let Some(f) = &r.failure {
            *ep.failures.entry(f.kind).or_default() += 1;
            ep.failure_examples.entry(f.kind).or_insert_with(|| f.message.clone());
            continue;
        }
        let Some(first) = r.first_token else { continue };
        let latency_ns = ns(r.ended.saturating_duration_since(r.scheduled));
        latency.saturating_record(latency_ns.max(1));
        let ttft_ns = ns(first.saturating_duration_since(r.scheduled));
        gen.ttft_ns.push(ttft_ns);
        gen.itl_ns.extend_from_slice(&r.itl_ns);
        gen.prompt_tokens += r.prompt_tokens;
        gen.output_tokens += r.output_tokens;
        gen.prefill_ns += ns(first.saturating_duration_since(r.sent));
        let decode = ns(r.ended.saturating_duration_since(first));
        gen.decode_ns += decode;
        let tpot_ns = (r.output_tokens > 1).then(|| decode / (r.output_tokens - 1));
        ep.completed.push(RequestFigures { ttft_ns, tpot_ns, latency_ns, output_tokens: r.output_tokens });
        *ep.token_sources.entry(r.token_source).or_default() += 1;
        ep.output_tokens_requested += r.max_tokens;
        ep.answers_short += u64::from(r.output_tokens < r.max_tokens);
    }
    let lateness = if scenario == Scenario::Server {
        let mut h = hist()?;
        lateness_ns.iter().for_each(|&l| h.saturating_record(l.max(1)));
        Some(h)
    } else {
        None
    };
    let completed = ep.completed.len() as u64;
    Ok(WindowTally {
        outcome: ScenarioOutcome {
            scenario,
            batch_size: concurrency,
            queries: completed,
            samples: completed,
            window: last_end.saturating_duration_since(opened),
            latency_ns: latency,
            warmup_queries: warmup.0,
            warmup: warmup.1,
            scheduler_lateness_ns: lateness,
        },
        generation: gen,
        endpoint: ep,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::failure::Failure;

    fn record(at: Instant, ms: &[u64], tokens: u64, failure: Option<FailureKind>) -> RequestRecord {
        let t = |m: u64| at + Duration::from_millis(m);
        RequestRecord {
            scheduled: at,
            sent: t(ms[0]),
            first_token: Some(t(ms[1])),
            ended: t(*ms.last().unwrap()),
            itl_ns: ms[1..].windows(2).map(|w| (w[1] - w[0]) * 1_000_000).collect(),
            chunks: ms.len() as u64 - 1,
            output_tokens: tokens,
            prompt_tokens: 10,
            token_source: TokenSource::Usage,
            max_tokens: 4,
            failure: failure.map(|k| Failure::new(k, "boom")),
            answer: None,
        }
    }

    #[test]
    fn ttft_and_latency_count_from_the_scheduled_time() {
        let opened = Instant::now();
        // Sent 5 ms late (queued), first token at 20 ms, then 3 more at 30, 40, 50 ms.
        let ok = record(opened, &[5, 20, 30, 40, 50], 4, None);
        let bad = record(opened, &[0, 1, 60], 0, Some(FailureKind::StreamCut));
        let w = tally_window(Scenario::Server, 1, opened, &[ok, bad], &[5_000_000, 1], (3, Duration::ZERO)).unwrap();
        assert_eq!(
            (w.outcome.queries, w.outcome.window, w.endpoint.sent, w.endpoint.failed()),
            (1, Duration::from_millis(60), 2, 1)
        );
        assert_eq!(w.generation.ttft_ns, [20_000_000]);
        assert_eq!(w.generation.itl_ns, [10_000_000; 3]);
        assert_eq!(
            w.endpoint.completed[0],
            RequestFigures { ttft_ns: 20_000_000, tpot_ns: Some(10_000_000), latency_ns: 50_000_000, output_tokens: 4 }
        );
        assert_eq!(w.generation.prefill_ns, 15_000_000);
        assert_eq!(w.endpoint.failures[&FailureKind::StreamCut], 1);
        assert_eq!(w.outcome.scheduler_lateness_ns.unwrap().len(), 2);
        assert_eq!((w.endpoint.output_tokens_requested, w.endpoint.answers_short), (4, 0));
    }
}
