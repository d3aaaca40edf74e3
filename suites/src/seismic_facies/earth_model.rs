//! The earth model of a section: facies label and acoustic impedance at
//! every pixel, sampled from a [`Geometry`].

use super::facies::Facies;
use super::geometry::Geometry;

/// Layer index given to pixels inside the channel body.
pub const IN_CHANNEL: u32 = u32::MAX;

/// Smallest impedance factor a texture may apply (keeps impedances positive).
const MIN_FACTOR: f64 = 0.5;

/// Facies labels and impedances of a `height × width` section, row-major
/// (`[t * width + x]`, time sample `t`, trace `x`).
#[derive(Clone, Debug, PartialEq)]
pub struct EarthModel {
    /// Time samples.
    pub height: usize,
    /// Traces.
    pub width: usize,
    /// Facies label of each pixel.
    pub labels: Vec<u32>,
    /// Acoustic impedance of each pixel, 10⁶ kg m⁻² s⁻¹ (positive).
    pub impedance: Vec<f64>,
    /// Index into [`Geometry::layers`] of each pixel, or [`IN_CHANNEL`].
    pub layer: Vec<u32>,
}

impl EarthModel {
    /// Samples the geometry at every pixel. A layer's impedance is its mean,
    /// times its lateral gradient, times `1 +` its texture at the pixel's
    /// depth below the layer top (in relative time, so textures follow the
    /// layering); the channel's is its mean, times its fining-upward trend,
    /// times `1 +` its chaotic texture. A geometry without layers gives
    /// shale of impedance 1 outside any channel.
    pub fn build(g: &Geometry) -> EarthModel {
        let n = g.height * g.width;
        let mut labels = Vec::with_capacity(n);
        let mut impedance = Vec::with_capacity(n);
        let mut layer = Vec::with_capacity(n);
        let last_trace = g.width.saturating_sub(1).max(1) as f64;
        let shifts: Vec<f64> = (0..g.width).map(|x| g.fold.shift(x as f64, g.width)).collect();
        for t in 0..g.height {
            for (x, &shift) in shifts.iter().enumerate() {
                let u = g.relative_time_shifted(t, x, shift);
                let (label, z, index) = match channel_pixel(g, u, x) {
                    Some(z) => (Facies::ChannelFill.label(), z, IN_CHANNEL),
                    None => {
                        let i = g.layers.partition_point(|l| l.top <= u).saturating_sub(1);
                        match g.layers.get(i) {
                            Some(l) => {
                                let lateral = 1.0 + l.lateral_gradient * (x as f64 / last_trace - 0.5);
                                let z = l.impedance * lateral * (1.0 + l.texture_at(u - l.top)).max(MIN_FACTOR);
                                (l.facies.label(), z, i as u32)
                            }
                            None => (Facies::Shale.label(), 1.0, 0),
                        }
                    }
                };
                labels.push(label as u32);
                impedance.push(z);
                layer.push(index);
            }
        }
        EarthModel { height: g.height, width: g.width, labels, impedance, layer }
    }

    /// The impedance column of trace `x` (empty when out of range).
    pub fn column(&self, x: usize) -> Vec<f64> {
        if x >= self.width {
            return Vec::new();
        }
        self.impedance.iter().skip(x).step_by(self.width).copied().collect()
    }
}

/// The impedance of the first channel that contains relative time `u` on
/// trace `x`, or `None` when the pixel lies outside every channel.
fn channel_pixel(g: &Geometry, u: f64, x: usize) -> Option<f64> {
    let c = g.channels.iter().find(|c| u >= c.top && u - c.top < c.depth(x as f64))?;
    let v = u - c.top;
    let trend = 1.0 + c.fining * (0.5 - v / c.thickness);
    // Interpolate the texture between the grid rows around `v` on this trace.
    let row = v.floor() as usize;
    let at = |r: usize| c.texture.get(r.min(c.rows.saturating_sub(1)) * g.width + x).copied().unwrap_or(0.0);
    let f = v - row as f64;
    let texture = at(row) * (1.0 - f) + at(row + 1) * f;
    Some(c.impedance * trend * (1.0 + texture).max(MIN_FACTOR))
}

#[cfg(test)]
mod tests {
    use super::super::config::SeismicConfig;
    use super::super::geometry::Fault;
    use super::super::reflectivity::reflectivity;
    use super::*;
    use crate::rng::SplitMix64;

    fn draw(cfg: &SeismicConfig, seed: u64) -> Geometry {
        Geometry::draw(cfg, &mut SplitMix64::new(seed)).unwrap()
    }

    fn plain() -> SeismicConfig {
        SeismicConfig { fault_probability: 0.0, channel_probability: 0.0, ..Default::default() }
    }

    #[test]
    fn layers_are_ordered_in_depth_without_a_fault() {
        for seed in 0..30 {
            let g = draw(&plain(), seed);
            let m = EarthModel::build(&g);
            assert_eq!(m.labels.len(), 64 * 64);
            for x in 0..m.width {
                for t in 1..m.height {
                    let (above, here) = (m.layer[(t - 1) * m.width + x], m.layer[t * m.width + x]);
                    assert!(above <= here, "seed {seed}: layer {here} above {above} on trace {x}");
                    assert_eq!(m.labels[t * m.width + x] as usize, g.layers[here as usize].facies.label());
                    if here != above {
                        // The interface lies between the two samples.
                        let top = g.layers[here as usize].top - g.fold.shift(x as f64, m.width);
                        assert!(((t - 1) as f64) < top && top <= t as f64, "seed {seed}: top {top} at {t}");
                    }
                }
            }
            assert!(m.impedance.iter().all(|z| z.is_finite() && *z > 0.0));
        }
    }

    #[test]
    fn a_fault_moves_the_hanging_wall_down_by_the_throw() {
        let cfg = SeismicConfig { fault_probability: 1.0, channel_probability: 1.0, ..Default::default() };
        for seed in 0..20 {
            let mut g = draw(&cfg, seed);
            let fault = Fault { throw: 7.0, ..g.fault.clone().unwrap() };
            g.fault = Some(fault.clone());
            let faulted = EarthModel::build(&g);
            let unfaulted = EarthModel::build(&Geometry { fault: None, ..g.clone() });
            let mut moved = 0;
            for t in 0..g.height {
                for x in 0..g.width {
                    let here = faulted.labels[t * g.width + x];
                    if !fault.hanging_wall(t as f64, x as f64) {
                        assert_eq!(here, unfaulted.labels[t * g.width + x], "seed {seed}: footwall moved");
                    } else if t >= 7 {
                        assert_eq!(here, unfaulted.labels[(t - 7) * g.width + x], "seed {seed}: ({t}, {x})");
                        moved += usize::from(here != unfaulted.labels[t * g.width + x]);
                    }
                }
            }
            assert!(moved > 0, "seed {seed}: the fault changed nothing");
        }
    }

    #[test]
    fn the_channel_is_a_lens_of_channel_fill() {
        let cfg = SeismicConfig { fault_probability: 0.0, channel_probability: 1.0, ..Default::default() };
        for seed in 0..20 {
            let g = draw(&cfg, seed);
            assert_eq!(g.channels.len(), 1);
            let c = g.channels[0].clone();
            let m = EarthModel::build(&g);
            let fill = Facies::ChannelFill.label() as u32;
            let mut count = 0;
            for t in 0..g.height {
                for x in 0..g.width {
                    let i = t * g.width + x;
                    let v = g.relative_time(t, x) - c.top;
                    let inside = v >= 0.0 && v < c.depth(x as f64);
                    assert_eq!(m.labels[i] == fill, inside, "seed {seed}: ({t}, {x})");
                    assert_eq!(m.layer[i] == IN_CHANNEL, inside);
                    count += usize::from(inside);
                }
            }
            assert!(count > 10, "seed {seed}: channel of {count} pixels");
        }
    }

    #[test]
    fn reflectivity_only_at_interfaces_of_homogeneous_layers() {
        for seed in 0..10 {
            let mut g = draw(&plain(), seed);
            for l in &mut g.layers {
                l.texture.clear();
                l.lateral_gradient = 0.0;
            }
            let m = EarthModel::build(&g);
            for x in 0..m.width {
                let z = m.column(x);
                let r = reflectivity(&z);
                for t in 1..m.height {
                    let (above, here) = (m.layer[(t - 1) * m.width + x], m.layer[t * m.width + x]);
                    if above == here {
                        assert_eq!(r[t], 0.0, "seed {seed}: reflection inside layer {here}");
                    } else {
                        assert!(r[t] != 0.0);
                        assert_eq!(r[t] > 0.0, z[t] > z[t - 1], "wrong sign");
                    }
                }
            }
        }
        assert!(EarthModel::build(&draw(&plain(), 0)).column(64).is_empty());
    }
}
