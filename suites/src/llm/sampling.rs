//! Choosing the next token from logits: greedy, or seeded random sampling
//! with temperature, top-k and top-p (nucleus), reproducible for a seed.

use serde::{Deserialize, Serialize};

use super::bad_request;
use crate::error::WorkloadError;
use crate::rng::SplitMix64;

/// How the next token is chosen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Sampling {
    /// The most likely token (the lowest id among equal logits).
    Greedy,
    /// A random draw from the softmax of `logits / temperature`, restricted
    /// to the `top_k` most likely tokens and then to the smallest set whose
    /// probability reaches `top_p`. Every row of a batch draws from its own
    /// stream, fixed by `seed` and the row's index.
    Random {
        /// Softmax temperature; 0 means greedy.
        temperature: f32,
        /// Keep only this many most likely tokens.
        top_k: Option<usize>,
        /// Keep only the most likely tokens up to this cumulative probability, in (0, 1].
        top_p: Option<f32>,
        /// Seed of the random streams.
        seed: u64,
    },
}

impl Sampling {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<(), WorkloadError> {
        if let Self::Random { temperature, top_k, top_p, .. } = self {
            if !(temperature.is_finite() && *temperature >= 0.0) {
                return Err(bad_request("temperature", format!("{temperature} is not a finite value >= 0")));
            }
            if *top_k == Some(0) {
                return Err(bad_request("top_k", "must be at least 1".into()));
            }
            if let Some(p) = top_p {
                if !(*p > 0.0 && *p <= 1.0) {
                    return Err(bad_request("top_p", format!("{p} is not in (0, 1]")));
                }
            }
        }
        Ok(())
    }

    /// Whether the choice is the arg-max of the logits (which the device can
    /// compute, so that only one id per row comes back to the host).
    pub fn is_greedy(&self) -> bool {
        matches!(self, Self::Greedy) || matches!(self, Self::Random { temperature, .. } if *temperature == 0.0)
    }
}

/// The random streams of a batch, one per row.
#[derive(Clone, Debug)]
pub(crate) struct RowSamplers {
    rngs: Vec<SplitMix64>,
}

impl RowSamplers {
    pub(crate) fn new(seed: u64, rows: usize) -> Self {
        let rngs = (0..rows as u64)
            .map(|row| SplitMix64::new(seed ^ (row.wrapping_add(1)).wrapping_mul(0xD1B5_4A32_D192_ED03)))
            .collect();
        Self { rngs }
    }

    /// Draws the next token of `row` from its logits.
    pub(crate) fn sample(&mut self, row: usize, logits: &[f32], sampling: &Sampling) -> u32 {
        match (sampling, self.rngs.get_mut(row)) {
            (Sampling::Random { temperature, top_k, top_p, .. }, Some(rng)) if *temperature > 0.0 => {
                sample_logits(logits, *temperature, *top_k, *top_p, rng)
            }
            _ => argmax(logits),
        }
    }
}

/// The index of the largest logit (the first among equals; NaN never wins).
pub fn argmax(logits: &[f32]) -> u32 {
    let mut best = 0;
    for (i, &x) in logits.iter().enumerate() {
        if x > logits[best] || logits[best].is_nan() {
            best = i;
        }
    }
    best as u32
}

/// One draw from `softmax(logits / temperature)` restricted by `top_k` and
/// `top_p`, using exactly one value of `rng`.
pub fn sample_logits(
    logits: &[f32],
    temperature: f32,
    top_k: Option<usize>,
    top_p: Option<f32>,
    rng: &mut SplitMix64,
) -> u32 {
    let key = |x: f32| if x.is_nan() { f32::NEG_INFINITY } else { x };
    // Most likely first; ties in id order, so that the result is reproducible.
    let by_logit = |a: &u32, b: &u32| key(logits[*b as usize]).total_cmp(&key(logits[*a as usize])).then(a.cmp(b));
    let mut ids: Vec<u32> = (0..logits.len() as u32).collect();
    if let Some(k) = top_k.filter(|k| *k < ids.len()) {
        ids.select_nth_unstable_by(k - 1, by_logit);
        ids.truncate(k);
    }
    ids.sort_unstable_by(by_logit);
    let Some(&first) = ids.first() else { return 0 };
    let top = f64::from(key(logits[first as usize]));
    if !top.is_finite() {
        return first;
    }
    let t = f64::from(temperature);
    let mut weights: Vec<f64> = ids.iter().map(|&i| ((f64::from(key(logits[i as usize])) - top) / t).exp()).collect();
    let total: f64 = weights.iter().sum();
    if let Some(p) = top_p {
        let mut cumulative = 0.0;
        let mut keep = weights.len();
        for (n, w) in weights.iter().enumerate() {
            cumulative += w / total;
            if cumulative >= f64::from(p) {
                keep = n + 1;
                break;
            }
        }
        weights.truncate(keep);
    }
    let total: f64 = weights.iter().sum();
    let mut u = rng.next_f64() * total;
    for (id, w) in ids.iter().zip(&weights) {
        if u < *w {
            return *id;
        }
        u -= w;
    }
    ids[weights.len() - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llm_sampling_argmax_takes_the_first_maximum() {
        assert_eq!(argmax(&[0.0, 3.0, 3.0, -1.0]), 1);
        assert_eq!(argmax(&[f32::NAN, 1.0]), 1);
    }

    #[test]
    fn llm_sampling_is_reproducible_and_respects_top_k_and_top_p() {
        let logits: Vec<f32> = (0..50).map(|i| ((i * 37) % 11) as f32 * 0.3).collect();
        let draw = |seed: u64, k: Option<usize>, p: Option<f32>| -> Vec<u32> {
            let mut rng = SplitMix64::new(seed);
            (0..200).map(|_| sample_logits(&logits, 0.8, k, p, &mut rng)).collect()
        };
        assert_eq!(draw(5, None, None), draw(5, None, None));
        assert_ne!(draw(5, None, None), draw(6, None, None));
        // top-k = 3: only the three largest logits (ids with value 10 * 0.3).
        let mut order: Vec<u32> = (0..50).collect();
        order.sort_by(|a, b| logits[*b as usize].total_cmp(&logits[*a as usize]).then(a.cmp(b)));
        let top3: Vec<u32> = order[..3].to_vec();
        assert!(draw(7, Some(3), None).iter().all(|id| top3.contains(id)));
        // A tiny top-p keeps only the single most likely token.
        assert!(draw(8, None, Some(1e-6)).iter().all(|id| *id == order[0]));
        // top-k = 1 is greedy.
        assert!(draw(9, Some(1), None).iter().all(|id| *id == argmax(&logits)));
    }

    #[test]
    fn llm_sampling_frequencies_follow_the_softmax() {
        let logits = [0.0f32, (2.0f32).ln(), (3.0f32).ln()];
        let mut rng = SplitMix64::new(1);
        let mut counts = [0usize; 3];
        let n = 60_000;
        for _ in 0..n {
            counts[sample_logits(&logits, 1.0, None, None, &mut rng) as usize] += 1;
        }
        for (c, p) in counts.iter().zip([1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0]) {
            assert!((*c as f64 / n as f64 - p).abs() < 0.01, "{counts:?}");
        }
    }

    #[test]
    fn llm_sampling_rejects_bad_parameters() {
        let bad = |temperature, top_k, top_p| Sampling::Random { temperature, top_k, top_p, seed: 0 }.validate();
        assert!(bad(-1.0, None, None).is_err());
        assert!(bad(f32::NAN, None, None).is_err());
        assert!(bad(1.0, Some(0), None).is_err());
        assert!(bad(1.0, None, Some(0.0)).is_err());
        assert!(bad(1.0, None, Some(1.5)).is_err());
        assert!(bad(0.7, Some(40), Some(0.9)).is_ok());
        assert!(Sampling::Random { temperature: 0.0, top_k: None, top_p: None, seed: 0 }.is_greedy());
    }
}
