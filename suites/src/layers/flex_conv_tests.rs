//! The patched CPU backend's convolution (`kernels/burn-flex`, `ops/conv.rs`:
//! the im2col copy of whole kernel rows and the tile write-back) against a
//! direct f64 convolution, over the shapes whose borders it clips: strides,
//! paddings wider than the kernel's reach, kernels wider than the input,
//! groups and dilation (which keep the element-wise copy). Every case has
//! more than 4 input or 16 output channels, so that none takes flex's
//! small-channel path instead.

use burn::backend::Flex;
use burn::tensor::backend::Backend;
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Distribution, Tensor};

/// `[n, c_in, h, w]` * `[c_out, c_in / groups, kh, kw]` + bias, in f64.
fn direct(x: &[f32], xs: [usize; 4], w: &[f32], ws: [usize; 4], bias: &[f32], o: &ConvOptions<2>) -> Vec<f64> {
    let [n, c_in, h, wd] = xs;
    let [c_out, cpg, kh, kw] = ws;
    let out_h = (h + 2 * o.padding[0] - o.dilation[0] * (kh - 1) - 1) / o.stride[0] + 1;
    let out_w = (wd + 2 * o.padding[1] - o.dilation[1] * (kw - 1) - 1) / o.stride[1] + 1;
    let out_per_group = c_out / o.groups;
    let mut out = vec![0f64; n * c_out * out_h * out_w];
    for b in 0..n {
        for co in 0..c_out {
            let g = co / out_per_group;
            for oy in 0..out_h {
                for ox in 0..out_w {
                    let mut acc = bias[co] as f64;
                    for ci in 0..cpg {
                        for ky in 0..kh {
                            for kx in 0..kw {
                                let iy = (oy * o.stride[0] + ky * o.dilation[0]) as isize - o.padding[0] as isize;
                                let ix = (ox * o.stride[1] + kx * o.dilation[1]) as isize - o.padding[1] as isize;
                                if iy < 0 || ix < 0 || iy >= h as isize || ix >= wd as isize {
                                    continue;
                                }
                                let xi = ((b * c_in + g * cpg + ci) * h + iy as usize) * wd + ix as usize;
                                let wi = ((co * cpg + ci) * kh + ky) * kw + kx;
                                acc += x[xi] as f64 * w[wi] as f64;
                            }
                        }
                    }
                    out[((b * c_out + co) * out_h + oy) * out_w + ox] = acc;
                }
            }
        }
    }
    out
}

#[test]
fn convolutions_match_a_direct_one_at_every_border() {
    let device = Default::default();
    // (input [n, c_in, h, w], c_out, kernel [kh, kw], stride, padding, dilation, groups)
    let cases: [([usize; 4], usize, [usize; 2], [usize; 2], [usize; 2], [usize; 2], usize); 10] = [
        ([2, 6, 9, 11], 5, [3, 3], [1, 1], [1, 1], [1, 1], 1),
        ([2, 8, 7, 10], 6, [3, 5], [2, 2], [1, 2], [1, 1], 1),
        ([1, 5, 5, 4], 3, [3, 7], [1, 1], [1, 3], [1, 1], 1),
        ([3, 1, 6, 6], 20, [1, 3], [1, 3], [0, 4], [1, 1], 1),
        ([2, 8, 8, 9], 4, [3, 3], [1, 1], [1, 1], [1, 1], 2),
        ([2, 6, 8, 12], 2, [3, 3], [1, 1], [2, 2], [2, 2], 1),
        ([2, 16, 1, 40], 8, [1, 9], [1, 1], [0, 4], [1, 1], 1),
        ([2, 6, 12, 12], 3, [5, 5], [3, 2], [2, 2], [1, 1], 1),
        // Eight or more channels a group: one copy a tap.
        ([2, 16, 6, 20], 4, [3, 3], [1, 1], [2, 3], [2, 3], 1),
        ([2, 16, 6, 9], 4, [3, 3], [1, 1], [1, 1], [1, 1], 2),
    ];
    for (i, (xs, c_out, [kh, kw], stride, padding, dilation, groups)) in cases.into_iter().enumerate() {
        Flex::seed(&device, i as u64);
        let ws = [c_out, xs[1] / groups, kh, kw];
        let x = Tensor::<Flex, 4>::random(xs, Distribution::Normal(0.0, 1.0), &device);
        let w = Tensor::<Flex, 4>::random(ws, Distribution::Normal(0.0, 1.0), &device);
        let bias = Tensor::<Flex, 1>::random([c_out], Distribution::Normal(0.0, 1.0), &device);
        let options = ConvOptions::new(stride, padding, dilation, groups);
        let got =
            conv2d(x.clone(), w.clone(), Some(bias.clone()), options.clone()).into_data().to_vec::<f32>().unwrap();
        let [xv, wv, bv] = [x.into_data(), w.into_data(), bias.into_data()].map(|d| d.to_vec::<f32>().unwrap());
        let want = direct(&xv, xs, &wv, ws, &bv, &options);
        assert_eq!(got.len(), want.len(), "case {i}: output size");
        let worst = got.iter().zip(&want).fold(0f64, |m, (&g, &w)| m.max((g as f64 - w).abs()));
        assert!(worst < 1e-4, "case {i}: {worst:e} from the direct convolution");
    }
}
