//! Deterministic labelled datasets of synthetic seismic sections and the
//! naive baseline that puts a model's accuracy in context.

use super::config::SeismicConfig;
use super::section::SectionGenerator;
use crate::dataset::{Dataset, Targets};
use crate::rng::SplitMix64;

/// Largest accepted total number of `f32` input values in a dataset.
pub const MAX_ELEMENTS: usize = 1 << 30;

/// `n` sections of `cfg`, fully determined by `(cfg, n, seed)`: inputs of
/// shape `[height, width]` (time samples by traces, row-major, each section
/// divided by its RMS) and `Targets::Classes` with one facies label per pixel
/// in the same order. Section `i` is generated from the `i`-th value of a
/// `SplitMix64` seeded with `seed`, so a prefix of a dataset does not depend
/// on `n`. Returns `Err` for an invalid config, `n == 0`, or more than
/// [`MAX_ELEMENTS`] values.
pub fn dataset(cfg: &SeismicConfig, n: usize, seed: u64) -> Result<Dataset, String> {
    let generator = SectionGenerator::new(cfg)?;
    if n == 0 {
        return Err("n must be > 0".into());
    }
    let per_sample = cfg.pixels();
    let total = n.checked_mul(per_sample).filter(|&t| t <= MAX_ELEMENTS);
    let Some(total) = total else {
        return Err(format!("{n} sections of {} × {} exceed {MAX_ELEMENTS} values", cfg.height, cfg.width));
    };
    let mut seeds = SplitMix64::new(seed);
    let mut inputs = Vec::with_capacity(total);
    let mut labels = Vec::with_capacity(total);
    for _ in 0..n {
        let section = generator.generate(&mut SplitMix64::new(seeds.next_u64()))?;
        inputs.extend_from_slice(&section.image);
        labels.extend_from_slice(&section.labels);
    }
    Ok(Dataset {
        inputs,
        input_shape: vec![cfg.height, cfg.width],
        targets: Targets::Classes { labels, per_sample, classes: cfg.classes },
        n,
    })
}

/// Pixel accuracy on `test` of a naive predictor fitted on `train`: for each
/// time row, the facies most frequent in that row over all training sections
/// and traces (ties to the lower label). It ignores the image entirely, so it
/// measures what the depth prior alone gives. Returns 0 when either dataset
/// has no class labels of `cfg`'s shape or `test` is empty.
pub fn baseline(cfg: &SeismicConfig, train: &Dataset, test: &Dataset) -> f64 {
    let per_sample = cfg.pixels();
    let (Some(train_labels), Some(test_labels)) = (labels_of(train, per_sample), labels_of(test, per_sample)) else {
        return 0.0;
    };
    if test_labels.is_empty() || cfg.width == 0 {
        return 0.0;
    }
    let classes = cfg.classes.max(1);
    let mut counts = vec![0u64; cfg.height * classes];
    for (i, &label) in train_labels.iter().enumerate() {
        let row = (i % per_sample) / cfg.width;
        if (label as usize) < classes {
            if let Some(c) = counts.get_mut(row * classes + label as usize) {
                *c += 1;
            }
        }
    }
    let row_mode: Vec<u32> = counts
        .chunks(classes)
        .map(|row| row.iter().enumerate().fold((0, 0), |best, (c, &k)| if k > best.1 { (c, k) } else { best }).0 as u32)
        .collect();
    let hits = test_labels
        .iter()
        .enumerate()
        .filter(|(i, label)| row_mode.get((i % per_sample) / cfg.width) == Some(label))
        .count();
    hits as f64 / test_labels.len() as f64
}

/// The labels of `d` when it holds per-pixel class labels of `per_sample` pixels.
fn labels_of(d: &Dataset, per_sample: usize) -> Option<&[u32]> {
    match &d.targets {
        Targets::Classes { labels, per_sample: p, .. } if *p == per_sample && labels.len() == d.n * p => Some(labels),
        _ => None,
    }
}
