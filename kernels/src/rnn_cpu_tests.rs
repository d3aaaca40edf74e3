use super::*;
use crate::lstm::{forward_cpu, LstmLayer};

fn values(n: usize, seed: u64, scale: f32) -> Vec<f32> {
    // A small deterministic generator (xorshift), values in [-scale, scale).
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * scale
        })
        .collect()
}

#[test]
fn exp_fast_is_within_a_few_ulp_of_the_library_exp() {
    let mut worst = 0.0f64;
    for i in -87_000..88_000 {
        let x = i as f32 / 1000.0;
        let (got, want) = (exp_fast(x) as f64, (x as f64).exp());
        worst = worst.max(((got - want) / want).abs());
    }
    assert!(worst < 4e-7, "largest relative error {worst:e}");
    assert!((sigmoid_fast(0.0) - 0.5).abs() < 1e-7);
    assert!((tanh_fast(0.5) - 0.5f32.tanh()).abs() < 2e-7);
    assert!(sigmoid_fast(-200.0) < 1e-37);
    assert_eq!(tanh_fast(200.0), 1.0);
}

fn lstm_weights(features: usize, hidden: usize, layers: usize, outputs: usize) -> LstmWeights {
    let mut input = features;
    let layers = (0..layers)
        .map(|l| {
            let layer = LstmLayer {
                input,
                hidden,
                w_ih: values(GATES * hidden * input, 10 + l as u64, 0.4),
                w_hh: values(GATES * hidden * hidden, 20 + l as u64, 0.4),
                bias: values(GATES * hidden, 30 + l as u64, 0.2),
            };
            input = hidden;
            layer
        })
        .collect();
    LstmWeights { layers, head_w: values(outputs * hidden, 40, 0.3), head_b: values(outputs, 41, 0.1) }
}

#[test]
fn the_fused_lstm_computes_what_the_plain_reference_computes() {
    let (features, hidden, steps, outputs) = (5, 24, 30, 6);
    let w = lstm_weights(features, hidden, 2, outputs);
    let engine = FusedRnnCpu::from_lstm(&w).unwrap();
    // 37 samples: several thread slices and an uneven last one.
    for samples in [1, 37] {
        let input = values(samples * steps * features, 7, 1.0);
        let fused = engine.forward(&input, samples, steps).unwrap();
        for s in 0..samples {
            let plain = forward_cpu(&w, &input[s * steps * features..(s + 1) * steps * features], steps).unwrap();
            for (a, b) in fused[s * outputs..(s + 1) * outputs].iter().zip(&plain) {
                assert!((a - b).abs() < 2e-6, "sample {s}: fused {a} vs plain {b}");
            }
        }
    }
}

/// A GRU step by step in f64, written from the equations (reset after).
fn gru_plain(layers: &[RecurrentLayer], head_w: &[f32], head_b: &[f32], x: &[f32], steps: usize) -> Vec<f64> {
    let mut seq: Vec<Vec<f64>> = x.chunks(layers[0].input).map(|r| r.iter().map(|&v| v as f64).collect()).collect();
    for l in layers {
        let hs = l.hidden;
        let mut h = vec![0.0f64; hs];
        let mut out = Vec::new();
        for xt in seq.iter().take(steps) {
            let pre = |w: &[f32], b: &[f32], v: &[f64], j: usize| -> f64 {
                b[j] as f64 + v.iter().enumerate().map(|(k, &vk)| vk * w[k * 3 * hs + j] as f64).sum::<f64>()
            };
            let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
            let mut next = vec![0.0; hs];
            for u in 0..hs {
                let r = sig(pre(&l.w_ih_t, &l.b_ih, xt, u) + pre(&l.w_hh_t, &l.b_hh, &h, u));
                let z = sig(pre(&l.w_ih_t, &l.b_ih, xt, hs + u) + pre(&l.w_hh_t, &l.b_hh, &h, hs + u));
                let n = (pre(&l.w_ih_t, &l.b_ih, xt, 2 * hs + u) + r * pre(&l.w_hh_t, &l.b_hh, &h, 2 * hs + u)).tanh();
                next[u] = (1.0 - z) * n + z * h[u];
            }
            h = next;
            out.push(h.clone());
        }
        seq = out;
    }
    let last = &seq[steps - 1];
    (0..head_b.len())
        .map(|o| {
            head_b[o] as f64 + last.iter().enumerate().map(|(k, &v)| v * head_w[o * last.len() + k] as f64).sum::<f64>()
        })
        .collect()
}

#[test]
fn the_fused_gru_computes_what_the_equations_say() {
    let (inputs, hidden, steps, outputs) = (8, 16, 20, 4);
    let layers: Vec<RecurrentLayer> = (0..2)
        .map(|l| {
            let input = if l == 0 { inputs } else { hidden };
            RecurrentLayer {
                input,
                hidden,
                w_ih_t: values(input * 3 * hidden, 50 + l, 0.4),
                w_hh_t: values(hidden * 3 * hidden, 60 + l, 0.4),
                b_ih: values(3 * hidden, 70 + l, 0.2),
                b_hh: values(3 * hidden, 80 + l, 0.2),
            }
        })
        .collect();
    let (head_w, head_b) = (values(outputs * hidden, 90, 0.3), values(outputs, 91, 0.1));
    let engine = FusedRnnCpu::new(Cell::Gru, layers.clone(), &head_w, head_b.clone()).unwrap();
    let samples = 19;
    let input = values(samples * steps * inputs, 3, 1.0);
    let fused = engine.forward(&input, samples, steps).unwrap();
    for s in 0..samples {
        let x = &input[s * steps * inputs..(s + 1) * steps * inputs];
        let plain = gru_plain(&layers, &head_w, &head_b, x, steps);
        for (a, b) in fused[s * outputs..(s + 1) * outputs].iter().zip(&plain) {
            assert!((*a as f64 - b).abs() < 2e-6, "sample {s}: fused {a} vs plain {b}");
        }
    }
}

#[test]
fn wrong_sizes_are_errors_not_panics() {
    let w = lstm_weights(3, 4, 1, 2);
    let engine = FusedRnnCpu::from_lstm(&w).unwrap();
    assert!(engine.forward(&[0.0; 5], 1, 2).is_err());
    let bad = RecurrentLayer { input: 3, hidden: 4, w_ih_t: vec![0.0; 5], w_hh_t: vec![], b_ih: vec![], b_hh: vec![] };
    assert!(FusedRnnCpu::new(Cell::Gru, vec![bad], &[0.0; 8], vec![0.0; 2]).is_err());
}
