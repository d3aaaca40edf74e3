//! The early-stopping estimate of a result, computed from its latency histogram.

use hdrhistogram::Histogram;

use super::EarlyStoppingEstimate;
use crate::stats::uncertainty::EarlyStopping;
use crate::validity::Thresholds;

impl EarlyStoppingEstimate {
    /// The early-stopping bound of the `t.latency_percentile` of `hist`, at
    /// `t.latency_confidence`: what a run records, and what `check`, `merge`
    /// and the peak search recompute.
    pub fn of(hist: &Histogram<u64>, t: &Thresholds) -> EarlyStoppingEstimate {
        let es = EarlyStopping { percentile: t.latency_percentile, confidence: t.latency_confidence };
        let n = hist.len();
        EarlyStoppingEstimate {
            percentile: t.latency_percentile,
            confidence: t.latency_confidence,
            queries: n,
            queries_needed: es.min_queries(),
            latency_ns: es.rank(n).map(|k| hist.value_at_quantile(k as f64 / n as f64)),
        }
    }
}
