//! Unit tests for `early_stopping.rs` (kept in a sibling file for length).

use super::*;

fn es(p: f64, c: f64) -> EarlyStopping {
    EarlyStopping::new(p, c).unwrap()
}

/// Independent reference: smallest k with P[Bin(n,p) <= k-1] >= c, using a
/// ln-factorial table and a plain linear-space CDF sum.
fn brute_rank(p: f64, c: f64, n: u64) -> Option<u64> {
    let lf: Vec<f64> = std::iter::once(0.0)
        .chain((1..=n).scan(0.0, |s, i| {
            *s += (i as f64).ln();
            Some(*s)
        }))
        .collect();
    let mut cdf = 0.0;
    for j in 0..n {
        let (ju, nu) = (j as usize, n as usize);
        let lpmf = lf[nu] - lf[ju] - lf[nu - ju] + j as f64 * p.ln() + (n - j) as f64 * (1.0 - p).ln();
        cdf += lpmf.exp();
        if cdf >= c {
            return Some(j + 1);
        }
    }
    None
}

#[test]
fn min_queries_known_values() {
    assert_eq!(es(0.99, 0.99).min_queries(), 459);
    assert_eq!(es(0.90, 0.99).min_queries(), 44);
    assert_eq!(es(0.999, 0.99).min_queries(), 4603);
    assert_eq!(es(0.99, 0.99).rank(458), None);
    assert_eq!(es(0.99, 0.99).rank(459), Some(459));
    assert_eq!(es(0.90, 0.99).rank(43), None);
    assert_eq!(es(0.90, 0.99).rank(44), Some(44));
}

#[test]
fn matches_brute_force_small_n() {
    for &(p, c) in &[(0.99, 0.99), (0.9, 0.99), (0.5, 0.95), (0.1, 0.95), (0.97, 0.5)] {
        let e = es(p, c);
        for n in (1..=1500).step_by(7) {
            assert_eq!(e.rank(n), brute_rank(p, c, n), "p={p} c={c} n={n}");
        }
    }
}

#[test]
fn monotone_and_at_least_ceil_pn() {
    // Ranges straddle the exact/normal switch (n·p·q = 1000).
    let cases: [(f64, std::ops::RangeInclusive<u64>); 4] =
        [(0.99, 1..=5_000), (0.99, 100_000..=102_100), (0.5, 3_500..=4_500), (0.1, 10_500..=11_800)];
    for (p, range) in cases {
        let e = es(p, 0.99);
        let mut prev = 0;
        for n in range {
            if let Some(k) = e.rank(n) {
                assert!(k >= prev, "p={p} n={n}: {k} < {prev}");
                assert!(k >= (p * n as f64).ceil() as u64, "p={p} n={n}");
                assert!(k <= n);
                prev = k;
            }
        }
    }
}

#[test]
fn normal_agrees_with_exact_near_switch() {
    for &p in &[0.99, 0.9, 0.5, 0.1] {
        let e = es(p, 0.99);
        let n = (NORMAL_APPROX_THRESHOLD / (p * (1.0 - p))) as u64;
        let exact = if p >= 0.5 { e.rank_exact_upper(n) } else { e.rank_exact_lower(n) };
        let approx = e.rank_normal(n);
        assert!(exact.abs_diff(approx) <= 1, "p={p}: {exact} vs {approx}");
    }
}

#[test]
fn large_n_converges_to_p() {
    let e = es(0.99, 0.99);
    let k = e.rank(1_000_000).unwrap();
    assert!((990_000..=990_500).contains(&k), "{k}");
    let k8 = e.rank(100_000_000).unwrap();
    let ratio = k8 as f64 / 1e8;
    assert!(ratio > 0.99 && ratio < 0.99003, "{k8}");
}

#[test]
fn invalid_parameters_never_panic() {
    assert!(EarlyStopping::new(1.0, 0.99).is_err());
    assert!(EarlyStopping::new(0.99, 0.0).is_err());
    assert!(EarlyStopping::new(f64::NAN, 0.5).is_err());
    let bad = EarlyStopping { percentile: f64::NAN, confidence: 2.0 };
    assert_eq!(bad.rank(1000), None);
    assert_eq!(bad.min_queries(), u64::MAX);
    let e = es(0.99, 0.99);
    assert_eq!(e.rank(0), None);
    assert!(e.rank(u64::MAX).is_some());
    assert_eq!(es(1e-300, 0.5).min_queries(), 1);
    assert!(es(1.0 - 1e-15, 0.999_999).min_queries() > 1_000_000_000_000);
}

#[test]
fn inv_norm_reference_values() {
    assert!((inv_norm_cdf(0.99) - 2.326_347_874).abs() < 1e-8);
    assert!((inv_norm_cdf(0.975) - 1.959_963_985).abs() < 1e-8);
    assert!((inv_norm_cdf(0.01) + 2.326_347_874).abs() < 1e-8);
    assert!(inv_norm_cdf(0.5).abs() < 1e-12);
}
