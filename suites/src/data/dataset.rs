//! A labelled set of fixed-shape samples, the common currency between a
//! workload's data generator or loader and the generic staging and training
//! code in [`crate::tensor_workload`].

/// What a model must produce for each sample.
#[derive(Clone, Debug, PartialEq)]
pub enum Targets {
    /// Real values to regress, `per_sample` of them per sample.
    Values {
        /// Flattened, `n × per_sample`.
        values: Vec<f32>,
        /// Values per sample.
        per_sample: usize,
    },
    /// Class labels: one per sample (classification) or one per position
    /// (segmentation), `per_sample` of them per sample.
    Classes {
        /// Flattened, `n × per_sample`, each `< classes`.
        labels: Vec<u32>,
        /// Labels per sample.
        per_sample: usize,
        /// Number of classes.
        classes: usize,
    },
}

impl Targets {
    /// Targets per sample.
    pub fn per_sample(&self) -> usize {
        match self {
            Targets::Values { per_sample, .. } | Targets::Classes { per_sample, .. } => *per_sample,
        }
    }

    /// The values of the model's output per sample: the targets of a
    /// regression, or one logit per class and position.
    pub fn outputs_per_sample(&self) -> usize {
        match self {
            Targets::Values { per_sample, .. } => *per_sample,
            Targets::Classes { per_sample, classes, .. } => per_sample * classes,
        }
    }

    /// The targets as `f32` (labels as their values), for fingerprints.
    pub fn as_f32(&self) -> Vec<f32> {
        match self {
            Targets::Values { values, .. } => values.clone(),
            Targets::Classes { labels, .. } => labels.iter().map(|&l| l as f32).collect(),
        }
    }
}

/// `n` samples of shape `input_shape` with their targets.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// Flattened inputs, `n × product(input_shape)`, each sample row-major.
    pub inputs: Vec<f32>,
    /// Shape of one sample, outermost first (e.g. `[channels, length]`).
    pub input_shape: Vec<usize>,
    /// What the model must produce.
    pub targets: Targets,
    /// Number of samples.
    pub n: usize,
}

impl Dataset {
    /// Values per sample's input.
    pub fn input_len(&self) -> usize {
        self.input_shape.iter().product()
    }

    /// Sample `i`'s input; empty when `i >= n`.
    pub fn input(&self, i: usize) -> &[f32] {
        let len = self.input_len();
        if i >= self.n {
            return &[];
        }
        &self.inputs[i * len..(i + 1) * len]
    }

    /// Checks that the lengths agree with `n` and the shapes, and that
    /// every value is finite and every label in range.
    pub fn check(&self) -> Result<(), String> {
        if self.inputs.len() != self.n * self.input_len() {
            return Err(format!("{} input values for {} samples of {:?}", self.inputs.len(), self.n, self.input_shape));
        }
        if let Some(i) = self.inputs.iter().position(|v| !v.is_finite()) {
            return Err(format!("input value {i} is not finite"));
        }
        match &self.targets {
            Targets::Values { values, per_sample } => {
                if values.len() != self.n * per_sample {
                    return Err(format!("{} target values for {} samples of {per_sample}", values.len(), self.n));
                }
                if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                    return Err(format!("target value {i} is not finite"));
                }
            }
            Targets::Classes { labels, per_sample, classes } => {
                if labels.len() != self.n * per_sample {
                    return Err(format!("{} labels for {} samples of {per_sample}", labels.len(), self.n));
                }
                if let Some(l) = labels.iter().find(|&&l| l as usize >= *classes) {
                    return Err(format!("label {l} is not below {classes} classes"));
                }
            }
        }
        Ok(())
    }
}

/// For tests that pin a generator's output: FNV-1a over the bits of every
/// input and target value.
#[cfg(test)]
pub(crate) fn fnv1a_checksum(d: &Dataset) -> u64 {
    let values = d.inputs.iter().chain(&d.targets.as_f32()).map(|v| v.to_bits()).collect::<Vec<u32>>();
    values
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_catches_lengths_values_and_labels() {
        let ok = Dataset {
            inputs: vec![0.0; 6],
            input_shape: vec![1, 3],
            targets: Targets::Classes { labels: vec![0, 1], per_sample: 1, classes: 2 },
            n: 2,
        };
        assert_eq!(ok.check(), Ok(()));
        assert_eq!(ok.input(1).len(), 3);
        assert!(ok.input(2).is_empty());
        assert_eq!(ok.targets.outputs_per_sample(), 2);
        let mut short = ok.clone();
        short.inputs.pop();
        assert!(short.check().unwrap_err().contains("5 input values"));
        let mut nan = ok.clone();
        nan.inputs[4] = f32::NAN;
        assert!(nan.check().unwrap_err().contains("input value 4"));
        let big = Dataset { targets: Targets::Classes { labels: vec![0, 2], per_sample: 1, classes: 2 }, ..ok };
        assert!(big.check().unwrap_err().contains("label 2"));
    }
}
