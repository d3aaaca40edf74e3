//! Parameters of the seismic-facies workload.

use serde::{Deserialize, Serialize};

use super::config::SeismicConfig;

/// Every knob of the seismic-facies workload, with the `quick` size as default.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SeismicFaciesParams {
    /// Time samples per section (image rows).
    pub height: usize,
    /// Traces per section (image columns).
    pub width: usize,
    /// Facies classes, 2 to 6.
    pub classes: usize,
    /// Signal-to-noise ratio of the synthetic sections, dB.
    pub snr_db: f64,
    /// Seed of the sections (validation seed + 1, test seed + 2) and of a random initialisation.
    pub seed: u64,
    /// Sections to train on.
    pub train_sections: usize,
    /// Sections held out (also the performance samples).
    pub test_sections: usize,
    /// Channels of the U-Net's first level (doubling at each level).
    pub unet_width: usize,
    /// Poolings of the U-Net.
    pub depth: usize,
    /// A SEG-Y file (resolved against the data folder) to cut into sections
    /// instead of generating them; it has no labels, so quality is not gated.
    pub segy_file: Option<String>,
    /// Optional weights: a Burn named-MessagePack file, or `reference:NAME`.
    pub weights: Option<String>,
}

impl Default for SeismicFaciesParams {
    fn default() -> Self {
        Self {
            height: 64,
            width: 64,
            classes: 6,
            snr_db: SeismicConfig::default().snr_db,
            seed: 31,
            train_sections: 800,
            test_sections: 100,
            unet_width: 8,
            depth: 2,
            segy_file: None,
            weights: None,
        }
    }
}

impl SeismicFaciesParams {
    /// The generator's configuration.
    pub fn config(&self) -> SeismicConfig {
        SeismicConfig {
            height: self.height,
            width: self.width,
            classes: self.classes,
            snr_db: self.snr_db,
            ..Default::default()
        }
    }

    /// Checks what serde cannot, naming the first bad parameter.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        crate::workload::require_positive(&[
            ("train_sections", self.train_sections),
            ("test_sections", self.test_sections),
            ("unet_width", self.unet_width),
        ])?;
        let multiple = 1usize << self.depth.min(16);
        if self.depth > 6 || self.height % multiple != 0 || self.width % multiple != 0 {
            return Err((
                "depth",
                format!("height and width must be multiples of 2^depth (depth {} of at most 6)", self.depth),
            ));
        }
        self.config().validate().map_err(|e| ("height", e))
    }
}
