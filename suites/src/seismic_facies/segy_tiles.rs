//! Cutting a real section into fixed-size tiles for a segmentation model.

use super::normalise::normalise_rms;
use super::segy::{SegyError, SegySection};
use super::synthetic::MAX_ELEMENTS;
use crate::dataset::{Dataset, Targets};

/// Cuts `section` into non-overlapping `height × width` tiles (time samples
/// × traces) from its first sample and trace; the samples and traces left
/// over at the bottom and right edges are dropped. Tile `i * columns + j`
/// covers samples `i·height..(i+1)·height` of traces `j·width..(j+1)·width`,
/// with `columns = traces / width`. Each tile is normalised by the
/// generator's rule: divided by its own RMS (an all-zero tile stays zero).
///
/// The facies of real data are unknown: the targets are
/// `Targets::Classes` with `classes` classes and **every label 0**, only so
/// that the tiles fit the same pipeline; they are no ground truth, and no
/// quality can be measured or gated on them. Returns `Err` when a side or
/// `classes` is zero, the section is smaller than one tile, or the tiles
/// would exceed [`MAX_ELEMENTS`] values.
pub fn tile_dataset(section: &SegySection, height: usize, width: usize, classes: usize) -> Result<Dataset, SegyError> {
    let fail = |reason: String| Err(SegyError::Tiles { reason });
    if height == 0 || width == 0 || classes == 0 {
        return fail(format!("tile {height} × {width} with {classes} classes: all must be > 0"));
    }
    if section.data.len() != section.samples.saturating_mul(section.traces) {
        return fail(format!("{} values for {} × {}", section.data.len(), section.samples, section.traces));
    }
    let (rows, columns) = (section.samples / height, section.traces / width);
    if rows == 0 || columns == 0 {
        return fail(format!(
            "a section of {} samples × {} traces holds no whole tile of {height} × {width}",
            section.samples, section.traces
        ));
    }
    let n = rows * columns;
    let per_sample = height * width;
    if per_sample.checked_mul(n).is_none_or(|t| t > MAX_ELEMENTS) {
        return fail(format!("{n} tiles of {height} × {width} exceed {MAX_ELEMENTS} values"));
    }
    let mut inputs = Vec::with_capacity(n * per_sample);
    let mut tile = Vec::with_capacity(per_sample);
    for i in 0..rows {
        for j in 0..columns {
            tile.clear();
            for t in i * height..(i + 1) * height {
                let start = t * section.traces + j * width;
                tile.extend_from_slice(section.data.get(start..start + width).unwrap_or_default());
            }
            normalise_rms(&mut tile);
            inputs.extend_from_slice(&tile);
        }
    }
    Ok(Dataset {
        inputs,
        input_shape: vec![height, width],
        targets: Targets::Classes { labels: vec![0; n * per_sample], per_sample, classes },
        n,
    })
}

#[cfg(test)]
mod tests {
    use super::super::normalise::rms;
    use super::super::segy::parse_segy;
    use super::super::segy::testing::build;
    use super::*;

    #[test]
    fn tiles_in_order_normalised_with_zero_labels() {
        // 20 samples × 35 traces, value = 1000 + 100·trace + sample.
        let traces: Vec<Vec<f32>> = (0..35).map(|k| (0..20).map(|s| (1000 + 100 * k + s) as f32).collect()).collect();
        let section = parse_segy(&build(1, 2000, &traces)).unwrap();
        let d = tile_dataset(&section, 8, 10, 6).unwrap();
        assert_eq!(d.check(), Ok(()));
        assert_eq!((d.n, d.input_shape.clone()), (2 * 3, vec![8, 10]));
        assert_eq!(d.targets, Targets::Classes { labels: vec![0; 6 * 80], per_sample: 80, classes: 6 });
        for i in 0..2 {
            for j in 0..3 {
                let tile = d.input(i * 3 + j);
                assert!((rms(tile) - 1.0).abs() < 1e-5);
                // Undo the normalisation with the raw tile's RMS and compare.
                let raw: Vec<f32> = (0..80).map(|p| (1000 + 100 * (j * 10 + p % 10) + i * 8 + p / 10) as f32).collect();
                let scale = rms(&raw) as f32;
                for p in 0..80 {
                    assert!((tile[p] * scale - raw[p]).abs() < 1e-2, "tile ({i}, {j}) pixel {p}");
                }
            }
        }
        // One tile exactly the size of the section.
        assert_eq!(tile_dataset(&section, 20, 35, 2).unwrap().n, 1);
    }

    #[test]
    fn impossible_tilings_are_errors() {
        let section = parse_segy(&build(5, 2000, &vec![vec![0.0; 16]; 16])).unwrap();
        let zero = tile_dataset(&section, 16, 16, 3).unwrap();
        assert!(zero.inputs.iter().all(|&v| v == 0.0));
        for (h, w, c) in [(0, 8, 3), (8, 0, 3), (8, 8, 0), (17, 8, 3), (8, 17, 3)] {
            let e = tile_dataset(&section, h, w, c).unwrap_err();
            assert!(matches!(e, SegyError::Tiles { .. }), "{h} {w} {c}: {e}");
        }
        let broken = SegySection { data: vec![0.0; 3], ..section };
        assert!(tile_dataset(&broken, 8, 8, 3).is_err());
    }
}
