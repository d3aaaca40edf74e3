//! The facies classes and the rock properties the generator draws for them.
//!
//! Impedances are acoustic impedances `Z = ρ v` in units of
//! 10⁶ kg m⁻² s⁻¹ (equivalently km/s × g/cm³); the ranges are typical of
//! clastic, carbonate and evaporite sequences of a sedimentary basin.

/// A facies class; its label is its position in [`Facies::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Facies {
    /// Shale: intermediate impedance, interbedded (laterally continuous, moderate parallel reflectors).
    Shale,
    /// Sand (porous, brine or gas bearing): mostly softer than shale, massive, nearly clean inside.
    Sand,
    /// Carbonate (limestone, dolomite): hard, in thicker internal beds.
    Carbonate,
    /// Salt (halite): uniform impedance, thick, seismically transparent inside.
    Salt,
    /// Coal: very soft and thin, a strong negative-positive doublet.
    Coal,
    /// Channel fill: a soft lens with an erosional base and chaotic internal reflections.
    ChannelFill,
}

/// Rock properties of one facies as drawn by the generator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaciesProperties {
    /// Range `[lo, hi)` of a layer's mean impedance, 10⁶ kg m⁻² s⁻¹.
    pub impedance: (f64, f64),
    /// Range `[lo, hi)` of a layer's (or channel's) thickness in milliseconds
    /// of two-way time.
    pub thickness_ms: (f64, f64),
    /// Standard deviation of the internal impedance texture, as a fraction
    /// of the layer's mean impedance.
    pub texture: f64,
    /// Correlation length of the texture along the time axis in samples (a
    /// moving average of this many white values). Textures of one or two
    /// samples lie mostly above the wavelet's band and barely image; three
    /// to six samples (6-12 ms at 2 ms) image as internal reflections.
    pub texture_samples: usize,
}

impl Facies {
    /// All facies in label order.
    pub const ALL: [Facies; 6] =
        [Facies::Shale, Facies::Sand, Facies::Carbonate, Facies::Salt, Facies::Coal, Facies::ChannelFill];

    /// The class label (position in [`Facies::ALL`]).
    pub fn label(self) -> usize {
        match self {
            Facies::Shale => 0,
            Facies::Sand => 1,
            Facies::Carbonate => 2,
            Facies::Salt => 3,
            Facies::Coal => 4,
            Facies::ChannelFill => 5,
        }
    }

    /// The facies of a label, `None` when out of range.
    pub fn from_label(label: usize) -> Option<Facies> {
        Facies::ALL.get(label).copied()
    }

    /// A short lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Facies::Shale => "shale",
            Facies::Sand => "sand",
            Facies::Carbonate => "carbonate",
            Facies::Salt => "salt",
            Facies::Coal => "coal",
            Facies::ChannelFill => "channel fill",
        }
    }

    /// The rock properties the generator draws from.
    pub fn properties(self) -> FaciesProperties {
        let p = |impedance, thickness_ms, texture, texture_samples| FaciesProperties {
            impedance,
            thickness_ms,
            texture,
            texture_samples,
        };
        match self {
            Facies::Shale => p((5.8, 7.4), (24.0, 60.0), 0.06, 4),
            Facies::Sand => p((4.4, 6.2), (16.0, 48.0), 0.01, 4),
            Facies::Carbonate => p((10.5, 14.5), (16.0, 48.0), 0.05, 6),
            Facies::Salt => p((9.3, 9.9), (40.0, 100.0), 0.002, 8),
            Facies::Coal => p((2.8, 3.8), (6.0, 12.0), 0.02, 2),
            Facies::ChannelFill => p((4.6, 6.6), (16.0, 40.0), 0.18, 2),
        }
    }

    /// Whether this facies forms sheet-like layers (all but channel fill,
    /// which forms lens-shaped bodies cut into the layers).
    pub fn is_layered(self) -> bool {
        self != Facies::ChannelFill
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_properties_are_sane() {
        for (i, f) in Facies::ALL.iter().enumerate() {
            assert_eq!(f.label(), i);
            assert_eq!(Facies::from_label(i), Some(*f));
            let p = f.properties();
            assert!(0.0 < p.impedance.0 && p.impedance.0 < p.impedance.1, "{}", f.name());
            assert!(0.0 < p.thickness_ms.0 && p.thickness_ms.0 < p.thickness_ms.1);
            assert!((0.0..0.2).contains(&p.texture) && p.texture_samples >= 1);
        }
        assert_eq!(Facies::from_label(6), None);
        assert!(!Facies::ChannelFill.is_layered() && Facies::Coal.is_layered());
        // Salt is harder than the clastics, carbonate the hardest, coal the softest.
        let z = |f: Facies| f.properties().impedance;
        assert!(z(Facies::Salt).0 > z(Facies::Shale).1 && z(Facies::Carbonate).0 > z(Facies::Salt).1);
        assert!(z(Facies::Coal).1 < z(Facies::Sand).0);
        // Sand is softer than shale on average, but the ranges overlap.
        let mid = |f: Facies| (z(f).0 + z(f).1) / 2.0;
        assert!(mid(Facies::Sand) < mid(Facies::Shale) && z(Facies::Sand).1 > z(Facies::Shale).0);
    }
}
