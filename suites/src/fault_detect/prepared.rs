//! The fault classifier staged for a run: the test windows on the host, the
//! model on the device, accuracy gated against the reference model's.

use crate::weights::load_weights;
use burn::tensor::backend::Backend;

use super::dataset::FaultDataset;
use super::model::{Classify, CnnShape, FaultCnn, PackedFaultCnn, CHANNELS, CLASSES};
use super::params::FaultDetectParams;
use super::waveform::WaveformConfig;
use crate::batch_split::{Replica, Workers};
use crate::error::WorkloadError;
use crate::fingerprint;
use crate::reference;
use crate::tensor_workload::stage_batch;
use crate::training::TrainCard;
use crate::workload::{DataCard, ModelCard, PreparedWorkload, Probe, QualityReport, WeightsSource};
use crate::PrepareContext;

/// The reference weights whose accuracy defines the gate.
pub const REFERENCE: &str = "fault-detect-quick";
/// The gate: this fraction of the reference accuracy (as in MLPerf's closed division).
pub const GATE_FRACTION: f64 = 0.99;

fn bad(name: &str, reason: String) -> WorkloadError {
    WorkloadError::BadParameter { workload: super::ID.into(), name: name.into(), reason }
}

/// Fixed input scale: voltages in per-unit stay as they are, currents (up to
/// about 12 pu in a fault) are divided by 10.
pub fn normalise(window: &mut [f32], samples: usize) {
    for (ch, chunk) in window.chunks_mut(samples).enumerate() {
        if ch >= 3 {
            chunk.iter_mut().for_each(|v| *v /= 10.0);
        }
    }
}

/// The dataset of `per_class` windows per class with seed `seed`, normalised.
pub fn dataset(p: &FaultDetectParams, per_class: usize, seed: u64) -> Result<FaultDataset, WorkloadError> {
    let cfg = WaveformConfig { samples: p.samples, ..Default::default() };
    let mut d = FaultDataset::generate(&cfg, per_class, seed).map_err(|e| bad("samples", e))?;
    for w in d.inputs.chunks_mut(CHANNELS * p.samples) {
        normalise(w, p.samples);
    }
    Ok(d)
}

/// The architecture for `p`.
pub fn shape(p: &FaultDetectParams) -> CnnShape {
    CnnShape { samples: p.samples, widths: p.widths }
}

/// The reference accuracy, when the embedded reference has this
/// architecture and was scored on the same test data (sha256 `data_sha256`).
fn reference_accuracy(p: &FaultDetectParams, data_sha256: &str) -> Option<f64> {
    let r = reference::reference(REFERENCE)?;
    let card: TrainCard = serde_json::from_str(r.card).ok()?;
    let same = card.data_sha256 == data_sha256
        && card.params.get("widths") == serde_json::to_value(p.widths).ok().as_ref()
        && card.params.get("samples").and_then(|v| v.as_u64()) == Some(p.samples as u64);
    same.then_some(card.test_metric)
}

/// The classifier ready to run on backend `B`.
pub struct PreparedFaultDetect<B: Backend> {
    /// The model and its packed form (what runs use, where the model
    /// packs), one replica per worker a batch is split across.
    workers: Workers<Replica<FaultCnn<B>, PackedFaultCnn<B>>>,
    device: B::Device,
    test: FaultDataset,
    reference_accuracy: Option<f64>,
    model_card: ModelCard,
    data_card: DataCard,
}

/// Stages data and model.
pub fn prepare<B: Backend>(
    p: &FaultDetectParams,
    ctx: &PrepareContext,
    device: &B::Device,
) -> Result<PreparedFaultDetect<B>, WorkloadError> {
    p.check().map_err(|(n, r)| bad(n, r))?;
    let test = dataset(p, p.test_per_class, p.seed.wrapping_add(1))?;
    let labels: Vec<f32> = test.labels.iter().map(|&l| l as f32).collect();
    let sha256 = fingerprint::sha256_f32(&[&test.inputs, &labels]);
    let shape = shape(p);
    B::seed(device, p.seed);
    let model = FaultCnn::<B>::new(&shape, device);
    let (model, weights) = match &p.weights {
        Some(spec) => load_weights(model, spec, ctx, device)?,
        None => (model, WeightsSource::RandomInit { seed: p.seed }),
    };
    let model_card = ModelCard {
        parameters: shape.parameters(),
        flops_per_sample: shape.flops_per_sample(),
        bytes_per_sample: 4 * (CHANNELS * p.samples + CLASSES) as u64,
        input_shape: vec![CHANNELS, p.samples],
        output_shape: vec![CLASSES],
        weights,
        architecture: [("widths", format!("{:?}", p.widths)), ("samples", p.samples.to_string())]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    };
    let data_card = DataCard {
        source: format!(
            "synthetic 3-phase fault waveforms, seed {}, {} per class",
            p.seed.wrapping_add(1),
            p.test_per_class
        ),
        sha256,
        performance_samples: test.n,
        test_samples: test.n,
    };
    let packs = ctx.packs_layers();
    Ok(PreparedFaultDetect {
        workers: Workers::of_model(ctx.workers(), model, |m| if packs { m.packed() } else { None }),
        device: device.clone(),
        test,
        reference_accuracy: reference_accuracy(p, &data_card.sha256),
        model_card,
        data_card,
    })
}

/// Logits of `indices` of `data`, on the host.
pub fn logits<B: Backend>(
    model: &dyn Classify<B>,
    data: &FaultDataset,
    indices: &[usize],
    batch: &mut Vec<f32>,
    device: &B::Device,
) -> Result<Vec<f32>, WorkloadError> {
    let windows = indices.iter().map(|&i| data.input(i % data.n.max(1)));
    let input = stage_batch(windows, [CHANNELS, data.samples], model.transposed_input(), batch, device);
    let out = model.classify(input).try_into_data().map_err(|e| WorkloadError::Execution(format!("{e:?}")))?;
    out.convert::<f32>().into_vec::<f32>().map_err(|e| WorkloadError::Execution(format!("{e:?}")))
}

/// Fraction of `data` whose argmax logit is its label.
pub fn accuracy_of<B: Backend>(
    model: &dyn Classify<B>,
    data: &FaultDataset,
    device: &B::Device,
) -> Result<f64, WorkloadError> {
    let (mut correct, mut batch) = (0usize, Vec::new());
    let all: Vec<usize> = (0..data.n).collect();
    for chunk in all.chunks(256) {
        let l = logits(model, data, chunk, &mut batch, device)?;
        for (row, &i) in l.chunks(CLASSES).zip(chunk) {
            let best = row.iter().enumerate().fold((0, f32::MIN), |b, (k, &v)| if v > b.1 { (k, v) } else { b }).0;
            correct += usize::from(best as u32 == data.labels[i]);
        }
    }
    Ok(correct as f64 / data.n.max(1) as f64)
}

/// What runs execute: the packed form where there is one (a function of
/// the two fields, so that the staging buffer can be borrowed beside it).
fn net<'a, B: Backend>(model: &'a FaultCnn<B>, packed: &'a Option<PackedFaultCnn<B>>) -> &'a dyn Classify<B> {
    match packed {
        Some(p) => p,
        None => model,
    }
}

impl<B: Backend> PreparedFaultDetect<B> {
    /// Logits of `samples` of the test set, through [`net`], the batch
    /// split across the workers.
    fn logits_of(&mut self, samples: &[usize]) -> Result<Vec<f32>, WorkloadError> {
        let (test, device) = (&self.test, &self.device);
        self.workers.run(samples, |r, slice| logits(net(&r.model, &r.packed), test, slice, &mut r.staging, device))
    }
}

impl<B: Backend> PreparedWorkload for PreparedFaultDetect<B> {
    fn sample_count(&self) -> usize {
        self.test.n
    }
    fn run(&mut self, samples: &[usize]) -> Result<(), WorkloadError> {
        self.logits_of(samples).map(|_| ())
    }
    fn sync(&mut self) -> Result<(), WorkloadError> {
        B::sync(&self.device).map_err(|e| WorkloadError::Execution(format!("{e:?}")))
    }
    fn accuracy(&mut self) -> Result<QualityReport, WorkloadError> {
        let first = self.workers.first();
        let value = accuracy_of(net(&first.model, &first.packed), &self.test, &self.device)?;
        let threshold = self.reference_accuracy.map(|r| GATE_FRACTION * r);
        Ok(QualityReport {
            metric: "accuracy".into(),
            value,
            lower_is_better: false,
            threshold,
            passes: threshold.map(|t| value >= t),
            gate: match self.reference_accuracy {
                Some(r) => format!("at least {GATE_FRACTION} x the reference accuracy {r:.4}"),
                None => "not gated: no reference model of this architecture was scored on this data".into(),
            },
            baseline: Some(1.0 / CLASSES as f64),
            samples: self.test.n,
            gate_data_sha256: self.reference_accuracy.map(|_| self.data_card.sha256.clone()),
        })
    }
    fn model_card(&self) -> &ModelCard {
        &self.model_card
    }
    fn data_card(&self) -> &DataCard {
        &self.data_card
    }
    fn probe(&mut self, samples: &[usize]) -> Option<Result<Probe, WorkloadError>> {
        let outputs = match self.logits_of(samples) {
            Ok(o) => o,
            Err(e) => return Some(Err(e)),
        };
        let inputs: Vec<f32> = samples.iter().flat_map(|&i| self.test.input(i % self.test.n.max(1)).to_vec()).collect();
        let input_shape = vec![samples.len(), CHANNELS, self.test.samples];
        Some(Ok(Probe { input_shape, inputs, output_shape: vec![samples.len(), CLASSES], outputs }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::backend::Flex;

    #[test]
    fn the_reference_passes_its_own_gate_and_beats_chance() {
        let p = FaultDetectParams { weights: Some("reference:fault-detect-quick".into()), ..Default::default() };
        let mut w = prepare::<Flex>(&p, &PrepareContext::default(), &Default::default()).unwrap();
        let q = w.accuracy().unwrap();
        assert_eq!((q.metric.as_str(), q.lower_is_better), ("accuracy", false));
        assert_eq!(q.passes, Some(true), "{q:?}");
        assert!(q.value > 0.95 && q.threshold.unwrap() > 0.9, "{q:?}");
        w.run(&[0, 1, 2, 700]).unwrap();
    }

    #[test]
    fn an_untrained_model_fails_the_gate() {
        let mut w =
            prepare::<Flex>(&FaultDetectParams::default(), &PrepareContext::default(), &Default::default()).unwrap();
        let q = w.accuracy().unwrap();
        assert_eq!(q.passes, Some(false), "{q:?}");
    }

    #[test]
    fn another_architecture_is_not_gated_and_refuses_the_reference() {
        let p = FaultDetectParams { widths: [8, 8, 8], ..Default::default() };
        let mut w = prepare::<Flex>(&p, &PrepareContext::default(), &Default::default()).unwrap();
        assert_eq!(w.accuracy().unwrap().passes, None);
        let p = FaultDetectParams { weights: Some("reference:fault-detect-quick".into()), ..p };
        let err = prepare::<Flex>(&p, &PrepareContext::default(), &Default::default()).err().unwrap();
        // Refused before Burn loads anything, naming the first tensor that does not fit.
        assert!(
            err.to_string().contains("`convs.0.weight` has shape [16, 6, 7] but the model needs [8, 6, 7]"),
            "{err}"
        );
    }
}
