use super::*;

fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (((state >> 40) as f32 / (1u64 << 23) as f32) - 1.0) * 3.0
        })
        .collect()
}

/// Attention by its definition in f64: softmax(q k^T / sqrt(size)) v per sequence and head.
fn reference(shape: AttentionShape, qkv: &[f32]) -> Vec<f32> {
    let AttentionShape { sequences, tokens, width, heads } = shape;
    let size = width / heads;
    let at = |s: usize, t: usize, c: usize| qkv[(s * tokens + t) * 3 * width + c] as f64;
    let mut out = vec![0.0f32; sequences * tokens * width];
    for s in 0..sequences {
        for h in 0..heads {
            for i in 0..tokens {
                let scores: Vec<f64> = (0..tokens)
                    .map(|j| {
                        (0..size).map(|c| at(s, i, h * size + c) * at(s, j, width + h * size + c)).sum::<f64>()
                            / (size as f64).sqrt()
                    })
                    .collect();
                let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = scores.iter().map(|x| (x - max).exp()).collect();
                let sum: f64 = e.iter().sum();
                for c in 0..size {
                    let v: f64 = (0..tokens).map(|j| e[j] / sum * at(s, j, 2 * width + h * size + c)).sum();
                    out[(s * tokens + i) * width + h * size + c] = v as f32;
                }
            }
        }
    }
    out
}

#[test]
fn attention_computes_softmax_of_scaled_scores_times_values() {
    for shape in [
        AttentionShape { sequences: 3, tokens: 41, width: 32, heads: 4 },
        AttentionShape { sequences: 2, tokens: 1, width: 8, heads: 2 },
        AttentionShape { sequences: 1, tokens: 17, width: 12, heads: 1 },
        AttentionShape { sequences: 2, tokens: 5, width: 6, heads: 3 },
        // Two blocks of queries (64 and 6), and one of exactly four vectors.
        AttentionShape { sequences: 2, tokens: 70, width: 16, heads: 2 },
        AttentionShape { sequences: 1, tokens: 64, width: 8, heads: 1 },
    ] {
        let qkv = values(shape.sequences * shape.tokens * 3 * shape.width, 7);
        let mut got = vec![f32::NAN; shape.sequences * shape.tokens * shape.width];
        self_attention(shape, &qkv, &mut got).unwrap();
        let mut plain = vec![f32::NAN; got.len()];
        attention(shape, &qkv, &mut plain);
        let expected = reference(shape, &qkv);
        for (path, got) in [("dispatched", &got), ("plain", &plain)] {
            let worst = got.iter().zip(&expected).fold(0f32, |m, (a, e)| {
                if (a - e).is_nan() {
                    f32::INFINITY
                } else {
                    m.max((a - e).abs())
                }
            });
            assert!(worst < 2e-6, "{shape:?}, {path}: off by {worst}");
        }
    }
}

#[test]
fn wrong_shapes_are_errors() {
    let shape = AttentionShape { sequences: 2, tokens: 3, width: 8, heads: 3 };
    assert!(self_attention(shape, &[0.0; 144], &mut [0.0; 48]).is_err());
    let shape = AttentionShape { heads: 2, ..shape };
    assert!(self_attention(shape, &[0.0; 143], &mut [0.0; 48]).is_err());
    assert!(self_attention(shape, &[0.0; 144], &mut [0.0; 47]).is_err());
    self_attention(shape, &[0.0; 144], &mut [0.0; 48]).unwrap();
}
