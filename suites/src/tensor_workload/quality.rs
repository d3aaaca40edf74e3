//! Scoring a model's outputs against a dataset's targets, and the gate
//! that the reference model's own score defines.

use crate::dataset::{Dataset, Targets};
use crate::error::WorkloadError;
use crate::metrics::{mae, mse};
use crate::reference;
use crate::training::TrainCard;

use super::spec::{QualityMetric, TensorSpec};

/// For error metrics, how much worse than the reference a run may be: 1%,
/// the error-metric reading of MLPerf's "99% of the reference quality".
pub const ERROR_TOLERANCE: f64 = 0.01;
/// For accuracy, the fraction of the reference accuracy a run must reach.
pub const ACCURACY_FRACTION: f64 = 0.99;

/// Index of the largest value (the first on ties).
pub fn argmax(row: &[f32]) -> usize {
    row.iter().enumerate().fold((0, f32::NEG_INFINITY), |b, (k, &v)| if v > b.1 { (k, v) } else { b }).0
}

/// Running score over batches of outputs.
#[derive(Clone, Debug, Default)]
pub struct Score {
    correct: u64,
    labels: u64,
    predictions: Vec<f32>,
    targets: Vec<f32>,
}

impl Score {
    /// Adds the outputs of the samples `indices` of `data`.
    pub fn add(&mut self, outputs: &[f32], data: &Dataset, indices: &[usize]) -> Result<(), WorkloadError> {
        let per = data.targets.outputs_per_sample();
        if outputs.len() != per * indices.len() {
            return Err(WorkloadError::Execution(format!(
                "the model gave {} outputs for {} samples of {per}",
                outputs.len(),
                indices.len()
            )));
        }
        match &data.targets {
            Targets::Values { values, per_sample } => {
                self.predictions.extend_from_slice(outputs);
                for &i in indices {
                    self.targets.extend_from_slice(&values[i * per_sample..(i + 1) * per_sample]);
                }
            }
            Targets::Classes { labels, per_sample, classes } => {
                for (row, &i) in outputs.chunks(per).zip(indices) {
                    let truth = &labels[i * per_sample..(i + 1) * per_sample];
                    for (logits, &label) in row.chunks(*classes).zip(truth) {
                        self.correct += u64::from(argmax(logits) == label as usize);
                        self.labels += 1;
                    }
                }
            }
        }
        Ok(())
    }

    /// The metric's value over everything added.
    pub fn value(&self, metric: &QualityMetric) -> Result<f64, WorkloadError> {
        match metric {
            QualityMetric::Accuracy if self.labels > 0 => Ok(self.correct as f64 / self.labels as f64),
            QualityMetric::Accuracy => Err(WorkloadError::Execution("accuracy of no labels".into())),
            QualityMetric::Mae { scale, .. } => Ok(mae(&self.predictions, &self.targets)? * scale),
            QualityMetric::Mse => Ok(mse(&self.predictions, &self.targets)?),
            QualityMetric::Rmse { scale, .. } => Ok(mse(&self.predictions, &self.targets)?.sqrt() * scale),
        }
    }
}

/// The score a predictor that outputs `predictions` (flattened like the
/// targets of `data`) gets: for baselines.
pub fn score_values(predictions: &[f32], data: &Dataset, metric: &QualityMetric) -> Option<f64> {
    let mut score = Score::default();
    let all: Vec<usize> = (0..data.n).collect();
    score.add(predictions, data, &all).ok()?;
    score.value(metric).ok()
}

/// The test metric of the embedded reference of workload `S` that was
/// trained and scored on the data whose sha256 is `data_sha256` (the run's
/// test data), with the same gate-relevant parameters as `p` (the first
/// such). Where the data lives (its file name) plays no part: a different
/// dataset under the reference's file name is not gated, and the
/// reference's own data under another name is.
pub fn reference_metric<S: TensorSpec>(p: &S::Params, data_sha256: &str) -> Option<f64> {
    let key = reference::without_data_location(S::gate_key(p));
    reference::cards_for_data(S::ID, data_sha256).into_iter().find_map(|card: TrainCard| {
        let trained: S::Params = serde_json::from_value(card.params).ok()?;
        (reference::without_data_location(S::gate_key(&trained)) == key).then_some(card.test_metric)
    })
}

/// The threshold a run must meet given the reference's metric, and the gate in words.
pub fn gate(metric: &QualityMetric, reference: Option<f64>) -> (Option<f64>, String) {
    match reference {
        None => {
            (None, "not gated: no reference model was trained and scored on this data with these parameters".into())
        }
        Some(r) if metric.lower_is_better() => (
            Some(r * (1.0 + ERROR_TOLERANCE)),
            format!("{} at most {} x the reference's {r:.6}", metric.name(), 1.0 + ERROR_TOLERANCE),
        ),
        Some(r) => {
            (Some(r * ACCURACY_FRACTION), format!("accuracy at least {ACCURACY_FRACTION} x the reference's {r:.4}"))
        }
    }
}

/// The catalogue's words for the gate of a metric.
pub fn gate_words(metric: &QualityMetric) -> String {
    if metric.lower_is_better() {
        format!("{} within {}% of the reference model's", metric.name(), ERROR_TOLERANCE * 100.0)
    } else {
        format!("accuracy at least {}% of the reference model's", ACCURACY_FRACTION * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Dataset {
        Dataset {
            inputs: vec![0.0; 4],
            input_shape: vec![1, 2],
            targets: Targets::Classes { labels: vec![1, 0, 0, 1], per_sample: 2, classes: 2 },
            n: 2,
        }
    }

    #[test]
    fn accuracy_counts_every_position() {
        let mut s = Score::default();
        // Sample 0: positions predict 1 (right), 1 (wrong); sample 1: 0 (right), 0 (wrong).
        s.add(&[0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0], &classes(), &[0, 1]).unwrap();
        assert_eq!(s.value(&QualityMetric::Accuracy).unwrap(), 0.5);
        assert!(s.add(&[0.0; 3], &classes(), &[0]).is_err());
    }

    #[test]
    fn mae_is_scaled_and_gates_go_the_right_way() {
        let d = Dataset {
            inputs: vec![0.0; 2],
            input_shape: vec![1, 1],
            targets: Targets::Values { values: vec![1.0, 3.0], per_sample: 1 },
            n: 2,
        };
        let m = QualityMetric::Mae { scale: 10.0, unit: "w" };
        assert_eq!(score_values(&[2.0, 3.0], &d, &m), Some(5.0));
        assert_eq!(m.name(), "mae_w");
        let (t, words) = gate(&m, Some(2.0));
        assert!((t.unwrap() - 2.02).abs() < 1e-12, "{words}");
        assert_eq!(gate(&QualityMetric::Accuracy, Some(0.5)).0, Some(0.495));
        assert_eq!(gate(&QualityMetric::Accuracy, None).0, None);
    }
}
