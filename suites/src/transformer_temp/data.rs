//! The seven-channel series cut into the standard ETT splits (12, 4 and 4
//! months), normalised with the training split's mean and deviation, and
//! windowed into lookback → horizon samples.

use super::params::{Source, TransformerTempParams};
use super::synthetic;
use crate::dataset::{Dataset, Targets};
use crate::error::WorkloadError;
use crate::load_forecast::ett::load_ett_csv;
use crate::tensor_workload::Split;
use crate::PrepareContext;

/// Hours of the standard splits: train `[0, 8640)`, validation `[8640, 11520)`, test `[11520, 14400)`.
pub const BORDERS: [usize; 4] = [0, 8640, 11520, 14400];

/// The channels (channel-major) and a description of where they came from.
pub fn channels(p: &TransformerTempParams, ctx: &PrepareContext) -> Result<(Vec<Vec<f32>>, String), WorkloadError> {
    match p.data {
        Source::Synthetic => Ok((
            synthetic::series(BORDERS[3], p.seed),
            format!("synthetic ETT-like transformer series, seed {}, {} h", p.seed, BORDERS[3]),
        )),
        Source::Ett => {
            let path = ctx.resolve_data_path(&p.ett_file);
            let s = load_ett_csv(&path, "OT")?;
            if s.len() < BORDERS[3] || s.covariates.len() != 6 {
                return Err(WorkloadError::BadParameter {
                    workload: super::ID.into(),
                    name: "ett_file".into(),
                    reason: format!(
                        "{}: need 6 load columns and OT over at least {} h, found {} columns and {} h",
                        path.display(),
                        BORDERS[3],
                        s.channel_count(),
                        s.len()
                    ),
                });
            }
            let mut ch = s.covariates;
            ch.push(s.target);
            ch.iter_mut().for_each(|c| c.truncate(BORDERS[3]));
            Ok((ch, format!("{} (ETT, 7 channels, first {} h)", crate::portable_path(&p.ett_file), BORDERS[3])))
        }
    }
}

/// Mean and standard deviation of each channel over the training split.
pub fn train_stats(channels: &[Vec<f32>]) -> Vec<(f64, f64)> {
    channels
        .iter()
        .map(|c| {
            let train = &c[BORDERS[0]..BORDERS[1]];
            let n = train.len() as f64;
            let mean = train.iter().map(|&v| v as f64).sum::<f64>() / n;
            let var = train.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
            (mean, var.sqrt().max(1e-6))
        })
        .collect()
}

/// Windows of one split: inputs `[7, lookback]`, targets the next `horizon`
/// hours of every channel (channel-major), all normalised.
pub fn windows(p: &TransformerTempParams, channels: &[Vec<f32>], split: Split) -> Dataset {
    let stats = train_stats(channels);
    let norm: Vec<Vec<f32>> = channels
        .iter()
        .zip(&stats)
        .map(|(c, (m, s))| c.iter().map(|&v| ((v as f64 - m) / s) as f32).collect())
        .collect();
    let (lo, hi, stride) = match split {
        Split::Train => (BORDERS[0], BORDERS[1], p.train_stride),
        Split::Validation => (BORDERS[1] - p.lookback, BORDERS[2], p.test_stride.max(4)),
        Split::Test => (BORDERS[2] - p.lookback, BORDERS[3], p.test_stride),
    };
    let (mut inputs, mut targets, mut n) = (Vec::new(), Vec::new(), 0);
    let mut start = lo;
    while start + p.lookback + p.horizon <= hi {
        for c in &norm {
            inputs.extend_from_slice(&c[start..start + p.lookback]);
        }
        for c in &norm {
            targets.extend_from_slice(&c[start + p.lookback..start + p.lookback + p.horizon]);
        }
        n += 1;
        start += stride;
    }
    let per_sample = channels.len() * p.horizon;
    Dataset {
        inputs,
        input_shape: vec![channels.len(), p.lookback],
        targets: Targets::Values { values: targets, per_sample },
        n,
    }
}

/// The seasonal-naive forecast (the last 24 hours repeated) for every window.
pub fn seasonal_naive(data: &Dataset, horizon: usize) -> Vec<f32> {
    let (channels, lookback) = (data.input_shape[0], data.input_shape[1]);
    let mut out = Vec::with_capacity(data.n * channels * horizon);
    for i in 0..data.n {
        for c in data.input(i).chunks(lookback) {
            out.extend((0..horizon).map(|h| c[lookback - 24 + h % 24]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_standard_and_windows_line_up() {
        let p = TransformerTempParams { lookback: 48, horizon: 24, test_stride: 24, ..Default::default() };
        let (ch, _) = channels(&p, &PrepareContext::default()).unwrap();
        let test = windows(&p, &ch, Split::Test);
        assert_eq!(test.check(), Ok(()));
        assert_eq!(test.input_shape, vec![7, 48]);
        assert_eq!(test.n, (2880 + 48 - 48 - 24) / 24 + 1);
        // The target of window i is the input of the window a horizon later (same stride).
        let Targets::Values { values, per_sample } = &test.targets else { panic!() };
        assert_eq!(*per_sample, 7 * 24);
        assert_eq!(&values[0..24], &test.input(1)[24..48]);
        let naive = seasonal_naive(&test, 24);
        assert_eq!(&naive[0..24], &test.input(0)[24..48]);
    }

    #[test]
    fn a_malformed_ett_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.csv"), "date,HUFL,OT\n2016-07-01 00:00:00,1.0,x\n").unwrap();
        let p = TransformerTempParams { data: Source::Ett, ett_file: "bad.csv".into(), ..Default::default() };
        let ctx = PrepareContext { data_dir: Some(dir.path().into()), ..Default::default() };
        let err = channels(&p, &ctx).unwrap_err().to_string();
        assert!(err.contains("bad.csv") && err.contains("line 2") && err.contains("OT"), "{err}");
        std::fs::write(dir.path().join("bad.csv"), "date,HUFL,OT\n2016-07-01 00:00:00,1.0,2.0\n").unwrap();
        let err = channels(&p, &ctx).unwrap_err().to_string();
        assert!(err.contains("need 6 load columns"), "{err}");
    }
}
