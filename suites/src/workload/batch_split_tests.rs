//! Every quick workload, on its committed reference weights, computes the
//! same outputs with its batches split across workers as run whole.

use burn::backend::Flex;

use crate::PrepareContext;

fn prepared(id: &str, workers: usize) -> Box<dyn crate::PreparedWorkload> {
    let params = serde_json::json!({ "weights": format!("reference:{id}-quick") });
    let ctx = PrepareContext { batch_workers: Some(workers), ..Default::default() };
    crate::prepare::<Flex>(id, &params, &ctx, &Default::default()).unwrap()
}

#[test]
fn split_batches_give_the_outputs_of_whole_ones() {
    let mut checked = 0;
    for id in crate::layers::with_quick_weights() {
        let (mut split, mut whole) = (prepared(id, 3), prepared(id, 1));
        // 64 samples: three uneven slices (22, 21, 21); 20: two slices of
        // 10 (none under the minimum of 8); 5: whole on the first replica.
        for samples in [(0..64).collect::<Vec<_>>(), (7..27).collect(), vec![3, 1, 4, 1, 5]] {
            let a = split.probe(&samples).unwrap().unwrap();
            let b = whole.probe(&samples).unwrap().unwrap();
            assert_eq!((&a.output_shape, &a.inputs), (&b.output_shape, &b.inputs), "{id}");
            let scale = b.outputs.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-6);
            let worst = a.outputs.iter().zip(&b.outputs).fold(0f32, |m, (x, y)| m.max((x - y).abs())) / scale;
            assert!(worst < 1e-5, "{id}, batch {}: split differs from whole by {worst:e}", samples.len());
        }
        checked += 1;
    }
    assert_eq!(checked, 8, "the eight workloads with quick reference weights");
}

#[test]
fn cpu_runs_split_across_the_thread_pool_and_cuda_runs_do_not() {
    assert_eq!(PrepareContext::default().workers(), rayon::current_num_threads());
    assert_eq!(PrepareContext { batch_workers: Some(3), ..Default::default() }.workers(), 3);
    assert_eq!(PrepareContext { batch_workers: Some(0), ..Default::default() }.workers(), 1);
    let cuda = PrepareContext { cuda_ordinal: Some(0), batch_workers: Some(4), ..Default::default() };
    assert_eq!(cuda.workers(), 1);
}
