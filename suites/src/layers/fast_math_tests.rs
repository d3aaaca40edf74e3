//! The patched CPU backend's f32 `exp`, logistic function, `tanh`, `erf`
//! (and GELU and softmax, which use them)
//! (kernels/burn-flex/PATCH.md), through Burn's tensor operations, against
//! f64 over their whole range.

use burn::backend::Flex;
use burn::tensor::activation::{gelu, sigmoid, softmax};
use burn::tensor::Tensor;

/// Every 1/64 from -100 to 100, plus the edges of each function's branches.
fn inputs() -> Vec<f32> {
    let mut xs: Vec<f32> = (-6400..=6400).map(|i| i as f32 / 64.0).collect();
    xs.extend([0.0, -0.0, 0.624_999, 0.625, -0.625, 88.376, 88.377, 88.72, -87.33, -87.34, 1e-30, -1e-30]);
    xs
}

fn through(op: impl Fn(Tensor<Flex, 1>) -> Tensor<Flex, 1>, xs: &[f32]) -> Vec<f32> {
    let device = Default::default();
    op(Tensor::<Flex, 1>::from_floats(xs, &device)).into_data().to_vec::<f32>().unwrap()
}

/// The largest error relative to `max(|truth|, floor)` (a subnormal truth
/// only asks for an answer as small).
fn worst(xs: &[f32], got: &[f32], truth: impl Fn(f64) -> f64, floor: f64) -> (f64, f32) {
    xs.iter().zip(got).fold((0.0, 0.0), |(w, at), (&x, &g)| {
        let t = truth(x as f64);
        if !t.is_finite() || t.abs() > f32::MAX as f64 {
            assert!(g.is_infinite() && g > 0.0, "{x}: {g} where the truth overflows");
            return (w, at);
        }
        if t != 0.0 && t.abs() < f32::MIN_POSITIVE as f64 {
            // A subnormal truth: 0 or anything as small is accepted.
            assert!(g.abs() <= f32::MIN_POSITIVE, "{x}: {g} where the truth is subnormal");
            return (w, at);
        }
        let e = (g as f64 - t).abs() / t.abs().max(floor);
        if e > w {
            (e, x)
        } else {
            (w, at)
        }
    })
}

#[test]
fn exp_is_within_two_ulp_and_overflows_to_infinity() {
    let xs = inputs();
    let got = through(|t| t.exp(), &xs);
    // 2 ulp of f32 relative; below e^-87.3 the truth is subnormal and 0 is returned.
    let (w, at) = worst(&xs, &got, f64::exp, 0.0);
    assert!(w < 2.4e-7, "exp: worst relative error {w:e} at {at}");
    assert_eq!(through(|t| t.exp(), &[f32::NAN])[0].is_nan(), true);
    assert_eq!(through(|t| t.exp(), &[f32::INFINITY, f32::NEG_INFINITY]), vec![f32::INFINITY, 0.0]);
}

#[test]
fn the_logistic_function_and_tanh_are_within_4e_7() {
    let xs = inputs();
    let got = through(sigmoid, &xs);
    let (w, at) = worst(&xs, &got, |x| 1.0 / (1.0 + (-x).exp()), 1e-30);
    assert!(w < 4e-7, "sigmoid: worst relative error {w:e} at {at}");
    let got = through(|t| t.tanh(), &xs);
    let (w, at) = worst(&xs, &got, f64::tanh, 0.25);
    assert!(w < 4e-7, "tanh: worst error {w:e} at {at}");
    let odd = through(|t| t.tanh(), &[0.3, -0.3, 5.0, -5.0, f32::INFINITY, f32::NEG_INFINITY]);
    assert_eq!((odd[0], odd[2], odd[4], odd[5]), (-odd[1], -odd[3], 1.0, -1.0));
    assert!(through(|t| t.tanh(), &[f32::NAN])[0].is_nan() && through(sigmoid, &[f32::NAN])[0].is_nan());
}

#[test]
fn erf_is_within_3e_7_and_gelu_within_1e_6() {
    let xs = inputs();
    let got = through(|t| t.erf(), &xs);
    let (w, at) = worst(&xs, &got, libm::erf, 1.0);
    assert!(w < 3e-7, "erf: worst absolute error {w:e} at {at}");
    // GELU, 0.5 x (1 + erf(x / sqrt 2)), carries erf's error times |x| / 2
    // in its negative tail, up to where erf saturates: within 1e-6 absolute
    // (relative above 1), where the same formula in f32 with libm's erff
    // (the unpatched backend's, one call per element) is within 1e-7.
    let got = through(gelu, &xs);
    let truth = |x: f64| 0.5 * x * (1.0 + libm::erf(x / std::f64::consts::SQRT_2));
    let (w, at) = worst(&xs, &got, truth, 1.0);
    assert!(w < 1e-6, "gelu: worst error {w:e} at {at}");
    let odd = through(|t| t.erf(), &[0.3, -0.3, 4.5, -4.5, f32::INFINITY, f32::NEG_INFINITY]);
    assert_eq!((odd[0], odd[2], odd[4], odd[5]), (-odd[1], -odd[3], 1.0, -1.0));
    assert!(through(|t| t.erf(), &[f32::NAN])[0].is_nan());
}

#[test]
fn softmax_rows_are_within_4e_7() {
    let device = Default::default();
    // Rows of 41 (the transformer's attention rows) and of 5, from -100 to 100.
    for len in [41, 5] {
        let xs: Vec<f32> = inputs().into_iter().take(len * 300).collect();
        let rows = xs.len() / len;
        let got = softmax(Tensor::<Flex, 1>::from_floats(&xs[..rows * len], &device).reshape([rows, len]), 1)
            .into_data()
            .to_vec::<f32>()
            .unwrap();
        for (r, row) in xs.chunks(len).take(rows).enumerate() {
            let max = row.iter().fold(f64::MIN, |m, &x| m.max(x as f64));
            let sum: f64 = row.iter().map(|&x| (x as f64 - max).exp()).sum();
            for (k, &x) in row.iter().enumerate() {
                let truth = (x as f64 - max).exp() / sum;
                let g = got[r * len + k] as f64;
                assert!((g - truth).abs() <= 4e-7 * truth.max(1e-3), "row {r}, {k}: {g} vs {truth}");
            }
        }
    }
}
