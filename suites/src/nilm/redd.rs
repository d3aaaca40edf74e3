//! Loader for one house of the REDD low-frequency data (Kolter & Johnson
//! 2011), giving seq2point windows like the synthetic generator's.
//!
//! # Format
//! A house folder holds `labels.dat`, one `N name` line per channel (for
//! example `1 mains`, `5 refrigerator`), and for each labelled channel a file
//! `channel_N.dat` of `unix_timestamp watts` lines with strictly increasing
//! timestamps. Blank lines are ignored; any other line that is not exactly two
//! finite numbers is an error. Every channel named in `labels.dat` must have
//! its file, but only the mains and the target's files are read.
//!
//! # Alignment
//! The mains are the sum of every channel labelled `mains` (REDD has two,
//! one per leg of the split-phase supply), the target the sum of every channel
//! with the appliance's label (a 240 V appliance such as `washer_dryer` also
//! has one channel per leg). A common grid of `interval_s`-second intervals
//! starts at the latest first timestamp of those channels and ends with the
//! earliest last one. A channel's value for interval `[t, t + interval_s)` is
//! the mean of its readings timestamped inside it (the generator's
//! interval-mean metering); an interval without readings holds the channel's
//! latest earlier reading if that is at most `max_gap_s` old and is a gap
//! otherwise. An interval is valid when every used channel has a value;
//! windows of `window` consecutive valid intervals start every `stride`
//! intervals within each run of valid ones, so no window spans a gap.
//!
//! Inputs and targets are scaled as by the generator: mains /
//! [`AGGREGATE_SCALE_W`], shape `[1, window]`; target = the target's power
//! at the window's midpoint / `target_scale_w`.

use super::generator::{Appliance, AGGREGATE_SCALE_W, MAX_ELEMENTS, MAX_WINDOW, WINDOW};
use crate::dataset::{Dataset, Targets};
use std::fmt;
use std::path::{Path, PathBuf};

/// Largest accepted number of grid intervals (about 4 years at 8 s).
pub const MAX_INTERVALS: usize = 1 << 24;

/// Label of the mains channels.
pub const MAINS_LABEL: &str = "mains";

/// Settings of the REDD loader.
#[derive(Clone, Debug, PartialEq)]
pub struct ReddOptions {
    /// Label of the target's channels in `labels.dat` (e.g. `washer_dryer`).
    pub appliance: String,
    /// Scale of the target in W: target = appliance W / this.
    pub target_scale_w: f64,
    /// Samples per window, odd (default [`WINDOW`]).
    pub window: usize,
    /// Grid interval in seconds, 1..=60 (default 8).
    pub interval_s: u32,
    /// Longest a reading is held over intervals without one, in seconds (default 30).
    pub max_gap_s: f64,
    /// Intervals between the starts of consecutive windows, >= 1 (default 32).
    pub stride: usize,
}

impl ReddOptions {
    /// Options for a generator appliance: its REDD label and target scale and
    /// the defaults above; `None` for appliances REDD lacks (the kettle).
    pub fn for_appliance(a: Appliance) -> Option<ReddOptions> {
        Some(ReddOptions {
            appliance: a.redd_label()?.to_string(),
            target_scale_w: a.target_scale_w(),
            window: WINDOW,
            interval_s: 8,
            max_gap_s: 30.0,
            stride: 32,
        })
    }

    /// Checks the options: a non-empty label, a finite positive scale, odd
    /// `window` in `3..=MAX_WINDOW`, `interval_s` in `1..=60`, finite
    /// `max_gap_s >= 0` and `stride >= 1`.
    pub fn validate(&self) -> Result<(), String> {
        if self.appliance.trim().is_empty() {
            return Err("appliance label must not be empty".into());
        }
        if !(self.target_scale_w.is_finite() && self.target_scale_w > 0.0) {
            return Err(format!("target_scale_w must be finite and > 0, got {}", self.target_scale_w));
        }
        if self.window < 3 || self.window > MAX_WINDOW || self.window.is_multiple_of(2) {
            return Err(format!("window must be odd and in 3..={MAX_WINDOW}, got {}", self.window));
        }
        if !(1..=60).contains(&self.interval_s) {
            return Err(format!("interval_s must be in 1..=60, got {}", self.interval_s));
        }
        if !(self.max_gap_s.is_finite() && self.max_gap_s >= 0.0) {
            return Err(format!("max_gap_s must be finite and >= 0, got {}", self.max_gap_s));
        }
        if self.stride == 0 {
            return Err("stride must be >= 1".into());
        }
        Ok(())
    }
}

/// What went wrong, and in which file and line.
#[derive(Clone, Debug, PartialEq)]
pub struct ReddError {
    /// The file (or folder) at fault.
    pub path: PathBuf,
    /// 1-based line, where one is at fault.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl ReddError {
    fn new(path: &Path, line: Option<usize>, reason: impl Into<String>) -> Self {
        ReddError { path: path.to_path_buf(), line, reason: reason.into() }
    }
}

impl fmt::Display for ReddError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.reason),
            None => write!(f, "{}: {}", self.path.display(), self.reason),
        }
    }
}

impl std::error::Error for ReddError {}

/// One line of `labels.dat`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelLabel {
    /// Channel number `N` of `channel_N.dat`.
    pub channel: u32,
    /// Its label.
    pub label: String,
    /// 1-based line in `labels.dat`.
    pub line: usize,
}

/// Reads a whole file, naming it in the error.
fn read_text(path: &Path) -> Result<String, ReddError> {
    crate::regular_file::read_regular_to_string(path)
        .map_err(|e| ReddError::new(path, None, format!("cannot read: {e}")))
}

/// Non-blank lines of `text` with their 1-based numbers and tokens.
fn token_lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split_whitespace().collect::<Vec<_>>()))
        .filter(|(_, t)| !t.is_empty())
}

/// Parses `labels.dat`: `N name` lines, distinct `N >= 1`, at least one.
pub fn read_labels(path: &Path) -> Result<Vec<ChannelLabel>, ReddError> {
    let text = read_text(path)?;
    let mut labels: Vec<ChannelLabel> = Vec::new();
    for (line, tokens) in token_lines(&text) {
        let channel = match tokens.as_slice() {
            [n, _] => n.parse::<u32>().ok().filter(|&n| n >= 1),
            _ => None,
        };
        let Some(channel) = channel else {
            return Err(ReddError::new(path, Some(line), format!("expected `N name`, got `{}`", tokens.join(" "))));
        };
        if let Some(first) = labels.iter().find(|l| l.channel == channel) {
            return Err(ReddError::new(
                path,
                Some(line),
                format!("channel {channel} already labelled on line {}", first.line),
            ));
        }
        labels.push(ChannelLabel { channel, label: tokens[1].to_string(), line });
    }
    if labels.is_empty() {
        return Err(ReddError::new(path, None, "no channels"));
    }
    Ok(labels)
}

/// Parses a `channel_N.dat` file into `(timestamp s, watts)` readings with
/// strictly increasing timestamps; at least one.
pub fn read_channel(path: &Path) -> Result<Vec<(f64, f64)>, ReddError> {
    let text = read_text(path)?;
    let mut readings: Vec<(f64, f64)> = Vec::new();
    for (line, tokens) in token_lines(&text) {
        let parsed = match tokens.as_slice() {
            [t, w] => t.parse::<f64>().ok().zip(w.parse::<f64>().ok()).filter(|(t, w)| t.is_finite() && w.is_finite()),
            _ => None,
        };
        let Some((t, w)) = parsed else {
            return Err(ReddError::new(
                path,
                Some(line),
                format!("expected `timestamp watts`, got `{}`", tokens.join(" ")),
            ));
        };
        if let Some(&(prev, _)) = readings.last() {
            if t <= prev {
                return Err(ReddError::new(path, Some(line), format!("timestamp {t} does not follow {prev}")));
            }
        }
        readings.push((t, w));
    }
    if readings.is_empty() {
        return Err(ReddError::new(path, None, "no readings"));
    }
    Ok(readings)
}

/// Channels summed onto a common grid.
#[derive(Clone, Debug, PartialEq)]
pub struct AlignedHouse {
    /// Start of the first interval (unix seconds).
    pub start_s: f64,
    /// Interval length in seconds.
    pub interval_s: u32,
    /// Sum of the mains channels in W per interval (0 in gaps).
    pub mains_w: Vec<f32>,
    /// Sum of the target's channels in W per interval (0 in gaps).
    pub target_w: Vec<f32>,
    /// Whether every channel had a value in the interval.
    pub valid: Vec<bool>,
}

/// A channel's value per grid interval (see the module docs), `None` in gaps.
fn resample(readings: &[(f64, f64)], start: f64, dt: f64, len: usize, max_gap: f64) -> Vec<Option<f64>> {
    let mut out = Vec::with_capacity(len);
    let mut i = 0;
    let mut last: Option<(f64, f64)> = None;
    for k in 0..len {
        let (a, b) = (start + k as f64 * dt, start + (k + 1) as f64 * dt);
        while i < readings.len() && readings[i].0 < a {
            last = Some(readings[i]);
            i += 1;
        }
        let (mut sum, mut count) = (0.0, 0usize);
        while i < readings.len() && readings[i].0 < b {
            sum += readings[i].1;
            count += 1;
            last = Some(readings[i]);
            i += 1;
        }
        out.push(if count > 0 {
            Some(sum / count as f64)
        } else {
            last.filter(|(t, _)| a - t <= max_gap).map(|(_, w)| w)
        });
    }
    out
}

/// Reads the mains and the target's channels of the house in `dir` and puts
/// them on a common grid (see the module docs).
pub fn align(dir: &Path, opts: &ReddOptions) -> Result<AlignedHouse, ReddError> {
    opts.validate().map_err(|e| ReddError::new(dir, None, e))?;
    let labels_path = dir.join("labels.dat");
    let labels = read_labels(&labels_path)?;
    for l in &labels {
        let file = format!("channel_{}.dat", l.channel);
        if !dir.join(&file).is_file() {
            let reason = format!("channel {} (`{}`) has no file {file}", l.channel, l.label);
            return Err(ReddError::new(&labels_path, Some(l.line), reason));
        }
    }
    let names: Vec<&str> = labels.iter().map(|l| l.label.as_str()).collect();
    let read_group = |label: &str| -> Result<Vec<Vec<(f64, f64)>>, ReddError> {
        let group: Vec<&ChannelLabel> = labels.iter().filter(|l| l.label == label).collect();
        if group.is_empty() {
            let reason = format!("no channel labelled `{label}` (labels: {})", names.join(", "));
            return Err(ReddError::new(&labels_path, None, reason));
        }
        group.iter().map(|l| read_channel(&dir.join(format!("channel_{}.dat", l.channel)))).collect()
    };
    let mains = read_group(MAINS_LABEL)?;
    let target = read_group(&opts.appliance)?;
    let all = || mains.iter().chain(&target);
    let start = all().filter_map(|c| c.first()).map(|r| r.0.floor()).fold(f64::NEG_INFINITY, f64::max);
    let end = all().filter_map(|c| c.last()).map(|r| r.0).fold(f64::INFINITY, f64::min);
    let dt = f64::from(opts.interval_s);
    let len = if end >= start { ((end - start) / dt) as usize + 1 } else { 0 };
    if len > MAX_INTERVALS {
        return Err(ReddError::new(dir, None, format!("{len} intervals of {dt} s exceed {MAX_INTERVALS}")));
    }
    let sum_group = |group: &[Vec<(f64, f64)>]| -> Vec<Option<f64>> {
        let mut acc = vec![Some(0.0); len];
        for channel in group {
            for (a, v) in acc.iter_mut().zip(resample(channel, start, dt, len, opts.max_gap_s)) {
                *a = a.zip(v).map(|(x, y)| x + y);
            }
        }
        acc
    };
    let (m, t) = (sum_group(&mains), sum_group(&target));
    let valid: Vec<bool> = m.iter().zip(&t).map(|(a, b)| a.is_some() && b.is_some()).collect();
    let to_f32 = |v: &[Option<f64>]| v.iter().map(|x| x.unwrap_or(0.0) as f32).collect::<Vec<f32>>();
    Ok(AlignedHouse { start_s: start, interval_s: opts.interval_s, mains_w: to_f32(&m), target_w: to_f32(&t), valid })
}

/// Start intervals of the windows of `aligned` (see the module docs).
pub fn window_starts(aligned: &AlignedHouse, window: usize, stride: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut k = 0;
    let len = aligned.valid.len();
    while k < len {
        if !aligned.valid[k] {
            k += 1;
            continue;
        }
        let run_end = (k..len).find(|&j| !aligned.valid[j]).unwrap_or(len);
        starts.extend((k..).step_by(stride.max(1)).take_while(|s| s + window <= run_end));
        k = run_end;
    }
    starts
}

/// Loads the house in `dir` as a seq2point dataset (see the module docs).
/// Errors name the file and line at fault: unreadable or malformed files,
/// non-increasing timestamps, a channel of `labels.dat` without its file, no
/// `mains` channel, an unknown appliance label, or no complete window.
pub fn load_house(dir: &Path, opts: &ReddOptions) -> Result<Dataset, ReddError> {
    let aligned = align(dir, opts)?;
    let starts = window_starts(&aligned, opts.window, opts.stride);
    if starts.is_empty() {
        let valid = aligned.valid.iter().filter(|&&v| v).count();
        let reason = format!(
            "no complete window of {} intervals of {} s ({valid} of {} intervals valid)",
            opts.window,
            opts.interval_s,
            aligned.valid.len()
        );
        return Err(ReddError::new(dir, None, reason));
    }
    if starts.len().saturating_mul(opts.window) > MAX_ELEMENTS {
        return Err(ReddError::new(
            dir,
            None,
            format!("{} windows exceed {MAX_ELEMENTS} values: raise stride", starts.len()),
        ));
    }
    let half = opts.window / 2;
    let mut inputs = Vec::with_capacity(starts.len() * opts.window);
    let mut targets = Vec::with_capacity(starts.len());
    for &s in &starts {
        let window = &aligned.mains_w[s..s + opts.window];
        inputs.extend(window.iter().map(|&w| (f64::from(w) / AGGREGATE_SCALE_W) as f32));
        targets.push((f64::from(aligned.target_w[s + half]) / opts.target_scale_w) as f32);
    }
    let ds = Dataset {
        inputs,
        input_shape: vec![1, opts.window],
        targets: Targets::Values { values: targets, per_sample: 1 },
        n: starts.len(),
    };
    ds.check().map_err(|e| ReddError::new(dir, None, e))?;
    Ok(ds)
}

#[cfg(test)]
#[path = "redd_tests.rs"]
mod tests;
