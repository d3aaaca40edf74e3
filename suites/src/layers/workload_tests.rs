//! Every workload that runs a packed form, on its committed reference
//! weights: the packed form's outputs against Burn's own modules', and the
//! quality metric of the accuracy pass through each (the same to 1e-5).

use burn::backend::Flex;

use crate::PrepareContext;

/// The workloads whose Burn engine runs packed layers.
const PACKED: [&str; 7] =
    ["load-forecast", "fault-detect", "nilm", "mine-gas", "pv-forecast", "seismic-facies", "transformer-temp"];

fn prepared(id: &str, plain_modules: bool) -> Box<dyn crate::PreparedWorkload> {
    let params = serde_json::json!({ "weights": format!("reference:{id}-quick") });
    let ctx = PrepareContext { plain_modules, ..Default::default() };
    crate::prepare::<Flex>(id, &params, &ctx, &Default::default()).unwrap()
}

#[test]
fn packed_forms_compute_what_burns_modules_compute_on_the_reference_weights() {
    for id in PACKED {
        let (mut packed, mut plain) = (prepared(id, false), prepared(id, true));
        // A batch of 64 (on Burn's modules where the packed patches would
        // spill out of cache), one of 3 (packed everywhere) and a single sample.
        for samples in [(0..64).collect::<Vec<_>>(), vec![1, 2, 3], vec![5]] {
            let a = packed.probe(&samples).unwrap().unwrap();
            let b = plain.probe(&samples).unwrap().unwrap();
            assert_eq!((a.output_shape.clone(), a.inputs.len()), (b.output_shape.clone(), b.inputs.len()), "{id}");
            let scale = b.outputs.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-6);
            let worst = a.outputs.iter().zip(&b.outputs).fold(0f32, |m, (x, y)| m.max((x - y).abs())) / scale;
            assert!(
                worst < 1e-5,
                "{id}, batch {}: packed differs from plain by {worst:e} of the largest output",
                samples.len()
            );
        }
        let (qa, qb) = (packed.accuracy().unwrap(), plain.accuracy().unwrap());
        assert_eq!(qa.metric, qb.metric);
        assert!((qa.value - qb.value).abs() <= 1e-5, "{id}: {} packed {} vs plain {}", qa.metric, qa.value, qb.value);
        assert_eq!(qa.passes, qb.passes, "{id}");
    }
}

/// The workloads with committed quick reference weights (a training card
/// in `suites/weights/`).
pub(crate) fn with_quick_weights() -> Vec<&'static str> {
    let weights = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("weights");
    crate::ids().iter().copied().filter(|id| weights.join(format!("{id}-quick.json")).exists()).collect()
}

/// Every workload of the quick suite, on its reference weights, scores what
/// its training card recorded (computed with Burn's own modules and the
/// unpatched backend when the weights were trained): the packed forms and
/// the patched backend change no quality metric beyond 1e-5 relative.
#[test]
fn every_reference_metric_is_the_one_recorded_at_training() {
    let mut checked = 0;
    for id in with_quick_weights() {
        let card = std::fs::read(format!("{}/weights/{id}-quick.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let card: serde_json::Value = serde_json::from_slice(&card).unwrap();
        let recorded = card["test_metric"].as_f64().unwrap();
        let q = prepared(id, false).accuracy().unwrap();
        assert_eq!(q.metric, card["metric"].as_str().unwrap(), "{id}");
        let relative = (q.value - recorded).abs() / recorded.abs();
        assert!(relative <= 1e-5, "{id}: {} {} now, {recorded} recorded ({relative:e} relative)", q.metric, q.value);
        checked += 1;
    }
    assert_eq!(checked, 8, "the eight workloads with quick reference weights");
}

#[test]
fn packed_forms_run_on_the_cpu_only_and_not_when_plain_modules_are_asked_for() {
    assert!(PrepareContext::default().packs_layers());
    assert!(!PrepareContext { plain_modules: true, ..Default::default() }.packs_layers());
    assert!(!PrepareContext { cuda_ordinal: Some(0), ..Default::default() }.packs_layers());
}
