use super::*;

/// A deterministic pseudo-random sequence in [-1, 1).
fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 23) as f32) - 1.0
        })
        .collect()
}

/// The largest difference between `got` and `expected`; infinite for a NaN or a length mismatch.
fn worst(got: &[f32], expected: &[f32]) -> f32 {
    if got.len() != expected.len() {
        return f32::INFINITY;
    }
    got.iter()
        .zip(expected)
        .map(|(a, e)| (a - e).abs())
        .fold(0.0, |m, d| if d.is_nan() { f32::INFINITY } else { m.max(d) })
}

/// The convolution by its definition, summed in f64.
fn reference(
    g: &Conv1dGeometry,
    w: &[f32],
    b: Option<&[f32]>,
    x: &[f32],
    batch: usize,
    len: usize,
    relu: bool,
) -> Vec<f32> {
    let out_len = g.out_len(len);
    let mut y = Vec::with_capacity(batch * out_len * g.c_out);
    for s in 0..batch {
        for t in 0..out_len {
            for o in 0..g.c_out {
                let mut acc = b.map_or(0.0, |b| b[o] as f64);
                for k in 0..g.kernel {
                    let pos = (t * g.stride + k * g.dilation) as isize - g.pad_left as isize;
                    if pos < 0 || pos as usize >= len {
                        continue;
                    }
                    for i in 0..g.c_in {
                        acc +=
                            x[(s * len + pos as usize) * g.c_in + i] as f64 * w[(o * g.c_in + i) * g.kernel + k] as f64;
                    }
                }
                y.push(if relu { acc.max(0.0) as f32 } else { acc as f32 });
            }
        }
    }
    y
}

fn geometry(
    c_in: usize,
    c_out: usize,
    kernel: usize,
    stride: usize,
    dilation: usize,
    pad: (usize, usize),
) -> Conv1dGeometry {
    Conv1dGeometry { c_in, c_out, kernel, stride, dilation, pad_left: pad.0, pad_right: pad.1 }
}

/// Runs `g` on the dispatched and the plain path against the f64 sum.
fn agrees(g: Conv1dGeometry, batch: usize, len: usize, with_bias: bool) {
    let w = values(g.c_out * g.c_in * g.kernel, 1);
    let b = values(g.c_out, 2);
    let b = with_bias.then_some(&b[..]);
    let x = values(batch * len * g.c_in, 3);
    let conv = DirectConv1d::new(g, &w, b).unwrap();
    for relu in [false, true] {
        let expected = reference(&g, &w, b, &x, batch, len, relu);
        let mut got = vec![f32::NAN; expected.len()];
        conv.forward(&x, batch, len, &mut got, relu).unwrap();
        let plain = conv.forward_plain(&x, batch, len, relu);
        let scale = 1.0 + (g.c_in * g.kernel) as f32;
        for (path, got) in [("dispatched", &got), ("plain", &plain)] {
            let worst = worst(got, &expected);
            assert!(worst <= 2e-7 * scale, "{g:?} batch {batch} len {len} relu {relu}, {path}: off by {worst}");
        }
    }
}

#[test]
fn every_border_case_computes_the_convolution() {
    // The workloads' layers: strided with symmetric padding (fault-detect), "same"
    // with even kernels and one input channel (nilm), dilated causal (pv-forecast),
    // a pointwise head with one output channel.
    agrees(geometry(6, 16, 7, 2, 1, (3, 3)), 5, 64, true);
    agrees(geometry(16, 32, 7, 2, 1, (3, 3)), 3, 32, true);
    agrees(geometry(1, 16, 10, 1, 1, (4, 5)), 2, 37, true);
    agrees(geometry(16, 20, 6, 1, 1, (2, 3)), 3, 29, true);
    agrees(geometry(32, 32, 3, 1, 8, (16, 0)), 4, 30, true);
    agrees(geometry(32, 1, 1, 1, 1, (0, 0)), 3, 17, true);
    // Widths of one to five vectors and ragged ones, no bias, padding wider
    // than the kernel's reach, a kernel wider than the input, stride and
    // dilation together.
    for c_out in [3, 16, 17, 48, 64, 65, 80, 100] {
        agrees(geometry(5, c_out, 3, 1, 1, (1, 1)), 2, 40, c_out % 2 == 0);
    }
    agrees(geometry(4, 8, 3, 1, 1, (7, 9)), 2, 5, true);
    agrees(geometry(3, 8, 9, 1, 1, (4, 4)), 3, 4, true);
    agrees(geometry(3, 8, 3, 3, 2, (2, 1)), 3, 25, false);
    agrees(geometry(2, 8, 2, 5, 1, (0, 0)), 7, 11, true);
}

#[test]
fn a_large_call_split_across_threads_computes_the_same() {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    // 4M+ multiply-adds and hundreds of rows: split into tasks, samples cut mid-way.
    pool.install(|| agrees(geometry(32, 64, 5, 1, 1, (2, 2)), 9, 71, true));
}

#[test]
fn an_input_shorter_than_the_kernel_gives_no_positions() {
    let g = geometry(2, 4, 5, 1, 1, (0, 0));
    let conv = DirectConv1d::new(g, &values(40, 1), None).unwrap();
    assert_eq!(g.out_len(3), 0);
    conv.forward(&values(6, 2), 1, 3, &mut [], false).unwrap();
}

#[test]
fn wrong_lengths_are_errors() {
    let g = geometry(2, 4, 3, 1, 1, (1, 1));
    assert!(DirectConv1d::new(g, &values(23, 1), None).is_err());
    assert!(DirectConv1d::new(g, &values(24, 1), Some(&[0.0; 3])).is_err());
    assert!(DirectConv1d::new(Conv1dGeometry { stride: 0, ..g }, &values(24, 1), None).is_err());
    let conv = DirectConv1d::new(g, &values(24, 1), None).unwrap();
    assert!(conv.forward(&values(19, 2), 2, 10, &mut [0.0; 80], false).is_err());
    assert!(conv.forward(&values(40, 2), 2, 10, &mut [0.0; 79], false).is_err());
    conv.forward(&values(40, 2), 2, 10, &mut [0.0; 80], false).unwrap();
}

/// The 2D convolution by its definition, summed in f64.
fn reference_2d(
    g: &Conv2dGeometry,
    w: &[f32],
    b: Option<&[f32]>,
    x: &[f32],
    batch: usize,
    [h, wd]: [usize; 2],
    relu: bool,
) -> Vec<f32> {
    let [oh, ow] = g.out_size([h, wd]);
    let [kh, kw] = g.kernel;
    let mut y = Vec::with_capacity(batch * oh * ow * g.c_out);
    for s in 0..batch {
        for oy in 0..oh {
            for ox in 0..ow {
                for o in 0..g.c_out {
                    let mut acc = b.map_or(0.0, |b| b[o] as f64);
                    for ky in 0..kh {
                        for kx in 0..kw {
                            let iy = (oy * g.stride[0] + ky * g.dilation[0]) as isize - g.pad_rows[0] as isize;
                            let ix = (ox * g.stride[1] + kx * g.dilation[1]) as isize - g.pad_cols[0] as isize;
                            if iy < 0 || ix < 0 || iy as usize >= h || ix as usize >= wd {
                                continue;
                            }
                            for i in 0..g.c_in {
                                let xv = x[((s * h + iy as usize) * wd + ix as usize) * g.c_in + i] as f64;
                                acc += xv * w[((o * g.c_in + i) * kh + ky) * kw + kx] as f64;
                            }
                        }
                    }
                    y.push(if relu { acc.max(0.0) as f32 } else { acc as f32 });
                }
            }
        }
    }
    y
}

fn agrees_2d(g: Conv2dGeometry, batch: usize, size: [usize; 2]) {
    let w = values(g.c_out * g.c_in * g.kernel[0] * g.kernel[1], 4);
    let b = values(g.c_out, 5);
    let x = values(batch * size[0] * size[1] * g.c_in, 6);
    let conv = DirectConv2d::new(g, &w, Some(&b)).unwrap();
    for relu in [false, true] {
        let expected = reference_2d(&g, &w, Some(&b), &x, batch, size, relu);
        let mut got = vec![f32::NAN; expected.len()];
        conv.forward(&x, batch, size, &mut got, relu).unwrap();
        let plain = conv.forward_plain(&x, batch, size, relu);
        let scale = 1.0 + (g.c_in * g.kernel[0] * g.kernel[1]) as f32;
        for (path, got) in [("dispatched", &got), ("plain", &plain)] {
            let worst = worst(got, &expected);
            assert!(worst <= 2e-7 * scale, "{g:?} batch {batch} size {size:?} relu {relu}, {path}: off by {worst}");
        }
    }
}

fn geometry_2d(
    c_in: usize,
    c_out: usize,
    kernel: [usize; 2],
    stride: [usize; 2],
    dilation: [usize; 2],
    pad: [usize; 4],
) -> Conv2dGeometry {
    Conv2dGeometry { c_in, c_out, kernel, stride, dilation, pad_rows: [pad[0], pad[1]], pad_cols: [pad[2], pad[3]] }
}

#[test]
fn every_border_case_computes_the_2d_convolution() {
    // The U-Net's 3x3 "same" convolutions (one input channel, 8 to 32) and its 1x1 head.
    agrees_2d(geometry_2d(1, 8, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]), 2, [9, 7]);
    agrees_2d(geometry_2d(16, 32, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]), 2, [6, 5]);
    agrees_2d(geometry_2d(8, 6, [1, 1], [1, 1], [1, 1], [0, 0, 0, 0]), 3, [4, 5]);
    // Rectangular kernels, uneven padding, strides and dilations per axis, a
    // kernel taller than the image, ragged and multi-vector widths.
    agrees_2d(geometry_2d(3, 20, [2, 5], [2, 1], [1, 2], [0, 1, 3, 2]), 2, [7, 9]);
    agrees_2d(geometry_2d(4, 70, [3, 3], [1, 2], [2, 1], [2, 2, 1, 1]), 1, [5, 6]);
    agrees_2d(geometry_2d(2, 8, [5, 1], [1, 1], [1, 1], [1, 1, 0, 0]), 2, [2, 3]);
}

#[test]
fn a_large_2d_call_split_across_threads_computes_the_same() {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    // 4M+ multiply-adds: split into tasks, one cut inside an image's row.
    pool.install(|| agrees_2d(geometry_2d(16, 32, [3, 3], [1, 1], [1, 1], [1, 1, 1, 1]), 3, [31, 33]));
}
