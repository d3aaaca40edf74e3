//! The network side of the DC-OPF model: checks of a case, the in-service
//! branches, connectivity and the inverse of the reduced susceptance matrix.

use super::super::matpower::{BusType, Case};
use super::OpfError;

/// An in-service branch as the network model sees it.
#[derive(Clone, Debug)]
pub(super) struct Line {
    /// Index in [`Case::branches`].
    pub(super) index: usize,
    /// From-end bus index.
    pub(super) from: usize,
    /// To-end bus index.
    pub(super) to: usize,
    /// Susceptance 1/(x·tap) (p.u.).
    pub(super) b: f64,
    /// Phase shift (radians).
    pub(super) shift: f64,
    /// Rating (p.u.), `None` when unlimited.
    pub(super) rate: Option<f64>,
}

/// Rejects what [`Case::parse`] would have rejected in a case built or
/// edited by hand, so that no bad index or value reaches the model.
pub(super) fn validate(case: &Case) -> Result<(), OpfError> {
    let bad = |reason: String| Err(OpfError::Unsupported { reason });
    let n = case.buses.len();
    if !(case.base_mva.is_finite() && case.base_mva > 0.0) {
        return bad(format!("baseMVA {} is not a positive number", case.base_mva));
    }
    if case.costs.len() != case.gens.len() {
        return bad(format!("{} cost entries for {} generators", case.costs.len(), case.gens.len()));
    }
    if let Some(k) = case.buses.iter().position(|b| !(b.pd.is_finite() && b.gs.is_finite())) {
        return bad(format!("bus {} has a non-finite load or shunt", case.buses[k].id));
    }
    for (g, gen) in case.gens.iter().enumerate() {
        let c = &case.costs[g];
        if gen.bus >= n {
            return bad(format!("generator {g} is at bus index {}, beyond the {n} buses", gen.bus));
        }
        if !(gen.pmin.is_finite() && gen.pmax.is_finite() && gen.pmin <= gen.pmax) {
            return bad(format!("generator {g} has limits Pmin {} MW, Pmax {} MW", gen.pmin, gen.pmax));
        }
        if !(c.c2.is_finite() && c.c1.is_finite() && c.c0.is_finite() && c.c2 >= 0.0) {
            return bad(format!("generator {g} has a non-finite or non-convex cost"));
        }
    }
    for (i, br) in case.branches.iter().enumerate() {
        if br.from >= n || br.to >= n {
            return bad(format!("branch {i} connects bus indices {} and {}, beyond the {n} buses", br.from, br.to));
        }
        let values = [br.x, br.ratio, br.shift_deg, br.rate_a, br.angmin_deg, br.angmax_deg];
        if br.in_service && (br.x == 0.0 || values.iter().any(|v| !v.is_finite()) || br.rate_a < 0.0) {
            return bad(format!("branch {i} has a zero or non-finite reactance, rating or angle"));
        }
    }
    Ok(())
}

/// The single reference bus; isolated buses are rejected.
pub(super) fn reference_bus(case: &Case) -> Result<usize, OpfError> {
    if let Some(b) = case.buses.iter().find(|b| b.kind == BusType::Isolated) {
        return Err(OpfError::IsolatedBus { id: b.id });
    }
    let refs: Vec<usize> = (0..case.buses.len()).filter(|&k| case.buses[k].kind == BusType::Reference).collect();
    match refs.as_slice() {
        [] => Err(OpfError::NoReferenceBus),
        [k] => Ok(*k),
        _ => Err(OpfError::ManyReferenceBuses { count: refs.len() }),
    }
}

/// The in-service branches with their susceptances, in p.u. and radians.
pub(super) fn network_lines(case: &Case) -> Vec<Line> {
    let base = case.base_mva;
    (0..case.branches.len())
        .filter(|&i| case.branches[i].in_service)
        .map(|i| {
            let br = &case.branches[i];
            Line {
                index: i,
                from: br.from,
                to: br.to,
                b: 1.0 / (br.x * br.tap()),
                shift: br.shift_deg.to_radians(),
                rate: (br.rate_a > 0.0).then(|| br.rate_a / base),
            }
        })
        .collect()
}

/// Checks that every bus is reached from the reference bus.
pub(super) fn check_connected(case: &Case, lines: &[Line], ref_bus: usize) -> Result<(), OpfError> {
    let n = case.buses.len();
    let mut adjacent = vec![Vec::new(); n];
    for line in lines {
        adjacent[line.from].push(line.to);
        adjacent[line.to].push(line.from);
    }
    let mut seen = vec![false; n];
    seen[ref_bus] = true;
    let mut stack = vec![ref_bus];
    while let Some(k) = stack.pop() {
        for &j in &adjacent[k] {
            if !seen[j] {
                seen[j] = true;
                stack.push(j);
            }
        }
    }
    match seen.iter().position(|s| !s) {
        Some(k) => Err(OpfError::Islanded { id: case.buses[k].id }),
        None => Ok(()),
    }
}

/// Inverse of the susceptance matrix without the reference row and column,
/// returned as an `n×n` row-major matrix with a zero reference row and column.
pub(super) fn reduced_inverse(n: usize, ref_bus: usize, lines: &[Line]) -> Result<Vec<f64>, OpfError> {
    let m = n - 1;
    let red = |k: usize| -> Option<usize> {
        match k.cmp(&ref_bus) {
            std::cmp::Ordering::Less => Some(k),
            std::cmp::Ordering::Equal => None,
            std::cmp::Ordering::Greater => Some(k - 1),
        }
    };
    let mut bred = vec![0.0; m * m];
    for line in lines {
        let (f, t) = (red(line.from), red(line.to));
        if let Some(f) = f {
            bred[f * m + f] += line.b;
        }
        if let Some(t) = t {
            bred[t * m + t] += line.b;
        }
        if let (Some(f), Some(t)) = (f, t) {
            bred[f * m + t] -= line.b;
            bred[t * m + f] -= line.b;
        }
    }
    let inv = invert(m, bred).ok_or(OpfError::SingularNetwork)?;
    let mut x = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            if let (Some(ri), Some(rj)) = (red(i), red(j)) {
                x[i * n + j] = inv[ri * m + rj];
            }
        }
    }
    Ok(x)
}

/// Inverse of a dense `m×m` row-major matrix by Gauss-Jordan elimination
/// with partial pivoting; `None` when it is (numerically) singular.
fn invert(m: usize, mut a: Vec<f64>) -> Option<Vec<f64>> {
    let mut inv = vec![0.0; m * m];
    for i in 0..m {
        inv[i * m + i] = 1.0;
    }
    let scale = a.iter().fold(0.0_f64, |s, v| s.max(v.abs()));
    for col in 0..m {
        let pivot = (col..m).max_by(|&i, &j| a[i * m + col].abs().total_cmp(&a[j * m + col].abs()))?;
        if a[pivot * m + col].abs() <= 1e-12 * scale {
            return None;
        }
        if pivot != col {
            for j in 0..m {
                a.swap(pivot * m + j, col * m + j);
                inv.swap(pivot * m + j, col * m + j);
            }
        }
        let d = a[col * m + col];
        for j in 0..m {
            a[col * m + j] /= d;
            inv[col * m + j] /= d;
        }
        for i in 0..m {
            let f = a[i * m + col];
            if i == col || f == 0.0 {
                continue;
            }
            for j in 0..m {
                a[i * m + j] -= f * a[col * m + j];
                inv[i * m + j] -= f * inv[col * m + j];
            }
        }
    }
    Some(inv)
}
