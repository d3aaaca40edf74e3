//! Labelled load scenarios for the dispatch proxy: random bus loads as
//! inputs, the DC-OPF dispatch that serves them at least cost as targets.
//!
//! Each draw scales every bus's nominal load by a system-wide factor,
//! uniform in `[1 − spread, 1 + spread]`, times a per-bus factor
//! `max(0, 1 + BUS_NOISE_STD·z)` with `z` standard normal. The input of a
//! sample is the per-bus load in per unit (`Pd / baseMVA`), shape
//! `[1, buses]`; its target is the output of each target generator (in
//! service, Pmax > 0) divided by its Pmax, so in `[0, 1]`. Draws whose
//! OPF is infeasible are skipped and counted; the stream of draws is fixed
//! by the seed, so the same seed gives bit-identical data.

use std::collections::BTreeSet;

use crate::dataset::{Dataset, Targets};
use crate::rng::SplitMix64;

use super::dcopf::{DcOpf, OpfError};
use super::matpower::Case;

/// Default half-width of the system-wide load factor. On the PGLib IEEE
/// 118-bus case, 5,000 draws at 0.3 were all feasible, with 2.4 binding
/// branch limits per sample on average and 14 different branches binding
/// (at 0.35, 2.4% of the draws are infeasible).
pub const DEFAULT_SPREAD: f64 = 0.3;
/// Standard deviation of the independent per-bus load factor.
pub const BUS_NOISE_STD: f64 = 0.05;
/// Draws allowed per requested sample before giving up ...
const ATTEMPTS_PER_SAMPLE: usize = 2;
/// ... plus this many.
const EXTRA_ATTEMPTS: usize = 100;

/// What happened while a dataset was generated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScenarioStats {
    /// Samples in the dataset.
    pub samples: usize,
    /// Load draws made (samples + skipped draws).
    pub attempts: usize,
    /// Draws skipped because their OPF is infeasible.
    pub infeasible: usize,
    /// Draws skipped because the solver failed on them.
    pub solver_failures: usize,
    /// Samples in which at least one branch flow limit binds.
    pub congested_samples: usize,
    /// Different branches that bind in at least one sample.
    pub congested_branches: usize,
    /// Mean number of binding branch limits per sample.
    pub mean_congested: f64,
    /// Mean generation cost of the samples ($/h).
    pub mean_objective: f64,
}

/// Generators whose outputs are the targets, in case order: in service with
/// Pmax > 0.
pub fn target_generators(case: &Case) -> Vec<usize> {
    (0..case.gens.len()).filter(|&g| case.gens[g].in_service && case.gens[g].pmax > 0.0).collect()
}

/// Generates `n` labelled samples from `seed`; see the module documentation.
/// `spread` must lie in `[0, 1)`.
pub fn opf_dataset(case: &Case, n: usize, seed: u64, spread: f64) -> Result<(Dataset, ScenarioStats), OpfError> {
    if !(0.0..1.0).contains(&spread) {
        return Err(OpfError::BadParameter { name: "spread", reason: format!("{spread} is not in [0, 1)") });
    }
    check_targets_cover_dispatch(case)?;
    let opf = DcOpf::new(case)?;
    let targets = target_generators(case);
    let buses = case.buses.len();
    let base = case.base_mva;
    let max_attempts = n.saturating_mul(ATTEMPTS_PER_SAMPLE).saturating_add(EXTRA_ATTEMPTS);
    let mut rng = SplitMix64::new(seed);
    let mut stats = ScenarioStats::default();
    let mut inputs = Vec::with_capacity(n * buses);
    let mut values = Vec::with_capacity(n * targets.len());
    let mut congested = BTreeSet::new();
    let mut objective_sum = 0.0;
    let mut binding_sum = 0;
    while stats.samples < n {
        if stats.attempts == max_attempts {
            return Err(OpfError::TooManyFailures {
                requested: n,
                samples: stats.samples,
                attempts: stats.attempts,
                infeasible: stats.infeasible,
                failed: stats.solver_failures,
            });
        }
        stats.attempts += 1;
        let global = rng.uniform(1.0 - spread, 1.0 + spread);
        // The loads are rounded to the stored f32 input first, so that each
        // label is the optimum for exactly the input it is stored with.
        let input: Vec<f32> = case
            .buses
            .iter()
            .map(|b| {
                let local = (1.0 + BUS_NOISE_STD * rng.normal()).max(0.0);
                (b.pd * global * local / base) as f32
            })
            .collect();
        let loads = input_loads_mw(case, &input);
        let sol = match opf.solve(&loads) {
            Ok(sol) => sol,
            Err(OpfError::Infeasible { .. }) => {
                stats.infeasible += 1;
                continue;
            }
            Err(OpfError::Solver { .. }) => {
                stats.solver_failures += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        inputs.extend_from_slice(&input);
        values.extend(targets.iter().map(|&g| (sol.dispatch_mw[g] / case.gens[g].pmax).clamp(0.0, 1.0) as f32));
        if !sol.congested.is_empty() {
            stats.congested_samples += 1;
        }
        congested.extend(sol.congested.iter().copied());
        binding_sum += sol.congested.len();
        objective_sum += sol.objective;
        stats.samples += 1;
    }
    stats.congested_branches = congested.len();
    if n > 0 {
        stats.mean_objective = objective_sum / n as f64;
        stats.mean_congested = binding_sum as f64 / n as f64;
    }
    let dataset = Dataset {
        inputs,
        input_shape: vec![1, buses],
        targets: Targets::Values { values, per_sample: targets.len() },
        n,
    };
    Ok((dataset, stats))
}

/// Rejects cases where an in-service generator that is not a target could
/// vary (Pmax ≤ 0 but Pmin < Pmax): its output could not be recovered from
/// the targets.
fn check_targets_cover_dispatch(case: &Case) -> Result<(), OpfError> {
    match case.gens.iter().position(|g| g.in_service && g.pmax <= 0.0 && g.pmin < g.pmax) {
        Some(g) => Err(OpfError::Unsupported {
            reason: format!("generator {g} has Pmax ≤ 0 but a variable output, so it cannot be a [0, 1] target"),
        }),
        None => Ok(()),
    }
}

/// Per-bus loads (MW) of a sample's input row (per unit).
pub fn input_loads_mw(case: &Case, input: &[f32]) -> Vec<f64> {
    input.iter().map(|&p| f64::from(p) * case.base_mva).collect()
}

/// Turns a target row (e.g. a model's prediction) back into the output of
/// every generator of the case (MW): target generators get `value × Pmax`,
/// other in-service generators their fixed output, the rest 0. Values are
/// not clipped, so a prediction outside `[0, 1]` stays visible.
pub fn denormalise(case: &Case, targets: &[f32]) -> Result<Vec<f64>, OpfError> {
    let target_gens = target_generators(case);
    if targets.len() != target_gens.len() {
        return Err(OpfError::TargetCount { expected: target_gens.len(), found: targets.len() });
    }
    let mut dispatch: Vec<f64> = case.gens.iter().map(|g| if g.in_service { g.pmin } else { 0.0 }).collect();
    for (&g, &v) in target_gens.iter().zip(targets) {
        dispatch[g] = f64::from(v) * case.gens[g].pmax;
    }
    Ok(dispatch)
}

/// Signed power balance error (MW) of a dispatch: in-service generation
/// minus the bus loads `loads_mw` and the shunt conductances. A DC power
/// flow is lossless, so a valid label has an error near 0.
pub fn balance_error_mw(case: &Case, loads_mw: &[f64], dispatch_mw: &[f64]) -> f64 {
    let generation: f64 = case.gens.iter().zip(dispatch_mw).filter(|(g, _)| g.in_service).map(|(_, p)| p).sum();
    let shunts: f64 = case.buses.iter().map(|b| b.gs).sum();
    generation - loads_mw.iter().sum::<f64>() - shunts
}

#[cfg(test)]
#[path = "scenarios_tests.rs"]
mod tests;
