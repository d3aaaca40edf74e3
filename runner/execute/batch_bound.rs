//! Refusing a batch size that cannot fit, before anything is allocated for
//! it: Rust's allocation-failure handler aborts the whole process (every
//! remaining run of the suite with it), and stable Rust cannot catch that.
//!
//! What is checked is a floor, not a prediction: the batch's inputs and
//! outputs (the model card's sample shapes, or its compulsory bytes per
//! sample, whichever is larger) must fit in the device's memory and in the
//! host's available memory. Activations and workspace come on top, so a
//! batch that passes may still fail in the backend (a one-line error for
//! that run, where the backend reports it rather than aborting).

use wattbench_workloads::ModelCard;

/// Bytes of one f32 value.
const F32_BYTES: u64 = 4;

/// Bytes that one sample's input and output need at least.
pub(crate) fn bytes_per_sample(card: &ModelCard) -> Option<u64> {
    let count = |shape: &[usize]| shape.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d as u64));
    let shapes = count(&card.input_shape)?.checked_add(count(&card.output_shape)?)?.checked_mul(F32_BYTES)?;
    Some(shapes.max(card.bytes_per_sample))
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / f64::from(1u32 << 30))
}

/// Refuses `batch` when its inputs and outputs alone exceed `device_memory`
/// (a GPU's total memory; `None` for the CPU or when unknown) or
/// `host_available` (the host's available memory, when known).
pub(crate) fn check_batch_fits(
    batch: usize,
    card: &ModelCard,
    device: &str,
    device_memory: Option<u64>,
    host_available: Option<u64>,
) -> Result<(), String> {
    let per_sample = bytes_per_sample(card).unwrap_or(u64::MAX);
    let shape = format!("{:?} in, {:?} out", card.input_shape, card.output_shape);
    let Some(need) = per_sample.checked_mul(batch as u64) else {
        return Err(format!(
            "batch size {batch} cannot fit: {per_sample} bytes per sample ({shape}) overflow any memory; use a smaller batch"
        ));
    };
    for (place, have) in [(device, device_memory), ("the host's available memory", host_available)] {
        if let Some(have) = have.filter(|&h| need > h) {
            return Err(format!(
                "batch size {batch} needs at least {} for its inputs and outputs alone ({per_sample} bytes per \
                 sample: {shape}), more than {place} ({}); use a smaller batch",
                gib(need),
                gib(have)
            ));
        }
    }
    Ok(())
}

/// The host's available memory (`MemAvailable` of /proc/meminfo), when known.
pub(crate) fn host_available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use wattbench_workloads::WeightsSource;

    fn card(input: &[usize], output: &[usize]) -> ModelCard {
        ModelCard {
            parameters: 1,
            flops_per_sample: 1,
            bytes_per_sample: 0,
            input_shape: input.to_vec(),
            output_shape: output.to_vec(),
            weights: WeightsSource::RandomInit { seed: 1 },
            architecture: BTreeMap::new(),
        }
    }

    #[test]
    fn a_batch_of_four_billion_is_refused_with_the_figures() {
        // The batch that once aborted the whole process (34 GB for its indices alone).
        let err = check_batch_fits(4_294_967_296, &card(&[24, 8], &[8]), "cuda:0", Some(80 << 30), Some(16 << 30))
            .unwrap_err();
        assert!(err.starts_with("batch size 4294967296 needs at least 3200.0 GiB"), "{err}");
        assert!(err.contains("800 bytes per sample") && err.contains("cuda:0 (80.0 GiB)"), "{err}");
        assert!(!err.contains('\n'));
    }

    #[test]
    fn host_memory_bounds_a_cpu_run_and_a_fitting_batch_passes() {
        let c = card(&[24, 8], &[8]);
        let err = check_batch_fits(1 << 20, &c, "cpu", None, Some(100 << 20)).unwrap_err();
        assert!(err.contains("the host's available memory (0.1 GiB)"), "{err}");
        assert!(check_batch_fits(1024, &c, "cpu", None, Some(100 << 20)).is_ok());
        assert!(check_batch_fits(usize::MAX, &card(&[usize::MAX], &[1]), "cpu", None, None).is_err());
    }
}
