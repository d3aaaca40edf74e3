//! Oil and gas: facies segmentation of 2D seismic sections by a U-Net. The
//! sections are synthetic (a layered, dipping, folded and faulted earth
//! model whose reflectivity is convolved with a Ricker wavelet) or cut from
//! a SEG-Y file, which has no labels.

pub mod config;
pub mod earth_model;
pub mod facies;
pub mod geometry;
pub mod ibm_float;
pub mod model;
pub mod normalise;
mod packed;
pub mod params;
pub mod reflectivity;
pub mod section;
pub mod segy;
pub mod segy_tiles;
pub mod synthetic;
pub mod text_header;
pub mod wavelet;

#[cfg(test)]
mod physics_tests;

pub use params::SeismicFaciesParams;

use burn::tensor::backend::Backend;

use crate::dataset::Dataset;
use crate::error::WorkloadError;
use crate::tensor_workload::{ModelShape, QualityMetric, Split, TensorSpec};
use crate::PrepareContext;
use model::UNet;

/// Identifier of this workload in suite files.
pub const ID: &str = "seismic-facies";

/// Sections of the training set the baseline is fitted on at run time.
const BASELINE_SECTIONS: usize = 60;

fn bad(name: &str, reason: String) -> WorkloadError {
    WorkloadError::BadParameter { workload: ID.into(), name: name.into(), reason }
}

/// The model's sizes for parameters `p`.
fn unet_config(p: &SeismicFaciesParams) -> model::UNetConfig {
    model::UNetConfig { width: p.unet_width, depth: p.depth, classes: p.classes }
}

/// The seismic-facies workload.
pub struct SeismicFacies;

impl TensorSpec for SeismicFacies {
    const ID: &'static str = ID;
    const SECTOR: &'static str = "oil and gas";
    const TASK: &'static str = "facies segmentation of 2D seismic sections";
    const MODEL: &'static str = "U-Net";
    type Params = SeismicFaciesParams;
    type Model<B: Backend> = UNet<B>;

    fn check(p: &Self::Params) -> Result<(), (&'static str, String)> {
        p.check()
    }
    crate::weights_and_seed_from_params!();
    fn labelled(p: &Self::Params) -> bool {
        p.segy_file.is_none()
    }
    fn data(p: &Self::Params, split: Split, ctx: &PrepareContext) -> Result<(Dataset, String), WorkloadError> {
        if let (Some(file), Split::Test) = (&p.segy_file, split) {
            let path = ctx.resolve_data_path(file);
            let section = segy::read_segy(&path).map_err(|e| bad("segy_file", format!("{}: {e}", path.display())))?;
            let tiles = segy_tiles::tile_dataset(&section, p.height, p.width, p.classes)
                .map_err(|e| bad("segy_file", format!("{}: {e}", path.display())))?;
            let words = format!(
                "{} (SEG-Y, {} tiles of {}x{}, no labels)",
                crate::portable_path(file),
                tiles.n,
                p.height,
                p.width
            );
            return Ok((tiles, words));
        }
        let (n, seed) = split.size_and_seed(p.train_sections, p.test_sections, p.seed);
        let d = synthetic::dataset(&p.config(), n, seed).map_err(|e| bad("height", e))?;
        let words = format!(
            "synthetic seismic sections {}x{}, {} facies, seed {seed}, {n} sections",
            p.height, p.width, p.classes
        );
        Ok((d, words))
    }
    fn init<B: Backend>(p: &Self::Params, device: &B::Device) -> Self::Model<B> {
        unet_config(p).init(device)
    }
    fn shape(p: &Self::Params) -> ModelShape {
        let arch = [
            ("height", p.height),
            ("width", p.width),
            ("classes", p.classes),
            ("unet_width", p.unet_width),
            ("depth", p.depth),
        ];
        ModelShape::with_sizes(unet_config(p).parameters(), unet_config(p).flops_per_sample(p.height, p.width), &arch)
    }
    fn metric(_p: &Self::Params) -> QualityMetric {
        QualityMetric::Accuracy
    }
    fn baseline(p: &Self::Params, train: Option<&Dataset>, test: &Dataset, _ctx: &PrepareContext) -> Option<f64> {
        if !Self::labelled(p) {
            return None;
        }
        let cfg = p.config();
        match train {
            Some(t) => Some(synthetic::baseline(&cfg, t, test)),
            None => {
                synthetic::dataset(&cfg, BASELINE_SECTIONS, p.seed).ok().map(|t| synthetic::baseline(&cfg, &t, test))
            }
        }
    }
    fn gate_key(p: &Self::Params) -> serde_json::Value {
        let key = SeismicFaciesParams { weights: None, train_sections: 0, ..p.clone() };
        serde_json::to_value(key).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor_workload::Net;
    use burn::backend::Flex;
    use burn::module::Module;
    use burn::tensor::Tensor;

    #[test]
    fn shapes_and_parameter_count() {
        for (w, depth) in [(8, 2), (4, 3)] {
            let p = SeismicFaciesParams { unet_width: w, depth, ..Default::default() };
            let device = Default::default();
            let m = SeismicFacies::init::<Flex>(&p, &device);
            assert_eq!(m.num_params() as u64, SeismicFacies::shape(&p).parameters);
            assert_eq!(m.forward(Tensor::zeros([2, 64, 64], &device)).dims(), [2, 64 * 64 * 6]);
        }
    }

    #[test]
    fn a_malformed_segy_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("short.sgy"), [0u8; 100]).unwrap();
        let p = SeismicFaciesParams { segy_file: Some("short.sgy".into()), ..Default::default() };
        let ctx = PrepareContext { data_dir: Some(dir.path().into()), ..Default::default() };
        let err = SeismicFacies::data(&p, Split::Test, &ctx).unwrap_err().to_string();
        assert!(err.contains("short.sgy") && err.contains("segy_file"), "{err}");
    }
}
