//! The patched CPU backend's copy of a strided layout into a contiguous one
//! (`kernels/burn-flex`, `FlexTensor::to_contiguous`: one copy per
//! contiguous innermost run of an ND layout), against indexing by hand.

use burn::backend::Flex;
use burn::tensor::{s, Tensor, TensorData};

/// Every permutation of `0..4`.
fn permutations() -> Vec<[usize; 4]> {
    let mut all = Vec::new();
    for a in 0..4 {
        for b in (0..4).filter(|&b| b != a) {
            for c in (0..4).filter(|&c| c != a && c != b) {
                all.push([a, b, c, 6 - a - b - c]);
            }
        }
    }
    all
}

#[test]
fn permuted_and_sliced_views_copy_to_what_indexing_gives() {
    let device = Default::default();
    let dims = [3usize, 5, 4, 6];
    let values: Vec<f32> = (0..dims.iter().product::<usize>()).map(|i| i as f32).collect();
    let at = |i: [usize; 4]| values[((i[0] * dims[1] + i[1]) * dims[2] + i[2]) * dims[3] + i[3]];
    let x = Tensor::<Flex, 4>::from_data(TensorData::new(values.clone(), dims), &device);
    for axes in permutations() {
        let got = x.clone().permute(axes).into_data().to_vec::<f32>().unwrap();
        let pd = axes.map(|a| dims[a]);
        let mut want = Vec::with_capacity(got.len());
        for i0 in 0..pd[0] {
            for i1 in 0..pd[1] {
                for i2 in 0..pd[2] {
                    for i3 in 0..pd[3] {
                        let mut i = [0; 4];
                        for (k, &p) in [i0, i1, i2, i3].iter().enumerate() {
                            i[axes[k]] = p;
                        }
                        want.push(at(i));
                    }
                }
            }
        }
        assert_eq!(got, want, "permutation {axes:?}");
    }
    // A slice with an offset and a step, then swapped: runs of 3 along the last axis.
    let view = x.clone().slice(s![1..3, 0..5;2, 1..4, 2..5]).swap_dims(0, 2);
    let got = view.into_data().to_vec::<f32>().unwrap();
    let mut want = Vec::new();
    for i2 in 1..4 {
        for i1 in (0..5).step_by(2) {
            for i0 in 1..3 {
                for i3 in 2..5 {
                    want.push(at([i0, i1, i2, i3]));
                }
            }
        }
    }
    assert_eq!(got, want, "sliced and swapped view");
}
