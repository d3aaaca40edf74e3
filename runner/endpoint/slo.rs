//! Service-level objectives of an endpoint run: bounds on time to first
//! token and time per output token at a stated percentile, goodput (the
//! requests per second that met both bounds), and whether the run met them.
//! A failed request meets no bound: it counts as infinitely late.

use serde::{Deserialize, Serialize};

pub use super::slo_bounds::Slo;
use super::tally::EndpointTally;

/// What the run achieved against its objectives.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SloRecord {
    /// The bound on TTFT, milliseconds.
    pub ttft_ms: Option<f64>,
    /// The bound on TPOT, milliseconds.
    pub tpot_ms: Option<f64>,
    /// The percentile the bounds hold at.
    pub percentile: f64,
    /// TTFT at that percentile over every request sent (failed ones as infinite), ns; null when a failure sits there.
    pub ttft_at_percentile_ns: Option<u64>,
    /// TPOT at that percentile over every request sent, ns; null when a failure sits there.
    pub tpot_at_percentile_ns: Option<u64>,
    /// Requests that completed within both bounds.
    pub requests_meeting: u64,
    /// Requests sent.
    pub requests_sent: u64,
    /// Requests meeting both bounds per second of window.
    pub goodput_per_s: f64,
    /// Whether both bounds hold at the percentile.
    pub met: bool,
}

/// The value at `percentile` of `values` plus `failed` infinite values; `None` when it is one of those.
fn at_percentile(mut values: Vec<u64>, failed: u64, percentile: f64) -> Option<u64> {
    let n = values.len() as u64 + failed;
    if n == 0 {
        return None;
    }
    values.sort_unstable();
    let rank = ((percentile / 100.0 * n as f64).ceil() as u64).clamp(1, n) - 1;
    values.get(rank as usize).copied()
}

/// Evaluates `slo` on the requests of windows lasting `window_s` in all.
pub fn evaluate(slo: &Slo, t: &EndpointTally, window_s: f64) -> SloRecord {
    let ns = |ms: Option<f64>| ms.map(|m| (m * 1e6) as u64);
    let (ttft_bound, tpot_bound) = (ns(slo.ttft_ms), ns(slo.tpot_ms));
    let meets = |r: &super::RequestFigures| {
        ttft_bound.is_none_or(|b| r.ttft_ns <= b) && tpot_bound.is_none_or(|b| r.tpot_ns.unwrap_or(0) <= b)
    };
    let meeting = t.completed.iter().filter(|r| meets(r)).count() as u64;
    let failed = t.failed();
    let ttft = at_percentile(t.completed.iter().map(|r| r.ttft_ns).collect(), failed, slo.percentile);
    let tpot = at_percentile(t.completed.iter().map(|r| r.tpot_ns.unwrap_or(0)).collect(), failed, slo.percentile);
    let within = |v: Option<u64>, b: Option<u64>| b.is_none_or(|b| v.is_some_and(|v| v <= b));
    SloRecord {
        ttft_ms: slo.ttft_ms,
        tpot_ms: slo.tpot_ms,
        percentile: slo.percentile,
        ttft_at_percentile_ns: ttft,
        tpot_at_percentile_ns: tpot,
        requests_meeting: meeting,
        requests_sent: t.sent,
        goodput_per_s: meeting as f64 / window_s.max(1e-9),
        met: t.sent > 0 && within(ttft, ttft_bound) && within(tpot, tpot_bound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{FailureKind, RequestFigures};

    fn req(ttft_ms: u64, tpot_ms: u64) -> RequestFigures {
        RequestFigures {
            ttft_ns: ttft_ms * 1_000_000,
            tpot_ns: Some(tpot_ms * 1_000_000),
            latency_ns: 0,
            output_tokens: 8,
        }
    }

    #[test]
    fn goodput_counts_requests_within_both_bounds_and_failures_count_as_late() {
        let mut t = EndpointTally { sent: 10, ..Default::default() };
        // Eight fast requests, one slow to start, one slow per token.
        t.completed = (0..8).map(|_| req(100, 20)).chain([req(900, 20), req(100, 80)]).collect();
        let slo = Slo { ttft_ms: Some(500.0), tpot_ms: Some(50.0), percentile: 90.0 };
        let r = evaluate(&slo, &t, 2.0);
        assert_eq!((r.requests_meeting, r.goodput_per_s), (8, 4.0));
        // p90 of ten: the ninth smallest.
        assert_eq!((r.ttft_at_percentile_ns, r.tpot_at_percentile_ns), (Some(100_000_000), Some(20_000_000)));
        assert!(r.met);
        let p99 = evaluate(&Slo { percentile: 99.0, ..slo.clone() }, &t, 2.0);
        assert_eq!(p99.ttft_at_percentile_ns, Some(900_000_000));
        assert!(!p99.met);
        // Two failures among twelve: the p90 request is a failure, so the bound cannot hold.
        t.sent = 12;
        t.failures.insert(FailureKind::Timeout, 2);
        let r = evaluate(&slo, &t, 2.0);
        assert_eq!((r.ttft_at_percentile_ns, r.met, r.requests_meeting), (None, false, 8));
    }

    #[test]
    fn bounds_are_checked() {
        assert!(Slo { ttft_ms: None, tpot_ms: None, percentile: 99.0 }.check().is_err());
        assert!(Slo { ttft_ms: Some(-1.0), tpot_ms: None, percentile: 99.0 }.check().is_err());
        assert!(Slo { ttft_ms: Some(1.0), tpot_ms: None, percentile: 100.0 }.check().is_err());
        assert!(Slo { ttft_ms: Some(1.0), tpot_ms: Some(2.0), percentile: 90.0 }.check().is_ok());
    }
}
