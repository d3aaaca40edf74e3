//! The Pareto frontier of two figures: the points no other point beats in
//! both. Used by the question-set frontier here and by the report's plots.

/// Indices of the non-dominated points of `(throughput, j_per_inference)`, sorted by
/// throughput. A point is dominated when another has ≥ throughput and ≤ J/inference,
/// strictly better in one. Non-finite points are never on the frontier.
pub fn pareto_front(points: &[(f64, f64)]) -> Vec<usize> {
    let ok = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let mut idx: Vec<usize> = (0..points.len())
        .filter(|&i| ok(&points[i]))
        .filter(|&i| {
            let (x, y) = points[i];
            !points.iter().any(|&(qx, qy)| ok(&(qx, qy)) && qx >= x && qy <= y && (qx > x || qy < y))
        })
        .collect();
    idx.sort_by(|&a, &b| points[a].0.total_cmp(&points[b].0).then(a.cmp(&b)));
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontier_picks_exactly_non_dominated() {
        let pts = [(100.0, 1.0), (200.0, 2.0), (150.0, 2.5), (50.0, 1.0), (200.0, 1.5), (300.0, 3.0), (f64::NAN, 0.1)];
        // (200,2.0) dominated by (200,1.5); (150,2.5) by (200,1.5); (50,1.0) by (100,1.0)
        assert_eq!(pareto_front(&pts), vec![0, 4, 5]);
        assert_eq!(pareto_front(&[(1.0, 1.0), (1.0, 1.0)]), vec![0, 1]);
        assert!(pareto_front(&[]).is_empty());
    }
}
