//! The structural geometry of one section: the layering in relative
//! geological time, its dip and fold, a normal fault and channel bodies.
//!
//! Every pixel `(t, x)` (time sample, trace) has a relative geological time
//! `u(t, x) = t + shift(x) - throw · [(t, x) in the hanging wall]`, with
//! `shift(x) = dip · (x - width / 2) + amplitude · sin(2π x / wavelength + phase)`.
//! Interfaces are the surfaces of constant `u`; layers are intervals of `u`.

use super::config::SeismicConfig;
use super::facies::Facies;
use crate::rng::SplitMix64;
use std::f64::consts::TAU;

/// Relative weight of each layered facies when a layer's facies is drawn
/// (label order; channel fill is not drawn as a layer).
const LAYER_WEIGHTS: [f64; 5] = [1.0, 1.0, 0.8, 0.35, 0.7];

/// Largest fault throw in milliseconds (the smallest is a quarter of it).
const MAX_THROW_MS: f64 = 60.0;

/// Largest number of layers drawn for one section (a guard; real counts are far lower).
const MAX_LAYERS: usize = 1 << 16;

/// Section duration per chance of a channel body, in milliseconds: taller
/// sections get proportionally more chances, so the share of channel fill
/// does not shrink with the height.
const MS_PER_CHANNEL: f64 = 128.0;

/// One sheet-like layer: an interval `[top, top + thickness)` of relative time.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// The layer's facies.
    pub facies: Facies,
    /// Relative geological time of the top interface, in samples.
    pub top: f64,
    /// Thickness in samples (at least 1).
    pub thickness: f64,
    /// Mean impedance, 10⁶ kg m⁻² s⁻¹.
    pub impedance: f64,
    /// Relative change of the mean impedance from the first to the last trace.
    pub lateral_gradient: f64,
    /// Relative impedance perturbation at each whole sample of depth below
    /// the top (linearly interpolated between); follows the layering, so it
    /// images as reflectors parallel to the interfaces. Empty means none.
    pub texture: Vec<f64>,
}

/// Dip and sinusoidal fold of the interfaces: `shift(x)` in the module docs.
#[derive(Clone, Debug, PartialEq)]
pub struct Fold {
    /// Dip in samples per trace.
    pub dip: f64,
    /// Amplitude of the sinusoidal warp in samples.
    pub amplitude: f64,
    /// Wavelength of the warp in traces (positive).
    pub wavelength: f64,
    /// Phase of the warp in radians.
    pub phase: f64,
}

/// A planar normal fault: the hanging wall is moved down by `throw`.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// Trace at which the fault crosses the first time sample.
    pub x_top: f64,
    /// Lateral step of the fault per time sample, in traces (non-zero); the
    /// fault dips towards positive traces when positive.
    pub slope: f64,
    /// Vertical offset of the hanging wall in samples (positive: down).
    pub throw: f64,
}

/// A channel body: a lens with a flat top at relative time `top` and a
/// parabolic erosional base, `thickness · (1 - ((x - centre) / half_width)²)`
/// below the top; it replaces the layers it cuts.
#[derive(Clone, Debug, PartialEq)]
pub struct Channel {
    /// Trace of the channel axis.
    pub centre: f64,
    /// Half-width in traces (positive).
    pub half_width: f64,
    /// Relative geological time of the top, in samples.
    pub top: f64,
    /// Thickness on the axis in samples.
    pub thickness: f64,
    /// Mean impedance, 10⁶ kg m⁻² s⁻¹.
    pub impedance: f64,
    /// Relative change of impedance from top to base (fining upwards: the
    /// sandy base is softer than the muddy top when positive).
    pub fining: f64,
    /// Chaotic relative impedance perturbation on a grid of `rows` whole
    /// samples below the top by `width` traces, row-major.
    pub texture: Vec<f64>,
    /// Rows of `texture`.
    pub rows: usize,
}

/// Everything that fixes a section's earth model.
#[derive(Clone, Debug, PartialEq)]
pub struct Geometry {
    /// Time samples.
    pub height: usize,
    /// Traces.
    pub width: usize,
    /// Layers ordered by `top`, contiguous, covering every pixel's relative time.
    pub layers: Vec<Layer>,
    /// Dip and fold.
    pub fold: Fold,
    /// The fault, if any.
    pub fault: Option<Fault>,
    /// Channel bodies, possibly none; where they overlap the first wins.
    pub channels: Vec<Channel>,
}

impl Fault {
    /// Whether pixel `(t, x)` lies in the hanging wall (the side the fault dips towards).
    pub fn hanging_wall(&self, t: f64, x: f64) -> bool {
        (x - (self.x_top + self.slope * t)) * self.slope > 0.0
    }
}

impl Fold {
    /// Shift of the relative time at trace `x` for a section `width` traces wide.
    pub fn shift(&self, x: f64, width: usize) -> f64 {
        self.dip * (x - width as f64 / 2.0) + self.amplitude * (TAU * x / self.wavelength + self.phase).sin()
    }
}

impl Channel {
    /// Depth of the channel below its top at trace `x`, in samples (0 outside it).
    pub fn depth(&self, x: f64) -> f64 {
        let s = (x - self.centre) / self.half_width;
        (self.thickness * (1.0 - s * s)).max(0.0)
    }
}

impl Layer {
    /// Relative impedance perturbation at `depth` samples below the top.
    pub fn texture_at(&self, depth: f64) -> f64 {
        interpolate(&self.texture, depth)
    }
}

/// Linear interpolation of `values` at fractional index `at`, clamped to the ends; 0 when empty.
pub(crate) fn interpolate(values: &[f64], at: f64) -> f64 {
    let Some(&last) = values.last() else { return 0.0 };
    if at.is_nan() || at <= 0.0 {
        return values[0];
    }
    let i = at.floor();
    let k = i as usize;
    if k + 1 >= values.len() {
        return last;
    }
    let f = at - i;
    values[k] * (1.0 - f) + values[k + 1] * f
}

impl Geometry {
    /// Relative geological time of pixel `(t, x)`, in samples.
    pub fn relative_time(&self, t: usize, x: usize) -> f64 {
        self.relative_time_shifted(t, x, self.fold.shift(x as f64, self.width))
    }

    /// [`Geometry::relative_time`] given the fold's `shift` at trace `x`.
    pub(crate) fn relative_time_shifted(&self, t: usize, x: usize, shift: f64) -> f64 {
        let (t, x) = (t as f64, x as f64);
        let mut u = t + shift;
        if let Some(f) = &self.fault {
            if f.hanging_wall(t, x) {
                u -= f.throw;
            }
        }
        u
    }

    /// Draws the geometry of one section. Returns `Err` for an invalid config.
    pub fn draw(cfg: &SeismicConfig, rng: &mut SplitMix64) -> Result<Geometry, String> {
        cfg.validate()?;
        let (h, w) = (cfg.height as f64, cfg.width as f64);
        let samples = |ms: f64| ms / cfg.dt_ms;
        let fold = Fold {
            dip: rng.uniform(-cfg.max_dip, cfg.max_dip),
            amplitude: samples(rng.uniform(0.0, cfg.max_fold_ms)),
            wavelength: w * rng.uniform(0.6, 2.0),
            phase: rng.uniform(0.0, TAU),
        };
        let fault = (rng.next_f64() < cfg.fault_probability).then(|| {
            let slope = rng.uniform(0.15, 0.6) * if rng.next_f64() < 0.5 { -1.0 } else { 1.0 };
            let x_mid = w * rng.uniform(0.3, 0.7);
            Fault { x_top: x_mid - slope * h / 2.0, slope, throw: samples(rng.uniform(0.25, 1.0) * MAX_THROW_MS) }
        });
        // The range of relative time the layers must cover.
        let shifts: Vec<f64> = (0..cfg.width).map(|x| fold.shift(x as f64, cfg.width)).collect();
        let lowest = shifts.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = shifts.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let u_min = lowest - fault.as_ref().map_or(0.0, |f| f.throw);
        let u_max = highest + h;
        let layers = draw_layers(cfg, u_min, u_max, rng);
        let mut channels = Vec::new();
        if cfg.has_channels() {
            let chances = ((h * cfg.dt_ms / MS_PER_CHANNEL).round() as usize).max(1);
            for _ in 0..chances {
                if rng.next_f64() < cfg.channel_probability {
                    let centre = w * rng.uniform(0.15, 0.85);
                    let shift = fold.shift(centre, cfg.width);
                    channels.push(draw_channel(cfg, centre, shift, rng));
                }
            }
        }
        Ok(Geometry { height: cfg.height, width: cfg.width, layers, fold, fault, channels })
    }
}

/// Draws contiguous layers from below `u_min` to past `u_max`, never two of
/// the same facies in a row.
fn draw_layers(cfg: &SeismicConfig, u_min: f64, u_max: f64, rng: &mut SplitMix64) -> Vec<Layer> {
    let facies: Vec<Facies> = Facies::ALL.iter().take(cfg.classes).copied().filter(|f| f.is_layered()).collect();
    let mut layers: Vec<Layer> = Vec::new();
    let mut previous = None;
    let mut top = u_min;
    while top <= u_max && layers.len() < MAX_LAYERS {
        let f = pick_facies(&facies, previous, rng);
        let p = f.properties();
        let thickness = (rng.uniform(p.thickness_ms.0, p.thickness_ms.1) / cfg.dt_ms).max(1.0);
        if layers.is_empty() {
            // Start part-way into the first layer.
            top -= rng.uniform(0.0, thickness);
        }
        let texture = smooth_noise(thickness.ceil() as usize + 2, p.texture_samples, rng);
        layers.push(Layer {
            facies: f,
            top,
            thickness,
            impedance: rng.uniform(p.impedance.0, p.impedance.1),
            lateral_gradient: rng.uniform(-0.04, 0.04),
            texture: texture.into_iter().map(|v| v * p.texture).collect(),
        });
        top += thickness;
        previous = Some(f);
    }
    layers
}

/// Draws a facies from `facies` by [`LAYER_WEIGHTS`], other than `previous`.
fn pick_facies(facies: &[Facies], previous: Option<Facies>, rng: &mut SplitMix64) -> Facies {
    let weight =
        |f: &Facies| if Some(*f) == previous { 0.0 } else { LAYER_WEIGHTS.get(f.label()).copied().unwrap_or(1.0) };
    let total: f64 = facies.iter().map(weight).sum();
    let mut pick = rng.uniform(0.0, total);
    for f in facies {
        pick -= weight(f);
        if pick < 0.0 {
            return *f;
        }
    }
    // Rounding: the last eligible facies.
    facies.iter().rev().find(|f| weight(f) > 0.0).copied().unwrap_or(Facies::Shale)
}

/// Draws a channel on axis `centre` whose top lies between 10 % and 70 % of
/// the section's height there (before any fault offset).
fn draw_channel(cfg: &SeismicConfig, centre: f64, shift: f64, rng: &mut SplitMix64) -> Channel {
    let p = Facies::ChannelFill.properties();
    let thickness = (rng.uniform(p.thickness_ms.0, p.thickness_ms.1) / cfg.dt_ms).max(2.0);
    let top = cfg.height as f64 * rng.uniform(0.1, 0.7) + shift;
    let rows = thickness.ceil() as usize + 2;
    // Chaotic texture: short beds in time that persist over only about
    // three traces laterally.
    let span = p.texture_samples.max(1);
    let white: Vec<f64> = (0..(rows + span - 1) * (cfg.width + 2)).map(|_| rng.normal()).collect();
    let scale = p.texture / ((span * 3) as f64).sqrt();
    let mut texture = Vec::with_capacity(rows * cfg.width);
    for r in 0..rows {
        for x in 0..cfg.width {
            let sum: f64 = (r..r + span).flat_map(|i| white.iter().skip(i * (cfg.width + 2) + x).take(3)).sum();
            texture.push(sum * scale);
        }
    }
    Channel {
        centre,
        half_width: cfg.width as f64 * rng.uniform(0.1, 0.25),
        top,
        thickness,
        impedance: rng.uniform(p.impedance.0, p.impedance.1),
        fining: rng.uniform(0.04, 0.12),
        texture,
        rows,
    }
}

/// `n` values of unit-variance Gaussian noise smoothed by a moving average of
/// `span` samples (`span <= 1`: white).
fn smooth_noise(n: usize, span: usize, rng: &mut SplitMix64) -> Vec<f64> {
    let span = span.max(1);
    let white: Vec<f64> = (0..n + span - 1).map(|_| rng.normal()).collect();
    let scale = 1.0 / (span as f64).sqrt();
    white.windows(span).map(|w| w.iter().sum::<f64>() * scale).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_and_channel_profile() {
        assert_eq!(interpolate(&[], 1.0), 0.0);
        assert_eq!(interpolate(&[1.0, 3.0], 0.5), 2.0);
        assert_eq!(interpolate(&[1.0, 3.0], -1.0), 1.0);
        assert_eq!(interpolate(&[1.0, 3.0], f64::NAN), 1.0);
        assert_eq!(interpolate(&[1.0, 3.0], 7.0), 3.0);
        let c = Channel {
            centre: 10.0,
            half_width: 4.0,
            top: 0.0,
            thickness: 8.0,
            impedance: 6.0,
            fining: 0.0,
            texture: vec![],
            rows: 0,
        };
        assert_eq!(c.depth(10.0), 8.0);
        assert_eq!(c.depth(12.0), 6.0);
        assert_eq!(c.depth(14.0), 0.0);
        assert_eq!(c.depth(30.0), 0.0);
    }

    #[test]
    fn textures_have_the_stated_strength_and_correlation() {
        let cfg = SeismicConfig { height: 256, width: 256, channel_probability: 1.0, ..Default::default() };
        let g = Geometry::draw(&cfg, &mut SplitMix64::new(8)).unwrap();
        let c = &g.channels[0];
        assert_eq!(c.texture.len(), c.rows * g.width);
        let n = c.texture.len() as f64;
        let sd = (c.texture.iter().map(|v| v * v).sum::<f64>() / n).sqrt();
        let p = Facies::ChannelFill.properties();
        assert!((sd / p.texture - 1.0).abs() < 0.2, "channel texture sd {sd}");
        let corr = |lag: usize| {
            let pairs = c.texture.len() - lag;
            c.texture.iter().zip(&c.texture[lag..]).map(|(a, b)| a * b).sum::<f64>() / pairs as f64 / (sd * sd)
        };
        // Three traces laterally: lag 1 shares two of three, lag 3 none; one
        // row down shares half of two samples.
        assert!((corr(1) - 2.0 / 3.0).abs() < 0.1 && corr(3).abs() < 0.1, "{} {}", corr(1), corr(3));
        assert!((corr(g.width) - 0.5).abs() < 0.15, "{}", corr(g.width));
        let shale: Vec<f64> =
            g.layers.iter().filter(|l| l.facies == Facies::Shale).flat_map(|l| l.texture.clone()).collect();
        let sd = (shale.iter().map(|v| v * v).sum::<f64>() / shale.len() as f64).sqrt();
        assert!((sd / Facies::Shale.properties().texture - 1.0).abs() < 0.35, "shale texture sd {sd}");
    }

    #[test]
    fn hanging_wall_is_the_side_the_fault_dips_towards() {
        let f = Fault { x_top: 10.0, slope: 0.5, throw: 4.0 };
        assert!(f.hanging_wall(0.0, 11.0) && !f.hanging_wall(0.0, 9.0));
        assert!(!f.hanging_wall(10.0, 14.0) && f.hanging_wall(10.0, 16.0));
        let g = Fault { slope: -0.5, ..f };
        assert!(g.hanging_wall(0.0, 9.0) && !g.hanging_wall(0.0, 11.0));
    }

    #[test]
    fn drawn_layers_are_contiguous_cover_the_section_and_alternate() {
        let cfg = SeismicConfig::default();
        let mut rng = SplitMix64::new(5);
        for _ in 0..50 {
            let g = Geometry::draw(&cfg, &mut rng).unwrap();
            let first = &g.layers[0];
            let last = &g.layers[g.layers.len() - 1];
            for t in [0, g.height - 1] {
                for x in 0..g.width {
                    let u = g.relative_time(t, x);
                    assert!(first.top <= u && u < last.top + last.thickness, "pixel ({t}, {x}) uncovered");
                }
            }
            for pair in g.layers.windows(2) {
                assert!((pair[0].top + pair[0].thickness - pair[1].top).abs() < 1e-9);
                assert_ne!(pair[0].facies, pair[1].facies);
                assert!(pair[0].thickness >= 1.0);
            }
            assert!(g.layers.iter().all(|l| l.facies.is_layered()));
            if let Some(f) = &g.fault {
                assert!(f.slope != 0.0 && f.throw >= 0.25 * MAX_THROW_MS / cfg.dt_ms);
            }
        }
        let two = SeismicConfig { classes: 2, ..cfg };
        let g = Geometry::draw(&two, &mut rng).unwrap();
        assert!(g.layers.iter().all(|l| l.facies.label() < 2));
        assert!(g.channels.is_empty());
        assert!(Geometry::draw(&SeismicConfig { classes: 1, ..two }, &mut rng).is_err());
    }
}
