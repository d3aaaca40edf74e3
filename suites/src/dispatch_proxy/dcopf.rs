//! DC optimal power flow, solved with the Clarabel interior-point solver.
//!
//! Minimises the total generator cost (`c2·P² + c1·P + c0`, P in MW) subject
//! to the lossless DC network model: nodal power balance at every bus,
//! generator limits, branch flow limits `|flow| ≤ rateA` (0 = unlimited) and
//! the branch angle-difference limits (as MATPOWER and PowerModels do; only
//! where the flow limit does not already imply them). Branch susceptance is
//! `1/(x·tap)`, phase shifters are modelled, the reference angle is 0.
//!
//! The flows are written with power transfer distribution factors (PTDF),
//! so the optimisation variables are only the dispatchable generators. The
//! network matrices are built once per case by [`DcOpf::new`]. Flow limits
//! are enforced lazily: each [`DcOpf::solve`] starts with the limits of the
//! branches that are heavily loaded at the case's nominal optimum, adds any
//! limit its solution violates and solves again until none is violated.
//! That solution is optimal for the full problem (optimal for a relaxation
//! of it and feasible for it), and the small problems solve several times
//! faster than the full one.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettings, DefaultSettingsBuilder, DefaultSolver, IPSolver, SolverStatus, SupportedConeT,
};
use thiserror::Error;

use super::matpower::{Case, GenCost};
use network::{check_connected, network_lines, reduced_inverse, reference_bus, validate, Line};

mod network;

/// A branch whose |flow| is within this of its rating counts as congested (MW).
pub const CONGESTION_TOL_MW: f64 = 1e-3;
/// A flow limit left out of a solve counts as violated when exceeded by more than this (MW).
pub const FLOW_TOL_MW: f64 = 1e-6;
/// Flow limits enforced from the first solve: branches loaded to at least
/// this fraction of their rating at the case's nominal optimum.
const WATCH_FRACTION: f64 = 0.9;
/// Constraint coefficients smaller than this are dropped as round-off.
const DROP_TOL: f64 = 1e-12;
/// Angle limits at or beyond ±360° (or exactly 0) mean "no limit", as in MATPOWER.
const NO_ANGLE_LIMIT_DEG: f64 = 360.0;

/// Why a DC optimal power flow could not be set up or solved.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum OpfError {
    /// No bus of type 3.
    #[error("the case has no reference bus (type 3)")]
    NoReferenceBus,
    /// More than one bus of type 3.
    #[error("the case has {count} reference buses; exactly one is supported")]
    ManyReferenceBuses {
        /// Buses of type 3.
        count: usize,
    },
    /// A bus of type 4.
    #[error("bus {id} is isolated (type 4); isolated buses are not supported")]
    IsolatedBus {
        /// Bus number.
        id: u32,
    },
    /// The in-service branches do not connect every bus to the reference bus.
    #[error("bus {id} is not connected to the reference bus by in-service branches")]
    Islanded {
        /// First unreached bus number.
        id: u32,
    },
    /// The reduced susceptance matrix cannot be inverted.
    #[error("the network susceptance matrix is singular")]
    SingularNetwork,
    /// The load vector does not have one entry per bus.
    #[error("{found} bus loads given for {expected} buses")]
    LoadCount {
        /// Buses in the case.
        expected: usize,
        /// Loads given.
        found: usize,
    },
    /// A load that is NaN or infinite.
    #[error("the load at bus {id} is not finite")]
    NonFiniteLoad {
        /// Bus number.
        id: u32,
    },
    /// No dispatch satisfies the constraints.
    #[error("infeasible DC-OPF: {reason}")]
    Infeasible {
        /// What cannot be met.
        reason: String,
    },
    /// The solver stopped without a solution or an infeasibility certificate.
    #[error("the DC-OPF solver failed: {status}")]
    Solver {
        /// Solver status or setup error.
        status: String,
    },
    /// A dispatch vector that does not have one entry per generator.
    #[error("{found} generator outputs given for {expected} generators")]
    DispatchCount {
        /// Generators in the case.
        expected: usize,
        /// Outputs given.
        found: usize,
    },
    /// A target row that does not have one entry per target generator.
    #[error("{found} target values given for {expected} target generators")]
    TargetCount {
        /// Target generators.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// A scenario parameter outside its range.
    #[error("parameter `{name}`: {reason}")]
    BadParameter {
        /// Parameter name.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Too many scenario draws were infeasible or failed.
    #[error("only {samples} of {requested} samples after {attempts} attempts ({infeasible} infeasible, {failed} solver failures)")]
    TooManyFailures {
        /// Samples wanted.
        requested: usize,
        /// Samples obtained.
        samples: usize,
        /// Draws made.
        attempts: usize,
        /// Draws with an infeasible OPF.
        infeasible: usize,
        /// Draws where the solver failed.
        failed: usize,
    },
    /// The case is outside what this model supports.
    #[error("unsupported case: {reason}")]
    Unsupported {
        /// What is not supported.
        reason: String,
    },
}

/// Optimal dispatch and the network state it produces.
#[derive(Clone, Debug, PartialEq)]
pub struct DcOpfSolution {
    /// Active output of every generator of the case (MW); 0 when out of service.
    pub dispatch_mw: Vec<f64>,
    /// Voltage angle of every bus (radians); 0 at the reference bus.
    pub angles_rad: Vec<f64>,
    /// Flow from the from-end to the to-end of every branch (MW); 0 when out of service.
    pub flows_mw: Vec<f64>,
    /// Total generation cost ($/h), constant terms of in-service generators included.
    pub objective: f64,
    /// Largest |injection − outgoing flows| over the buses (MW).
    pub max_mismatch_mw: f64,
    /// Indices of the branches whose |flow| is within [`CONGESTION_TOL_MW`] of
    /// rateA, or above it.
    pub congested: Vec<usize>,
    /// Interior-point iterations used, over all solves of the lazy scheme.
    pub iterations: u32,
}

/// What one inequality row of the constraint matrix stands for.
#[derive(Clone, Copy, Debug)]
enum Row {
    /// `flow(line) ≤ rate`.
    FlowUpper(usize),
    /// `−flow(line) ≤ rate`.
    FlowLower(usize),
    /// `θ_from − θ_to ≤ limit` (radians).
    AngleUpper(usize, f64),
    /// `θ_to − θ_from ≤ −limit` (radians).
    AngleLower(usize, f64),
    /// `P(var) ≤ Pmax` (p.u.).
    GenUpper(usize),
    /// `−P(var) ≤ −Pmin` (p.u.).
    GenLower(usize),
}

/// A DC-OPF model of one case, ready to be solved for any bus loads.
#[derive(Clone, Debug)]
pub struct DcOpf {
    base_mva: f64,
    bus_ids: Vec<u32>,
    /// Shunt conductance of each bus (MW at 1 p.u.), a constant load.
    gs_mw: Vec<f64>,
    n_branches: usize,
    /// Per case generator: in service.
    in_service: Vec<bool>,
    /// Per case generator: bus index.
    gen_bus: Vec<usize>,
    costs: Vec<GenCost>,
    /// Case generator of each variable.
    vars: Vec<usize>,
    /// Pmin, Pmax of each variable (p.u.).
    var_limits: Vec<(f64, f64)>,
    /// In-service generators with Pmin = Pmax: (case generator, MW).
    fixed: Vec<(usize, f64)>,
    lines: Vec<Line>,
    /// θ = X·p, `n×n`, row-major; reference row and column are zero.
    x_mat: Vec<f64>,
    /// Flow(line) = Σ_k ptdf[line][k]·p_k + flow_shift[line], row-major.
    ptdf: Vec<f64>,
    /// Injection equivalent of the phase shifters at each bus (p.u.).
    shift_inj: Vec<f64>,
    /// Flow offset of each line due to its phase shift (p.u.).
    flow_shift: Vec<f64>,
    /// Angle and generator limit rows, always enforced.
    fixed_rows: Vec<Row>,
    /// Per line: whether its flow limit is enforced from the first solve.
    watch: Vec<bool>,
    p: CscMatrix<f64>,
    q: Vec<f64>,
    settings: DefaultSettings<f64>,
}

impl DcOpf {
    /// Builds the model of `case`: checks the network, computes the PTDF,
    /// and solves the case at its nominal loads to pick the flow limits to
    /// enforce from the start (all of them if that solve fails).
    pub fn new(case: &Case) -> Result<DcOpf, OpfError> {
        validate(case)?;
        let n = case.buses.len();
        let base = case.base_mva;
        let ref_bus = reference_bus(case)?;
        let lines = network_lines(case);
        check_connected(case, &lines, ref_bus)?;
        let x_mat = reduced_inverse(n, ref_bus, &lines)?;
        let mut ptdf = vec![0.0; lines.len() * n];
        let mut shift_inj = vec![0.0; n];
        let mut flow_shift = vec![0.0; lines.len()];
        for (l, line) in lines.iter().enumerate() {
            for k in 0..n {
                ptdf[l * n + k] = line.b * (x_mat[line.from * n + k] - x_mat[line.to * n + k]);
            }
            let pf = -line.b * line.shift;
            flow_shift[l] = pf;
            shift_inj[line.from] += pf;
            shift_inj[line.to] -= pf;
        }

        let mut vars = Vec::new();
        let mut var_limits = Vec::new();
        let mut fixed = Vec::new();
        for (g, gen) in case.gens.iter().enumerate() {
            if !gen.in_service {
                continue;
            }
            if gen.pmax > gen.pmin {
                vars.push(g);
                var_limits.push((gen.pmin / base, gen.pmax / base));
            } else {
                fixed.push((g, gen.pmin));
            }
        }

        let cost_scale = vars
            .iter()
            .zip(&var_limits)
            .map(|(&g, &(_, pmax))| {
                let c = &case.costs[g];
                c.c1.abs() * base + 2.0 * c.c2 * base * base * pmax.abs().max(1.0)
            })
            .fold(0.0, f64::max);
        let cost_scale = if cost_scale > 0.0 { cost_scale } else { 1.0 };
        let nv = vars.len();
        let q: Vec<f64> = vars.iter().map(|&g| case.costs[g].c1 * base / cost_scale).collect();
        let (mut pi, mut pv) = (Vec::new(), Vec::new());
        for (v, &g) in vars.iter().enumerate() {
            let c2 = case.costs[g].c2;
            if c2 > 0.0 {
                pi.push(v);
                pv.push(2.0 * c2 * base * base / cost_scale);
            }
        }
        let p = CscMatrix::new_from_triplets(nv, nv, pi.clone(), pi, pv);

        let fixed_rows = fixed_rows(&lines, case, var_limits.len());
        let gen_bus: Vec<usize> = case.gens.iter().map(|g| g.bus).collect();
        let settings = DefaultSettingsBuilder::default()
            .verbose(false)
            .presolve_enable(false)
            .build()
            .map_err(|e| OpfError::Solver { status: e.to_string() })?;

        Ok(DcOpf {
            base_mva: base,
            bus_ids: case.buses.iter().map(|b| b.id).collect(),
            gs_mw: case.buses.iter().map(|b| b.gs).collect(),
            n_branches: case.branches.len(),
            in_service: case.gens.iter().map(|g| g.in_service).collect(),
            gen_bus,
            costs: case.costs.clone(),
            vars,
            var_limits,
            fixed,
            x_mat,
            ptdf,
            shift_inj,
            flow_shift,
            watch: lines.iter().map(|l| l.rate.is_some()).collect(),
            lines,
            fixed_rows,
            p,
            q,
            settings,
        }
        .with_watch_list(case))
    }

    /// Replaces the watch list (all limits) by the branches loaded to at least
    /// [`WATCH_FRACTION`] of their rating at the nominal optimum, if any.
    fn with_watch_list(mut self, case: &Case) -> DcOpf {
        let loads: Vec<f64> = case.buses.iter().map(|b| b.pd).collect();
        if let Ok(sol) = self.solve(&loads) {
            for (l, line) in self.lines.iter().enumerate() {
                let heavy = line.rate.map(|r| sol.flows_mw[line.index].abs() >= WATCH_FRACTION * r * self.base_mva);
                self.watch[l] = heavy == Some(true);
            }
        }
        self
    }

    /// Number of buses (the length [`DcOpf::solve`] expects).
    pub fn buses(&self) -> usize {
        self.bus_ids.len()
    }

    /// Total Pmax of the in-service generators (MW).
    pub fn capacity_mw(&self) -> f64 {
        let vars: f64 = self.var_limits.iter().map(|&(_, hi)| hi * self.base_mva).sum();
        vars + self.fixed.iter().map(|&(_, mw)| mw).sum::<f64>()
    }

    /// Solves the DC-OPF for active loads `loads_mw` (one per bus, in
    /// [`Case::buses`] order).
    pub fn solve(&self, loads_mw: &[f64]) -> Result<DcOpfSolution, OpfError> {
        let n = self.buses();
        if loads_mw.len() != n {
            return Err(OpfError::LoadCount { expected: n, found: loads_mw.len() });
        }
        if let Some(k) = loads_mw.iter().position(|v| !v.is_finite()) {
            return Err(OpfError::NonFiniteLoad { id: self.bus_ids[k] });
        }
        let base = self.base_mva;
        // Constant part of the injections: fixed generators minus loads and shunts.
        let mut p_const: Vec<f64> = (0..n).map(|k| -(loads_mw[k] + self.gs_mw[k]) / base - self.shift_inj[k]).collect();
        for &(g, mw) in &self.fixed {
            p_const[self.gen_bus[g]] += mw / base;
        }
        let demand = -p_const.iter().sum::<f64>();
        self.check_capacity(demand)?;

        // Enforce the watched flow limits, then add any other that the
        // solution violates and solve again, until none is violated. The
        // result is optimal for the full problem: it is optimal for a
        // relaxation of it and feasible for it.
        if self.vars.is_empty() {
            return self.fixed_dispatch_state(loads_mw);
        }
        let mut enforced = self.watch.clone();
        let mut iterations = 0;
        loop {
            let rows = self.rows(&enforced);
            let (dispatch_mw, its) = self.solve_rows(&rows, &p_const, demand)?;
            iterations += its;
            let state = self.network_state(loads_mw, dispatch_mw, iterations);
            let mut added = false;
            for (l, line) in self.lines.iter().enumerate() {
                if let Some(rate) = line.rate {
                    if !enforced[l] && state.flows_mw[line.index].abs() > rate * base + FLOW_TOL_MW {
                        enforced[l] = true;
                        added = true;
                    }
                }
            }
            if !added {
                return Ok(state);
            }
        }
    }

    /// The state when no generator can vary: infeasible if a flow limit or
    /// an angle limit is violated (the balance was checked before).
    fn fixed_dispatch_state(&self, loads_mw: &[f64]) -> Result<DcOpfSolution, OpfError> {
        let mut dispatch_mw = vec![0.0; self.in_service.len()];
        for &(g, mw) in &self.fixed {
            dispatch_mw[g] = mw;
        }
        let state = self.network_state(loads_mw, dispatch_mw, 0);
        let overloaded = self
            .lines
            .iter()
            .any(|line| line.rate.is_some_and(|r| state.flows_mw[line.index].abs() > r * self.base_mva + FLOW_TOL_MW));
        let angle_violated = self.fixed_rows.iter().any(|row| {
            let diff = |l: usize| state.angles_rad[self.lines[l].from] - state.angles_rad[self.lines[l].to];
            match *row {
                Row::AngleUpper(l, max) => diff(l) > max + 1e-9,
                Row::AngleLower(l, min) => diff(l) < min - 1e-9,
                _ => false,
            }
        });
        if overloaded || angle_violated {
            return Err(OpfError::Infeasible {
                reason: "no generator can vary and the fixed dispatch violates a branch limit".to_string(),
            });
        }
        Ok(state)
    }

    /// The inequality rows: the enforced flow limits, then the fixed rows.
    fn rows(&self, enforced: &[bool]) -> Vec<Row> {
        let mut rows = Vec::with_capacity(2 * self.lines.len() + self.fixed_rows.len());
        for (l, line) in self.lines.iter().enumerate() {
            if enforced[l] && line.rate.is_some() {
                rows.push(Row::FlowUpper(l));
                rows.push(Row::FlowLower(l));
            }
        }
        rows.extend_from_slice(&self.fixed_rows);
        rows
    }

    /// Solves with the inequality `rows`; returns the dispatch of every
    /// generator (MW) and the interior-point iterations.
    fn solve_rows(&self, rows: &[Row], p_const: &[f64], demand: f64) -> Result<(Vec<f64>, u32), OpfError> {
        let n = self.buses();
        let a = constraint_matrix(n, rows, &self.lines, &self.vars, &self.gen_bus, &self.ptdf, &self.x_mat);
        let b = self.right_hand_side(rows, p_const, demand);
        let cones = [SupportedConeT::ZeroConeT(1), SupportedConeT::NonnegativeConeT(rows.len())];
        let mut solver = DefaultSolver::new(&self.p, &self.q, &a, &b, &cones, self.settings.clone())
            .map_err(|e| OpfError::Solver { status: e.to_string() })?;
        solver.solve();
        let sol = &solver.solution;
        match sol.status {
            SolverStatus::Solved => {}
            SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
                return Err(OpfError::Infeasible {
                    reason: "no dispatch within the generator limits meets the branch flow and angle limits"
                        .to_string(),
                })
            }
            other => return Err(OpfError::Solver { status: format!("{other:?}") }),
        }
        if sol.x.iter().any(|v| !v.is_finite()) {
            return Err(OpfError::Solver { status: "non-finite solution".to_string() });
        }
        let mut dispatch_mw = vec![0.0; self.in_service.len()];
        for (v, &g) in self.vars.iter().enumerate() {
            let (lo, hi) = self.var_limits[v];
            dispatch_mw[g] = sol.x[v].clamp(lo, hi) * self.base_mva;
        }
        for &(g, mw) in &self.fixed {
            dispatch_mw[g] = mw;
        }
        Ok((dispatch_mw, sol.iterations))
    }

    /// Network state, cost and balance of any `dispatch_mw` (one output per
    /// generator of the case, e.g. a model's prediction) at `loads_mw`: the
    /// reference bus absorbs any imbalance, which then shows in
    /// [`DcOpfSolution::max_mismatch_mw`]; flows may exceed their ratings
    /// (see [`DcOpfSolution::congested`] and [`DcOpfSolution::flows_mw`]).
    pub fn evaluate(&self, loads_mw: &[f64], dispatch_mw: &[f64]) -> Result<DcOpfSolution, OpfError> {
        let n = self.buses();
        if loads_mw.len() != n {
            return Err(OpfError::LoadCount { expected: n, found: loads_mw.len() });
        }
        if dispatch_mw.len() != self.in_service.len() {
            return Err(OpfError::DispatchCount { expected: self.in_service.len(), found: dispatch_mw.len() });
        }
        let mut dispatch = dispatch_mw.to_vec();
        for (p, &on) in dispatch.iter_mut().zip(&self.in_service) {
            if !on {
                *p = 0.0;
            }
        }
        Ok(self.network_state(loads_mw, dispatch, 0))
    }

    /// Rejects demand outside [Σ Pmin, Σ Pmax] of the dispatchable generators
    /// with a clear message before calling the solver.
    fn check_capacity(&self, demand: f64) -> Result<(), OpfError> {
        let base = self.base_mva;
        let lo: f64 = self.var_limits.iter().map(|l| l.0).sum();
        let hi: f64 = self.var_limits.iter().map(|l| l.1).sum();
        let slack = 1e-9 * (1.0 + demand.abs());
        if demand > hi + slack {
            return Err(OpfError::Infeasible {
                reason: format!(
                    "the load to serve, {:.3} MW, exceeds the in-service generation capacity, {:.3} MW",
                    demand * base,
                    hi * base
                ),
            });
        }
        if demand < lo - slack {
            return Err(OpfError::Infeasible {
                reason: format!(
                    "the load to serve, {:.3} MW, is below the generators' minimum output, {:.3} MW",
                    demand * base,
                    lo * base
                ),
            });
        }
        Ok(())
    }

    /// The constraint right-hand side for the constant injections `p_const`.
    fn right_hand_side(&self, rows: &[Row], p_const: &[f64], demand: f64) -> Vec<f64> {
        let n = self.buses();
        let flow_const = |l: usize| -> f64 {
            let row = &self.ptdf[l * n..(l + 1) * n];
            row.iter().zip(p_const).map(|(h, p)| h * p).sum::<f64>() + self.flow_shift[l]
        };
        let angle_const = |l: usize| -> f64 {
            let (f, t) = (self.lines[l].from, self.lines[l].to);
            let (xf, xt) = (&self.x_mat[f * n..(f + 1) * n], &self.x_mat[t * n..(t + 1) * n]);
            xf.iter().zip(xt).zip(p_const).map(|((xf, xt), p)| (xf - xt) * p).sum::<f64>()
        };
        let mut b = Vec::with_capacity(1 + rows.len());
        b.push(demand);
        for row in rows {
            b.push(match *row {
                Row::FlowUpper(l) => self.lines[l].rate.unwrap_or(0.0) - flow_const(l),
                Row::FlowLower(l) => self.lines[l].rate.unwrap_or(0.0) + flow_const(l),
                Row::AngleUpper(l, max) => max - angle_const(l),
                Row::AngleLower(l, min) => -min + angle_const(l),
                Row::GenUpper(v) => self.var_limits[v].1,
                Row::GenLower(v) => -self.var_limits[v].0,
            });
        }
        b
    }

    /// Angles, flows, cost and balance check of a dispatch.
    fn network_state(&self, loads_mw: &[f64], dispatch_mw: Vec<f64>, iterations: u32) -> DcOpfSolution {
        let n = self.buses();
        let base = self.base_mva;
        let mut inj_mw: Vec<f64> = (0..n).map(|k| -(loads_mw[k] + self.gs_mw[k])).collect();
        let mut objective = 0.0;
        for (g, &mw) in dispatch_mw.iter().enumerate() {
            if self.in_service[g] {
                inj_mw[self.gen_bus[g]] += mw;
                objective += self.costs[g].eval(mw);
            }
        }
        // Angles from the actual injections; the reference bus takes any residual.
        let p: Vec<f64> = (0..n).map(|k| inj_mw[k] / base - self.shift_inj[k]).collect();
        let angles_rad: Vec<f64> =
            (0..n).map(|i| self.x_mat[i * n..(i + 1) * n].iter().zip(&p).map(|(x, p)| x * p).sum()).collect();
        let mut flows_mw = vec![0.0; self.n_branches];
        let mut out_mw = vec![0.0; n];
        let mut congested = Vec::new();
        for line in &self.lines {
            let flow = line.b * (angles_rad[line.from] - angles_rad[line.to] - line.shift) * base;
            flows_mw[line.index] = flow;
            out_mw[line.from] += flow;
            out_mw[line.to] -= flow;
            if let Some(rate) = line.rate {
                if flow.abs() >= rate * base - CONGESTION_TOL_MW {
                    congested.push(line.index);
                }
            }
        }
        let max_mismatch_mw = inj_mw.iter().zip(&out_mw).map(|(i, o)| (i - o).abs()).fold(0.0, f64::max);
        DcOpfSolution { dispatch_mw, angles_rad, flows_mw, objective, max_mismatch_mw, congested, iterations }
    }
}

/// Builds the model of `case` and solves it at the case's own loads.
pub fn solve_nominal(case: &Case) -> Result<DcOpfSolution, OpfError> {
    let loads: Vec<f64> = case.buses.iter().map(|b| b.pd).collect();
    DcOpf::new(case)?.solve(&loads)
}

/// The rows always enforced: angle limits not implied by a flow limit,
/// generator limits.
fn fixed_rows(lines: &[Line], case: &Case, n_vars: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    for (l, line) in lines.iter().enumerate() {
        let br = &case.branches[line.index];
        // With |flow| ≤ rate, θf − θt lies within shift ± rate/|b|.
        let reach = line.rate.map(|r| r / line.b.abs());
        if let Some(max) = angle_limit(br.angmax_deg) {
            if reach.is_none_or(|r| line.shift + r > max) {
                rows.push(Row::AngleUpper(l, max));
            }
        }
        if let Some(min) = angle_limit(br.angmin_deg) {
            if reach.is_none_or(|r| line.shift - r < min) {
                rows.push(Row::AngleLower(l, min));
            }
        }
    }
    for v in 0..n_vars {
        rows.push(Row::GenUpper(v));
        rows.push(Row::GenLower(v));
    }
    rows
}

/// An angle limit in radians, or `None` where MATPOWER treats it as absent.
fn angle_limit(deg: f64) -> Option<f64> {
    (deg != 0.0 && deg.abs() < NO_ANGLE_LIMIT_DEG).then(|| deg.to_radians())
}

/// The constraint matrix: the balance row `Σ P = demand`, then `rows`.
fn constraint_matrix(
    n: usize,
    rows: &[Row],
    lines: &[Line],
    vars: &[usize],
    gen_bus: &[usize],
    ptdf: &[f64],
    x_mat: &[f64],
) -> CscMatrix<f64> {
    let (mut ri, mut ci, mut vals) = (Vec::new(), Vec::new(), Vec::new());
    let mut push = |r: usize, c: usize, v: f64| {
        if v.abs() > DROP_TOL {
            ri.push(r);
            ci.push(c);
            vals.push(v);
        }
    };
    for v in 0..vars.len() {
        push(0, v, 1.0);
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i + 1;
        for (v, &g) in vars.iter().enumerate() {
            let k = gen_bus[g];
            let coef = |l: usize| -> f64 {
                let line = &lines[l];
                x_mat[line.from * n + k] - x_mat[line.to * n + k]
            };
            match *row {
                Row::FlowUpper(l) => push(r, v, ptdf[l * n + k]),
                Row::FlowLower(l) => push(r, v, -ptdf[l * n + k]),
                Row::AngleUpper(l, _) => push(r, v, coef(l)),
                Row::AngleLower(l, _) => push(r, v, -coef(l)),
                Row::GenUpper(u) if u == v => push(r, v, 1.0),
                Row::GenLower(u) if u == v => push(r, v, -1.0),
                Row::GenUpper(_) | Row::GenLower(_) => {}
            }
        }
    }
    CscMatrix::new_from_triplets(1 + rows.len(), vars.len(), ri, ci, vals)
}

#[cfg(test)]
#[path = "dcopf_tests.rs"]
mod tests;
