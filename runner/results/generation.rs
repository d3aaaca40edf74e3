//! Token-level figures of a generative run (the `llm` workload): time to
//! first token, inter-token latency, token rates and joules per token.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use wattbench_workloads::GenerationTally;

use crate::energy::EnergyReport;
use crate::stats::{decode_histogram, LatencySummary};

/// Why the energy of prefill and decode is not reported apart.
pub const PHASE_ENERGY: &str = "not separated: the energy counter is read at the window's edges, and prefill and \
     decode alternate within every batch, far faster than the counter updates";

/// What a generative run measured, over every trial's window.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GenerationRecord {
    /// Time to first token of each request: from its scheduled arrival in the
    /// server scenario (queueing included, as in `latency_ns`), otherwise from
    /// its batch's start (in-process) or its send (endpoint).
    pub ttft_ns: LatencySummary,
    /// Inter-token latency: every decode step of every batch.
    pub itl_ns: LatencySummary,
    /// Prompt tokens processed (padding excluded).
    pub prompt_tokens: u64,
    /// Tokens generated.
    pub output_tokens: u64,
    /// Tokens generated per second of window.
    pub output_tokens_per_s: f64,
    /// Prompt tokens per second of prefill.
    pub prefill_tokens_per_s: f64,
    /// Tokens generated per second of decode steps (the first token of each
    /// request comes from the prefill and is not counted here).
    pub decode_tokens_per_s: f64,
    /// Gross joules per generated token; null when energy is unmeasured.
    pub j_per_output_token: Option<f64>,
    /// Net (above idle) joules per generated token.
    pub net_j_per_output_token: Option<f64>,
    /// Gross joules per request (= `energy.j_per_inference`).
    pub j_per_request: Option<f64>,
    /// Gross joules per token processed, prompt and output together.
    #[serde(default)]
    pub j_per_total_token: Option<f64>,
    /// Whether prefill and decode energy are reported apart, and why not.
    pub phase_energy: String,
}

fn summary(values: &[u64]) -> Result<LatencySummary, String> {
    let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).map_err(|e| e.to_string())?;
    for &v in values {
        h.record(v.max(1)).map_err(|e| format!("recording a token latency: {e}"))?;
    }
    LatencySummary::from_histogram(&h)
}

impl GenerationRecord {
    /// Builds the record from each trial's tally and window length; the
    /// energy figures follow from the run's aggregate `energy` (its joules,
    /// net joules and joules per inference), exactly as `check` recomputes them.
    pub fn build(
        trials: &[(&GenerationTally, f64)],
        energy: &EnergyReport,
    ) -> Result<Option<GenerationRecord>, String> {
        let mut total = GenerationTally::default();
        trials.iter().for_each(|(t, _)| total.merge(t));
        if total.ttft_ns.is_empty() {
            return Ok(None);
        }
        let window_s: f64 = trials.iter().map(|(_, w)| w).sum();
        let decode_tokens = total.output_tokens.saturating_sub(total.ttft_ns.len() as u64);
        let mut record = GenerationRecord {
            ttft_ns: summary(&total.ttft_ns)?,
            itl_ns: summary(&total.itl_ns)?,
            prompt_tokens: total.prompt_tokens,
            output_tokens: total.output_tokens,
            output_tokens_per_s: total.output_tokens as f64 / window_s.max(1e-9),
            prefill_tokens_per_s: total.prompt_tokens as f64 / (total.prefill_ns as f64 * 1e-9).max(1e-12),
            decode_tokens_per_s: decode_tokens as f64 / (total.decode_ns as f64 * 1e-9).max(1e-12),
            j_per_output_token: None,
            net_j_per_output_token: None,
            j_per_request: None,
            j_per_total_token: None,
            phase_energy: PHASE_ENERGY.into(),
        };
        record.set_energy(energy.joules, energy.net_joules, energy.j_per_inference);
        Ok(Some(record))
    }
}

fn merged(a: &LatencySummary, b: &LatencySummary) -> Result<LatencySummary, String> {
    let mut h = decode_histogram(&a.hdr)?;
    h.add(decode_histogram(&b.hdr)?).map_err(|e| format!("merging token histograms: {e:?}"))?;
    LatencySummary::from_histogram(&h)
}

impl GenerationRecord {
    /// Seconds of prefill and of decode behind the rates.
    fn phase_seconds(&self) -> (f64, f64) {
        let decode_tokens = self.output_tokens.saturating_sub(self.ttft_ns.count) as f64;
        (
            self.prompt_tokens as f64 / self.prefill_tokens_per_s.max(1e-12),
            decode_tokens / self.decode_tokens_per_s.max(1e-12),
        )
    }

    /// Adds the figures of a shard that ran side by side with this one:
    /// histograms merge exactly, tokens and output rates add, the prefill and
    /// decode rates are recomputed from their tokens and seconds; the energy
    /// figures are set afresh with [`GenerationRecord::set_energy`].
    pub fn merge_shard(&mut self, other: &GenerationRecord) -> Result<(), String> {
        let ((pa, da), (pb, db)) = (self.phase_seconds(), other.phase_seconds());
        self.ttft_ns = merged(&self.ttft_ns, &other.ttft_ns)?;
        self.itl_ns = merged(&self.itl_ns, &other.itl_ns)?;
        self.prompt_tokens += other.prompt_tokens;
        self.output_tokens += other.output_tokens;
        self.output_tokens_per_s += other.output_tokens_per_s;
        self.prefill_tokens_per_s = self.prompt_tokens as f64 / (pa + pb).max(1e-12);
        let decode_tokens = self.output_tokens.saturating_sub(self.ttft_ns.count) as f64;
        self.decode_tokens_per_s = decode_tokens / (da + db).max(1e-12);
        Ok(())
    }

    /// Sets the energy figures from the run's gross and net joules and its joules per request.
    pub fn set_energy(&mut self, joules: Option<f64>, net_joules: Option<f64>, j_per_request: Option<f64>) {
        let tokens = self.output_tokens as f64;
        self.j_per_output_token = joules.filter(|_| tokens > 0.0).map(|j| j / tokens);
        self.net_j_per_output_token = net_joules.filter(|_| tokens > 0.0).map(|j| j / tokens);
        self.j_per_request = j_per_request;
        let all = (self.prompt_tokens + self.output_tokens) as f64;
        self.j_per_total_token = joules.filter(|_| all > 0.0).map(|j| j / all);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_energy_per_token() {
        let t = GenerationTally {
            ttft_ns: vec![2_000_000, 2_000_000],
            itl_ns: vec![1_000_000; 9],
            prompt_tokens: 200,
            output_tokens: 20,
            prefill_ns: 2_000_000,
            decode_ns: 9_000_000,
        };
        let mut e = EnergyReport::unmeasured("cpu", 2.0);
        let r = GenerationRecord::build(&[(&t, 2.0)], &e).unwrap().unwrap();
        assert_eq!((r.output_tokens, r.ttft_ns.count, r.itl_ns.count), (20, 2, 9));
        assert!((r.output_tokens_per_s - 10.0).abs() < 1e-9);
        assert!((r.prefill_tokens_per_s - 100_000.0).abs() < 1e-6);
        assert!((r.decode_tokens_per_s - 2_000.0).abs() < 1e-6);
        assert_eq!(r.j_per_output_token, None);
        e.joules = Some(40.0);
        e.net_joules = Some(10.0);
        e.j_per_inference = Some(4.0);
        let r = GenerationRecord::build(&[(&t, 2.0)], &e).unwrap().unwrap();
        assert_eq!((r.j_per_output_token, r.net_j_per_output_token), (Some(2.0), Some(0.5)));
        assert_eq!((r.j_per_request, r.j_per_total_token), (Some(4.0), Some(40.0 / 220.0)));
        assert_eq!(GenerationRecord::build(&[(&GenerationTally::default(), 1.0)], &e).unwrap().is_none(), true);
    }

    #[test]
    fn shards_merge_exactly() {
        let t = GenerationTally {
            ttft_ns: vec![2_000_000, 4_000_000],
            itl_ns: vec![1_000_000; 9],
            prompt_tokens: 200,
            output_tokens: 20,
            prefill_ns: 2_000_000,
            decode_ns: 9_000_000,
        };
        let e = EnergyReport::unmeasured("cpu", 2.0);
        let mut a = GenerationRecord::build(&[(&t, 2.0)], &e).unwrap().unwrap();
        let b = a.clone();
        a.merge_shard(&b).unwrap();
        // Two shards side by side: twice the tokens and output rate, the same phase rates.
        assert_eq!((a.ttft_ns.count, a.itl_ns.count, a.output_tokens, a.prompt_tokens), (4, 18, 40, 400));
        assert!((a.output_tokens_per_s - 20.0).abs() < 1e-9);
        assert!((a.prefill_tokens_per_s - b.prefill_tokens_per_s).abs() < 1e-6 * b.prefill_tokens_per_s);
        assert!((a.decode_tokens_per_s - b.decode_tokens_per_s).abs() < 1e-6 * b.decode_tokens_per_s);
        assert_eq!(a.ttft_ns.max, b.ttft_ns.max);
        a.set_energy(Some(80.0), None, Some(20.0));
        assert_eq!((a.j_per_output_token, a.net_j_per_output_token, a.j_per_request), (Some(2.0), None, Some(20.0)));
    }
}
