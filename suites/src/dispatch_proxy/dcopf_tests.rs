use super::super::matpower::BusType;
use super::*;

const CASE14: &str = include_str!("../../data/pglib/pglib_opf_case14_ieee.m");
const CASE118: &str = include_str!("../../data/pglib/pglib_opf_case118_ieee.m");

/// DC-OPF objectives published with PGLib-OPF (BASELINE.md, PowerModels
/// DC model, typical operating conditions), 5 significant digits.
const PUBLISHED_DC_CASE14: f64 = 2.0515e3;
const PUBLISHED_DC_CASE118: f64 = 9.3101e4;

fn case14() -> Case {
    Case::parse(CASE14).unwrap()
}

fn case118() -> Case {
    Case::parse(CASE118).unwrap()
}

fn nominal(case: &Case) -> Vec<f64> {
    case.buses.iter().map(|b| b.pd).collect()
}

/// Checks a solution against the case independently of the solver code:
/// lossless balance, nodal balance from the flows, flows from the angles,
/// generator and branch limits.
fn check_solution(case: &Case, loads: &[f64], sol: &DcOpfSolution, tol_mw: f64) {
    let base = case.base_mva;
    let n = case.buses.len();
    let load: f64 = loads.iter().sum::<f64>() + case.buses.iter().map(|b| b.gs).sum::<f64>();
    let gen: f64 = sol.dispatch_mw.iter().sum();
    assert!((gen - load).abs() <= 1e-6 * load.abs(), "generation {gen} vs load {load}");
    let mut net = vec![0.0; n];
    for (k, b) in case.buses.iter().enumerate() {
        net[k] -= loads[k] + b.gs;
    }
    for (g, gen) in case.gens.iter().enumerate() {
        let p = sol.dispatch_mw[g];
        if gen.in_service {
            assert!(p >= gen.pmin - tol_mw && p <= gen.pmax + tol_mw, "generator {g}: {p} outside limits");
            net[gen.bus] += p;
        } else {
            assert_eq!(p, 0.0);
        }
    }
    for (i, br) in case.branches.iter().enumerate() {
        let f = sol.flows_mw[i];
        if !br.in_service {
            assert_eq!(f, 0.0);
            continue;
        }
        let from_angles =
            (sol.angles_rad[br.from] - sol.angles_rad[br.to] - br.shift_deg.to_radians()) / (br.x * br.tap()) * base;
        assert!((f - from_angles).abs() <= 1e-9 * (1.0 + f.abs()), "branch {i}: flow {f} vs angles {from_angles}");
        if br.rate_a > 0.0 {
            assert!(f.abs() <= br.rate_a + tol_mw, "branch {i}: |{f}| above rating {}", br.rate_a);
        }
        net[br.from] -= f;
        net[br.to] += f;
    }
    for (k, m) in net.iter().enumerate() {
        assert!(m.abs() <= tol_mw, "bus {}: mismatch {m} MW", case.buses[k].id);
    }
    assert!(sol.max_mismatch_mw <= tol_mw);
    let reference = case.buses.iter().position(|b| b.kind == BusType::Reference).unwrap();
    assert_eq!(sol.angles_rad[reference], 0.0);
    let cost: f64 = case
        .gens
        .iter()
        .zip(&case.costs)
        .zip(&sol.dispatch_mw)
        .filter(|((g, _), _)| g.in_service)
        .map(|((_, c), &p)| c.eval(p))
        .sum();
    assert!((cost - sol.objective).abs() <= 1e-9 * cost.abs().max(1.0));
}

/// Economic dispatch without a network: equal incremental cost, by bisection
/// on the price λ (a linear cost gives its whole range at λ = c1).
fn economic_dispatch(case: &Case, demand: f64) -> Vec<f64> {
    let at = |lambda: f64| -> Vec<f64> {
        case.gens
            .iter()
            .zip(&case.costs)
            .map(|(g, c)| {
                if !g.in_service {
                    0.0
                } else if c.c2 > 0.0 {
                    ((lambda - c.c1) / (2.0 * c.c2)).clamp(g.pmin, g.pmax)
                } else if lambda > c.c1 {
                    g.pmax
                } else {
                    g.pmin
                }
            })
            .collect()
    };
    let (mut lo, mut hi) = (-1e4, 1e4);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if at(mid).iter().sum::<f64>() < demand {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    // Linear costs: the marginal unit takes the remainder.
    let mut p = at(lo);
    let short = demand - p.iter().sum::<f64>();
    let upper = at(hi);
    if let Some(g) = (0..p.len()).find(|&g| upper[g] - p[g] > 1e-9) {
        p[g] += short.min(upper[g] - p[g]);
    }
    p
}

fn total_cost(case: &Case, p: &[f64]) -> f64 {
    case.gens.iter().zip(&case.costs).zip(p).filter(|((g, _), _)| g.in_service).map(|((_, c), &p)| c.eval(p)).sum()
}

/// A second formulation: variables are all bus angles and all in-service
/// generators, one balance equation per bus (B-theta), every flow and
/// angle-difference limit written out; solved with Clarabel directly.
fn b_theta(case: &Case, loads: &[f64]) -> (f64, Vec<f64>) {
    let (status, result) = b_theta_solve(case, loads);
    assert_eq!(status, SolverStatus::Solved);
    result
}

fn b_theta_status(case: &Case, loads: &[f64]) -> SolverStatus {
    b_theta_solve(case, loads).0
}

fn b_theta_solve(case: &Case, loads: &[f64]) -> (SolverStatus, (f64, Vec<f64>)) {
    let base = case.base_mva;
    let n = case.buses.len();
    let gens: Vec<usize> = (0..case.gens.len()).filter(|&g| case.gens[g].in_service).collect();
    let nv = n + gens.len();
    let (mut ri, mut ci, mut vals, mut b) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Balance: Σ Pg − Σ_out b(θf − θt − φ) + Σ_in ... = Pd + Gs.
    for (k, bus) in case.buses.iter().enumerate() {
        b.push((loads[k] + bus.gs) / base);
    }
    for (v, &g) in gens.iter().enumerate() {
        ri.push(case.gens[g].bus);
        ci.push(n + v);
        vals.push(1.0);
    }
    let branches: Vec<usize> = (0..case.branches.len()).filter(|&i| case.branches[i].in_service).collect();
    for &i in &branches {
        let br = &case.branches[i];
        let s = 1.0 / (br.x * br.tap());
        let phi = br.shift_deg.to_radians();
        for (bus, sign) in [(br.from, 1.0), (br.to, -1.0)] {
            ri.extend([bus, bus]);
            ci.extend([br.from, br.to]);
            vals.extend([-sign * s, sign * s]);
            b[bus] -= sign * s * phi;
        }
    }
    let reference = case.buses.iter().position(|b| b.kind == BusType::Reference).unwrap();
    ri.push(n);
    ci.push(reference);
    vals.push(1.0);
    b.push(0.0);
    let mut row = n + 1;
    let mut ineq = 0;
    for &i in &branches {
        let br = &case.branches[i];
        let s = 1.0 / (br.x * br.tap());
        let phi = br.shift_deg.to_radians();
        if br.rate_a > 0.0 {
            for sign in [1.0, -1.0] {
                ri.extend([row, row]);
                ci.extend([br.from, br.to]);
                vals.extend([sign * s, -sign * s]);
                b.push(br.rate_a / base + sign * s * phi);
                row += 1;
                ineq += 1;
            }
        }
        for (deg, sign) in [(br.angmax_deg, 1.0), (br.angmin_deg, -1.0)] {
            if deg != 0.0 && deg.abs() < 360.0 {
                ri.extend([row, row]);
                ci.extend([br.from, br.to]);
                vals.extend([sign, -sign]);
                b.push(sign * deg.to_radians());
                row += 1;
                ineq += 1;
            }
        }
    }
    for (v, &g) in gens.iter().enumerate() {
        let gen = &case.gens[g];
        ri.extend([row, row + 1]);
        ci.extend([n + v, n + v]);
        vals.extend([1.0, -1.0]);
        b.extend([gen.pmax / base, -gen.pmin / base]);
        row += 2;
        ineq += 2;
    }
    let a = CscMatrix::new_from_triplets(row, nv, ri, ci, vals);
    let mut q = vec![0.0; nv];
    let (mut pi, mut pv) = (Vec::new(), Vec::new());
    for (v, &g) in gens.iter().enumerate() {
        q[n + v] = case.costs[g].c1 * base;
        if case.costs[g].c2 > 0.0 {
            pi.push(n + v);
            pv.push(2.0 * case.costs[g].c2 * base * base);
        }
    }
    let p = CscMatrix::new_from_triplets(nv, nv, pi.clone(), pi, pv);
    let cones = [SupportedConeT::ZeroConeT(n + 1), SupportedConeT::NonnegativeConeT(ineq)];
    let settings = DefaultSettingsBuilder::default().verbose(false).build().unwrap();
    let mut solver = DefaultSolver::new(&p, &q, &a, &b, &cones, settings).unwrap();
    solver.solve();
    let mut dispatch = vec![0.0; case.gens.len()];
    for (v, &g) in gens.iter().enumerate() {
        dispatch[g] = solver.solution.x[n + v] * base;
    }
    (solver.solution.status, (total_cost(case, &dispatch), dispatch))
}

#[test]
fn case14_nominal_matches_merit_order_and_published_value() {
    let case = case14();
    let loads = nominal(&case);
    let sol = solve_nominal(&case).unwrap();
    check_solution(&case, &loads, &sol, 1e-6);
    // No line limit binds at nominal load, so the network does not matter:
    // all 259 MW come from the cheapest unit.
    assert!(sol.congested.is_empty(), "{:?}", sol.congested);
    let ed = economic_dispatch(&case, case.total_load_mw());
    for (p, e) in sol.dispatch_mw.iter().zip(&ed) {
        assert!((p - e).abs() < 1e-4, "{p} vs {e}");
    }
    assert!((sol.objective - 259.0 * 7.920951).abs() < 1e-4);
    assert!((sol.objective - PUBLISHED_DC_CASE14).abs() <= 0.05, "{}", sol.objective);
}

#[test]
fn case118_nominal_is_balanced_feasible_and_optimal() {
    let case = case118();
    let loads = nominal(&case);
    let sol = solve_nominal(&case).unwrap();
    check_solution(&case, &loads, &sol, 1e-6);
    // MATPOWER's DC model (susceptance 1/(x·tap)); see the next test for
    // the published value, which uses another susceptance.
    assert!((sol.objective - 93_132.68).abs() <= 0.01, "{}", sol.objective);
    // Line limits bind: the network makes the dispatch dearer than merit order.
    let ed_cost = total_cost(&case, &economic_dispatch(&case, case.total_load_mw()));
    assert!(!sol.congested.is_empty());
    assert!(sol.objective > ed_cost + 1.0, "{} vs {ed_cost}", sol.objective);
    let (obj, dispatch) = b_theta(&case, &loads);
    assert!((obj - sol.objective).abs() <= 1e-6 * obj, "{obj} vs {}", sol.objective);
    for (p, q) in sol.dispatch_mw.iter().zip(&dispatch) {
        assert!((p - q).abs() < 1e-3, "{p} vs {q}");
    }
}

/// The lazily enforced flow limits give the optimum of the full problem,
/// at loads well away from the nominal ones.
#[test]
fn case118_varied_loads_match_b_theta() {
    let case = case118();
    let opf = DcOpf::new(&case).unwrap();
    let mut rng = crate::rng::SplitMix64::new(5);
    for scale in [0.7, 0.9, 1.1, 1.2, 1.25] {
        let loads: Vec<f64> = case.buses.iter().map(|b| b.pd * scale * (1.0 + 0.05 * rng.normal()).max(0.0)).collect();
        let sol = opf.solve(&loads).unwrap();
        check_solution(&case, &loads, &sol, 1e-5);
        let (obj, dispatch) = b_theta(&case, &loads);
        assert!((obj - sol.objective).abs() <= 1e-6 * obj, "scale {scale}: {obj} vs {}", sol.objective);
        for (p, q) in sol.dispatch_mw.iter().zip(&dispatch) {
            assert!((p - q).abs() < 1e-3, "scale {scale}: {p} vs {q}");
        }
    }
    // 1.4 times the nominal load is within the capacity (6515 MW) but not
    // deliverable through the network; both formulations find it infeasible.
    let loads: Vec<f64> = case.buses.iter().map(|b| b.pd * 1.4).collect();
    assert!(matches!(opf.solve(&loads), Err(OpfError::Infeasible { .. })));
    assert!(b_theta_status(&case, &loads) == SolverStatus::PrimalInfeasible);
}

/// PowerModels' DC model, which produced the published objectives, takes the
/// branch susceptance as x/(r²+x²) and ignores taps. The same case with
/// x replaced accordingly must reproduce the published values.
#[test]
fn powermodels_susceptance_reproduces_published_objectives() {
    for (text, published) in [(CASE14, PUBLISHED_DC_CASE14), (CASE118, PUBLISHED_DC_CASE118)] {
        let mut case = Case::parse(text).unwrap();
        for br in &mut case.branches {
            br.x = (br.r * br.r + br.x * br.x) / br.x;
            br.ratio = 0.0;
        }
        let sol = solve_nominal(&case).unwrap();
        check_solution(&case, &nominal(&case), &sol, 1e-6);
        // 5 significant digits published: within half a unit of the last one.
        let half_unit = 0.5 * 10f64.powf(published.log10().floor() - 4.0);
        assert!((sol.objective - published).abs() <= half_unit, "{} vs {published}", sol.objective);
    }
}

/// Case14 with line 1-5 derated so that it binds, checked by brute force
/// over the one degree of freedom (the output of generator 2).
#[test]
fn case14_congested_matches_brute_force() {
    let mut case = case14();
    case.branches[1].rate_a = 70.0;
    let loads = nominal(&case);
    let opf = DcOpf::new(&case).unwrap();
    let sol = opf.solve(&loads).unwrap();
    check_solution(&case, &loads, &sol, 1e-6);
    assert_eq!(sol.congested, vec![1]);
    assert!(sol.dispatch_mw[1] > 1.0);
    let (mut best, mut best_p2) = (f64::INFINITY, 0.0);
    let steps = 11_800;
    for s in 0..=steps {
        let p2 = 59.0 * s as f64 / steps as f64;
        let p1 = 259.0 - p2;
        let flows = power_flow(&case, &loads, &[p1, p2, 0.0, 0.0, 0.0]);
        let ok = case.branches.iter().zip(&flows).all(|(b, f)| b.rate_a == 0.0 || f.abs() <= b.rate_a);
        let cost = total_cost(&case, &[p1, p2, 0.0, 0.0, 0.0]);
        if ok && cost < best {
            (best, best_p2) = (cost, p2);
        }
    }
    assert!((sol.dispatch_mw[1] - best_p2).abs() <= 6e-3, "{} vs {best_p2}", sol.dispatch_mw[1]);
    assert!(sol.objective <= best + 1e-6 && sol.objective >= best - 0.05, "{} vs {best}", sol.objective);
    let (obj, _) = b_theta(&case, &loads);
    assert!((obj - sol.objective).abs() <= 1e-6 * obj);
}

/// Branch flows of a dispatch by a plain DC power flow (Gaussian elimination
/// on the reduced susceptance matrix), independent of the solver code.
fn power_flow(case: &Case, loads: &[f64], dispatch: &[f64]) -> Vec<f64> {
    let n = case.buses.len();
    let base = case.base_mva;
    let reference = case.buses.iter().position(|b| b.kind == BusType::Reference).unwrap();
    let mut m = vec![vec![0.0; n + 1]; n];
    for br in case.branches.iter().filter(|b| b.in_service) {
        let s = 1.0 / (br.x * br.tap());
        m[br.from][br.from] += s;
        m[br.to][br.to] += s;
        m[br.from][br.to] -= s;
        m[br.to][br.from] -= s;
    }
    for k in 0..n {
        m[k][n] = -loads[k] / base;
    }
    for (g, gen) in case.gens.iter().enumerate() {
        m[gen.bus][n] += dispatch[g] / base;
    }
    m[reference].iter_mut().for_each(|v| *v = 0.0);
    m[reference][reference] = 1.0;
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs())).unwrap();
        m.swap(c, p);
        let pivot = m[c].clone();
        for (i, row) in m.iter_mut().enumerate() {
            if i != c {
                let f = row[c] / pivot[c];
                for (x, p) in row[c..].iter_mut().zip(&pivot[c..]) {
                    *x -= f * p;
                }
            }
        }
    }
    let theta: Vec<f64> = (0..n).map(|k| m[k][n] / m[k][k]).collect();
    case.branches
        .iter()
        .map(|br| if br.in_service { (theta[br.from] - theta[br.to]) / (br.x * br.tap()) * base } else { 0.0 })
        .collect()
}

#[test]
fn quadratic_costs_match_equal_incremental_cost() {
    let mut case = case14();
    for (g, (c2, c1)) in [(0.02, 8.0), (0.05, 10.0), (0.01, 30.0), (0.0, 50.0), (0.03, 12.0)].iter().enumerate() {
        case.costs[g].c2 = *c2;
        case.costs[g].c1 = *c1;
        case.gens[g].pmax = 120.0;
    }
    let loads = nominal(&case);
    let sol = solve_nominal(&case).unwrap();
    check_solution(&case, &loads, &sol, 1e-6);
    assert!(sol.congested.is_empty());
    let ed = economic_dispatch(&case, case.total_load_mw());
    for (p, e) in sol.dispatch_mw.iter().zip(&ed) {
        assert!((p - e).abs() < 1e-3, "{p} vs {e}");
    }
    assert!((sol.objective - total_cost(&case, &ed)).abs() < 1e-6 * sol.objective);
    let (obj, _) = b_theta(&case, &loads);
    assert!((obj - sol.objective).abs() <= 1e-6 * obj);
}

#[test]
fn phase_shifter_and_off_nominal_taps_match_b_theta() {
    let mut case = case14();
    case.branches[9].shift_deg = -4.0; // transformer 5-6
    case.branches[7].shift_deg = 2.5; // transformer 4-7
    case.branches[1].rate_a = 70.0;
    let loads = nominal(&case);
    let sol = solve_nominal(&case).unwrap();
    check_solution(&case, &loads, &sol, 1e-6);
    let (obj, dispatch) = b_theta(&case, &loads);
    assert!((obj - sol.objective).abs() <= 1e-6 * obj, "{obj} vs {}", sol.objective);
    for (p, q) in sol.dispatch_mw.iter().zip(&dispatch) {
        assert!((p - q).abs() < 1e-3, "{p} vs {q}");
    }
}

#[test]
fn binding_angle_limits_are_enforced() {
    let mut case = case14();
    case.branches[1].rate_a = 0.0; // line 1-5 unlimited, but its angle is limited
    case.branches[1].angmax_deg = 9.0; // 9.9 degrees at the unconstrained optimum
    case.branches[1].angmin_deg = -9.0;
    let loads = nominal(&case);
    let sol = solve_nominal(&case).unwrap();
    check_solution(&case, &loads, &sol, 1e-6);
    let (f, t) = (case.branches[1].from, case.branches[1].to);
    let diff = (sol.angles_rad[f] - sol.angles_rad[t]).to_degrees();
    assert!(diff <= 9.0 + 1e-6 && diff > 8.99, "{diff}");
    let (obj, _) = b_theta(&case, &loads);
    assert!((obj - sol.objective).abs() <= 1e-6 * obj);
}

#[test]
fn load_above_capacity_is_infeasible() {
    let case = case14();
    let loads: Vec<f64> = nominal(&case).iter().map(|p| p * 1.6).collect();
    let err = DcOpf::new(&case).unwrap().solve(&loads).unwrap_err();
    assert!(matches!(err, OpfError::Infeasible { .. }));
    let msg = err.to_string();
    assert!(msg.contains("414.400 MW, exceeds the in-service generation capacity, 399.000 MW"), "{msg}");
}

#[test]
fn unmeetable_line_limits_are_infeasible() {
    let mut case = case14();
    // Bus 1 holds the only big unit; its two lines cannot carry the load.
    case.branches[0].rate_a = 100.0;
    case.branches[1].rate_a = 50.0;
    let err = solve_nominal(&case).unwrap_err();
    assert!(matches!(err, OpfError::Infeasible { .. }), "{err}");
    assert!(err.to_string().contains("branch flow"), "{err}");
}

#[test]
fn bad_networks_and_loads_are_rejected() {
    let mut no_ref = case14();
    no_ref.buses[0].kind = BusType::Pv;
    assert_eq!(DcOpf::new(&no_ref).unwrap_err(), OpfError::NoReferenceBus);
    let mut two_refs = case14();
    two_refs.buses[1].kind = BusType::Reference;
    assert_eq!(DcOpf::new(&two_refs).unwrap_err(), OpfError::ManyReferenceBuses { count: 2 });
    let mut isolated = case14();
    isolated.buses[7].kind = BusType::Isolated;
    assert_eq!(DcOpf::new(&isolated).unwrap_err(), OpfError::IsolatedBus { id: 8 });
    let mut island = case14();
    island.branches[13].in_service = false; // 7-8 is bus 8's only branch
    assert_eq!(DcOpf::new(&island).unwrap_err(), OpfError::Islanded { id: 8 });
    let case = case14();
    let opf = DcOpf::new(&case).unwrap();
    assert_eq!(opf.buses(), 14);
    assert_eq!(opf.capacity_mw(), 399.0);
    assert_eq!(opf.solve(&[0.0; 3]).unwrap_err(), OpfError::LoadCount { expected: 14, found: 3 });
    let mut nan = nominal(&case);
    nan[4] = f64::NAN;
    assert_eq!(opf.solve(&nan).unwrap_err(), OpfError::NonFiniteLoad { id: 5 });
    let low: Vec<f64> = nominal(&case).iter().map(|p| -p).collect();
    assert!(opf.solve(&low).unwrap_err().to_string().contains("below the generators' minimum output"));
}

#[test]
fn out_of_service_elements_are_ignored() {
    let mut case = case14();
    case.gens[1].in_service = false;
    case.branches[2].in_service = false;
    let loads = nominal(&case);
    let sol = solve_nominal(&case).unwrap();
    check_solution(&case, &loads, &sol, 1e-6);
    assert_eq!(sol.dispatch_mw[1], 0.0);
    assert_eq!(sol.flows_mw[2], 0.0);
}

#[test]
fn evaluate_reports_the_state_of_any_dispatch() {
    let case = case14();
    let loads = nominal(&case);
    let opf = DcOpf::new(&case).unwrap();
    let sol = opf.solve(&loads).unwrap();
    let same = opf.evaluate(&loads, &sol.dispatch_mw).unwrap();
    assert_eq!(same.flows_mw, sol.flows_mw);
    assert_eq!(same.objective, sol.objective);
    // 10 MW too much: the reference bus (bus 1) shows the imbalance.
    let mut over = sol.dispatch_mw.clone();
    over[1] += 10.0;
    let state = opf.evaluate(&loads, &over).unwrap();
    assert!((state.max_mismatch_mw - 10.0).abs() < 1e-6, "{}", state.max_mismatch_mw);
    // All output at bus 1 overloads line 1-2 when it is rated 100 MW.
    let mut tight = case14();
    tight.branches[0].rate_a = 100.0;
    tight.branches[1].rate_a = 0.0;
    let state = DcOpf::new(&tight).unwrap().evaluate(&loads, &[259.0, 0.0, 0.0, 0.0, 0.0]).unwrap();
    assert!(state.flows_mw[0] > 100.0 && state.congested.contains(&0));
    assert_eq!(opf.evaluate(&loads, &[1.0]).unwrap_err(), OpfError::DispatchCount { expected: 5, found: 1 });
    assert_eq!(opf.evaluate(&[1.0], &sol.dispatch_mw).unwrap_err(), OpfError::LoadCount { expected: 14, found: 1 });
}

#[test]
fn hand_built_inconsistencies_are_errors_not_panics() {
    let mut costs = case14();
    costs.costs.pop();
    let mut gen_bus = case14();
    gen_bus.gens[0].bus = 14;
    let mut branch_bus = case14();
    branch_bus.branches[3].to = 99;
    let mut limits = case14();
    limits.gens[1].pmin = 80.0;
    let mut reactance = case14();
    reactance.branches[0].x = f64::NAN;
    let mut base = case14();
    base.base_mva = 0.0;
    for case in [costs, gen_bus, branch_bus, limits, reactance, base] {
        assert!(matches!(DcOpf::new(&case), Err(OpfError::Unsupported { .. })));
    }
}

#[test]
fn all_fixed_generators_are_checked_without_the_solver() {
    let mut case = case14();
    for gen in &mut case.gens {
        gen.pmin = gen.pmax;
    }
    case.gens[0].pmax = 200.0;
    case.gens[0].pmin = 200.0;
    let loads = nominal(&case); // 259 MW = 200 + 59
    let sol = DcOpf::new(&case).unwrap().solve(&loads).unwrap();
    check_solution(&case, &loads, &sol, 1e-6);
    case.branches[0].rate_a = 0.5 * sol.flows_mw[0].abs();
    let err = DcOpf::new(&case).unwrap().solve(&loads).unwrap_err();
    assert!(err.to_string().contains("fixed dispatch violates a branch limit"), "{err}");
    let less: Vec<f64> = loads.iter().map(|p| 0.9 * p).collect();
    assert!(matches!(DcOpf::new(&case).unwrap().solve(&less), Err(OpfError::Infeasible { .. })));
}
