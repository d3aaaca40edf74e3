//! Grid operation: total load of the IEEE 14-bus case, DC power flow on a
//! small network, the marginal unit and cost of an economic dispatch, and
//! line limits. Keys come from the dispatch workload's MATPOWER parser and
//! DC-OPF solver (PTDF, Clarabel).

use super::format::round_dp;
use super::key::{AnswerKey, Difficulty, Sector};
use super::set::{choice_text, number_format, shuffled_choice, Draft, Template};
use crate::dispatch_proxy::dcopf::DcOpf;
use crate::dispatch_proxy::matpower::Case;
use crate::rng::SplitMix64;

const CASE14: &str = include_str!("../../data/pglib/pglib_opf_case14_ieee.m");

/// A MATPOWER case: buses `(type, Pd)`, generators `(bus, Pmax, cost $/MWh)`,
/// branches `(from, to, x, rateA)`.
fn case_text(buses: &[(u8, f64)], gens: &[(usize, f64, f64)], branches: &[(usize, usize, f64, f64)]) -> String {
    let mut s = String::from("function mpc = energy_qa\nmpc.version = '2';\nmpc.baseMVA = 100.0;\nmpc.bus = [\n");
    for (i, (kind, pd)) in buses.iter().enumerate() {
        s += &format!("{} {kind} {pd} 0 0 0 1 1 0 230 1 1.1 0.9;\n", i + 1);
    }
    s += "];\nmpc.gen = [\n";
    for (bus, pmax, _) in gens {
        s += &format!("{bus} 0 0 100 -100 1 100 1 {pmax} 0;\n");
    }
    s += "];\nmpc.gencost = [\n";
    for (_, _, cost) in gens {
        s += &format!("2 0 0 3 0 {cost} 0;\n");
    }
    s += "];\nmpc.branch = [\n";
    for (f, t, x, rate) in branches {
        s += &format!("{f} {t} 0 {x} 0 {rate} {rate} {rate} 0 0 1 -60 60;\n");
    }
    s + "];\n"
}

fn solver(text: &str) -> Result<DcOpf, String> {
    let case = Case::parse(text).map_err(|e| e.to_string())?;
    DcOpf::new(&case).map_err(|e| e.to_string())
}

/// A triangle network: reactances of lines 1-2, 1-3, 2-3 (p.u.), loads at
/// buses 2 and 3 (MW), all supplied by the generator at bus 1.
struct Triangle {
    x: [f64; 3],
    loads: [f64; 2],
}

impl Triangle {
    fn draw(rng: &mut SplitMix64) -> Triangle {
        let x = [0.0; 3].map(|_| round_dp(rng.uniform(0.05, 0.3), 2));
        let loads = [0.0; 2].map(|_| (rng.uniform(20.0, 200.0)).round());
        Triangle { x, loads }
    }

    fn describe(&self) -> String {
        format!(
            "A 3-bus DC power flow model (lossless, base 100 MVA): lines 1-2, 1-3 and 2-3 have reactances {}, {} and {} p.u. \
             A generator at bus 1 (the slack bus) supplies loads of {} MW at bus 2 and {} MW at bus 3.",
            self.x[0], self.x[1], self.x[2], self.loads[0], self.loads[1]
        )
    }

    /// Flow on line 1-2 from bus 1 to bus 2 (MW), from the DC-OPF model's network equations.
    fn flow_12(&self) -> Result<f64, String> {
        let total = self.loads[0] + self.loads[1];
        let text = case_text(
            &[(3, 0.0), (1, self.loads[0]), (1, self.loads[1])],
            &[(1, 10.0 * total, 10.0)],
            &[(1, 2, self.x[0], 0.0), (1, 3, self.x[1], 0.0), (2, 3, self.x[2], 0.0)],
        );
        let opf = solver(&text)?;
        let state = opf.evaluate(&[0.0, self.loads[0], self.loads[1]], &[total]).map_err(|e| e.to_string())?;
        Ok(state.flows_mw[0])
    }
}

fn total_load(rng: &mut SplitMix64) -> Result<Draft, String> {
    let case = Case::parse(CASE14).map_err(|e| e.to_string())?;
    let loaded: Vec<usize> = (0..case.buses.len()).filter(|&i| case.buses[i].pd > 0.0).collect();
    let scale = round_dp(rng.uniform(0.7, 1.3), 2);
    let out = loaded[rng.next_below(loaded.len() as u64) as usize];
    let list: Vec<String> =
        loaded.iter().map(|&i| format!("bus {}: {} MW", case.buses[i].id, case.buses[i].pd)).collect();
    let value = scale * (case.total_load_mw() - case.buses[out].pd);
    let text = format!(
        "The IEEE 14-bus test system has these active loads: {}. During a heat wave every load is scaled by {scale}, \
         and the feeder at bus {} is disconnected (its load drops to zero). What is the total active load? {}",
        list.join(", "),
        case.buses[out].id,
        number_format("MW")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "MW".into(), rel_tol: 0.005, abs_tol: 0.1 } })
}

fn line_flow(rng: &mut SplitMix64) -> Result<Draft, String> {
    let t = Triangle::draw(rng);
    let value = t.flow_12()?;
    let text = format!(
        "{} What is the active power flow on line 1-2, from bus 1 to bus 2? {}",
        t.describe(),
        number_format("MW")
    );
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "MW".into(), rel_tol: 0.01, abs_tol: 0.5 } })
}

fn line_limit(rng: &mut SplitMix64) -> Result<Draft, String> {
    let t = Triangle::draw(rng);
    let flow = t.flow_12()?;
    // A rating at least 8% away from the flow, so that rounding never decides.
    let ratio = if rng.next_f64() < 0.5 { rng.uniform(0.7, 0.92) } else { rng.uniform(1.08, 1.3) };
    let rating = (flow.abs() * ratio).round().max(1.0);
    let exceeds = flow.abs() > rating;
    let (options, correct) = shuffled_choice(
        rng,
        vec!["yes, it is overloaded".into(), "no, it is within its rating".into()],
        usize::from(!exceeds),
    );
    let text = format!(
        "{} Line 1-2 is rated {rating} MW. Does this dispatch overload line 1-2? {}",
        t.describe(),
        choice_text(&options)
    );
    Ok(Draft { text, key: AnswerKey::Choice { options, correct } })
}

/// Four units with distinct costs and capacities at one bus, and a demand
/// inside the marginal unit's range.
struct MeritOrder {
    units: Vec<(f64, f64)>,
    demand: f64,
}

impl MeritOrder {
    fn draw(rng: &mut SplitMix64) -> MeritOrder {
        let mut costs: Vec<f64> = Vec::new();
        while costs.len() < 4 {
            let c = rng.uniform(8.0, 60.0).round();
            if costs.iter().all(|&o| (o - c).abs() >= 2.0) {
                costs.push(c);
            }
        }
        let units: Vec<(f64, f64)> =
            costs.into_iter().map(|c| ((rng.uniform(50.0, 300.0) / 10.0).round() * 10.0, c)).collect();
        let mut order: Vec<usize> = (0..4).collect();
        order.sort_by(|&a, &b| units[a].1.total_cmp(&units[b].1));
        let marginal = 1 + rng.next_below(3) as usize;
        let below: f64 = order[..marginal].iter().map(|&i| units[i].0).sum();
        let demand = (below + rng.uniform(0.2, 0.8) * units[order[marginal]].0).round();
        MeritOrder { units, demand }
    }

    fn describe(&self) -> String {
        let list: Vec<String> =
            self.units.iter().enumerate().map(|(i, (p, c))| format!("G{} {p} MW at {c} $/MWh", i + 1)).collect();
        format!(
            "Four generating units with constant marginal costs and no minimum output serve a demand of {} MW \
             at one bus (no network limits): {}. The dispatch minimises the total cost.",
            self.demand,
            list.join(", ")
        )
    }

    /// Dispatch of each unit and the cost, from the DC-OPF solver.
    fn solve(&self) -> Result<(Vec<f64>, f64), String> {
        let gens: Vec<(usize, f64, f64)> = self.units.iter().map(|&(p, c)| (1, p, c)).collect();
        let text = case_text(&[(3, 0.0), (1, 0.0)], &gens, &[(1, 2, 0.1, 0.0)]);
        let s = solver(&text)?.solve(&[0.0, self.demand]).map_err(|e| e.to_string())?;
        Ok((s.dispatch_mw, s.objective))
    }
}

fn marginal_unit(rng: &mut SplitMix64) -> Result<Draft, String> {
    let m = MeritOrder::draw(rng);
    let (dispatch, _) = m.solve()?;
    let inside = |i: usize| dispatch[i] > 0.5 && dispatch[i] < m.units[i].0 - 0.5;
    let marginal = (0..4).find(|&i| inside(i)).ok_or("the dispatch has no marginal unit")?;
    let options: Vec<String> = (1..=4).map(|i| format!("G{i}")).collect();
    let text = format!("{} Which unit is marginal (sets the price)? {}", m.describe(), choice_text(&options));
    Ok(Draft { text, key: AnswerKey::Choice { options, correct: marginal } })
}

fn dispatch_cost(rng: &mut SplitMix64) -> Result<Draft, String> {
    let m = MeritOrder::draw(rng);
    let (_, value) = m.solve()?;
    let text = format!("{} What is the total generation cost? {}", m.describe(), number_format("$/h"));
    Ok(Draft { text, key: AnswerKey::Number { value, unit: "$/h".into(), rel_tol: 0.005, abs_tol: 1.0 } })
}

/// Total load of the IEEE 14-bus case, scaled, with one feeder out.
pub const TOTAL_LOAD: Template = Template {
    id: "grid/total-load",
    sector: Sector::GridOperation,
    difficulty: Difficulty::MultiStep,
    draw: total_load,
};
/// DC flow on one line of a 3-bus network.
pub const LINE_FLOW: Template =
    Template { id: "grid/line-flow", sector: Sector::GridOperation, difficulty: Difficulty::Analysis, draw: line_flow };
/// Whether the DC flow overloads a line's rating.
pub const LINE_LIMIT: Template = Template {
    id: "grid/line-limit",
    sector: Sector::GridOperation,
    difficulty: Difficulty::Analysis,
    draw: line_limit,
};
/// The marginal unit of an economic dispatch.
pub const MARGINAL_UNIT: Template = Template {
    id: "grid/marginal-unit",
    sector: Sector::GridOperation,
    difficulty: Difficulty::MultiStep,
    draw: marginal_unit,
};
/// The cost of an economic dispatch.
pub const DISPATCH_COST: Template = Template {
    id: "grid/dispatch-cost",
    sector: Sector::GridOperation,
    difficulty: Difficulty::Analysis,
    draw: dispatch_cost,
};

/// Reads `label number` pairs back out of a question (tests only).
#[cfg(test)]
pub(crate) fn numbers_after(text: &str, label: &str) -> Vec<f64> {
    text.match_indices(label)
        .filter_map(|(i, _)| {
            let rest = &text[i + label.len()..];
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).unwrap_or(rest.len());
            rest[..end].trim_end_matches('.').parse().ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy_qa::key::Verdict;

    fn number(key: &AnswerKey) -> f64 {
        match key {
            AnswerKey::Number { value, .. } => *value,
            _ => panic!("not a number"),
        }
    }

    #[test]
    fn energy_qa_grid_total_load_sums_the_listed_loads() {
        let mut rng = SplitMix64::new(1);
        for _ in 0..20 {
            let d = total_load(&mut rng).unwrap();
            // Independent: the loads as listed, the scale and the bus named as disconnected.
            let loads = numbers_after(&d.text, ": ");
            let scale = numbers_after(&d.text, "scaled by ")[0];
            let out = numbers_after(&d.text, "feeder at bus ")[0];
            let listed: f64 = numbers_after(&d.text, &format!("bus {out}: "))[0];
            let sum: f64 = loads.iter().sum();
            assert!((sum - 259.0).abs() < 1e-6, "{sum}");
            let expect = scale * (sum - listed);
            assert!((number(&d.key) - expect).abs() < 1e-9, "{} vs {expect}", number(&d.key));
        }
    }

    /// The flow on 1-2 by superposition on the triangle: the withdrawal at
    /// bus 2 splits between 1-2 and 1-3-2 by reactance, the one at bus 3
    /// between 1-3 and 1-2-3.
    fn triangle_flow(x12: f64, x13: f64, x23: f64, p2: f64, p3: f64) -> f64 {
        let sum = x12 + x13 + x23;
        p2 * (x13 + x23) / sum + p3 * x13 / sum
    }

    #[test]
    fn energy_qa_grid_line_flow_matches_superposition() {
        let mut rng = SplitMix64::new(2);
        for _ in 0..20 {
            let d = line_flow(&mut rng).unwrap();
            let x = numbers_after(&d.text, "reactances ");
            let xs: Vec<f64> = d
                .text
                .split("reactances ")
                .nth(1)
                .unwrap()
                .split(|c| c == ',' || c == ' ')
                .filter_map(|w| w.parse().ok())
                .take(3)
                .collect();
            assert_eq!(x[0], xs[0]);
            let p = numbers_after(&d.text, "loads of ");
            let p3 = numbers_after(&d.text, "MW at bus 2 and ")[0];
            let expect = triangle_flow(xs[0], xs[1], xs[2], p[0], p3);
            assert!((number(&d.key) - expect).abs() < 1e-6, "{} vs {expect}", number(&d.key));
        }
    }

    #[test]
    fn energy_qa_grid_line_limit_compares_the_independent_flow() {
        let mut rng = SplitMix64::new(3);
        let mut seen = [0; 2];
        for _ in 0..30 {
            let d = line_limit(&mut rng).unwrap();
            let xs: Vec<f64> = d
                .text
                .split("reactances ")
                .nth(1)
                .unwrap()
                .split(|c| c == ',' || c == ' ')
                .filter_map(|w| w.parse().ok())
                .take(3)
                .collect();
            let p2 = numbers_after(&d.text, "loads of ")[0];
            let p3 = numbers_after(&d.text, "MW at bus 2 and ")[0];
            let rating = numbers_after(&d.text, "is rated ")[0];
            let over = triangle_flow(xs[0], xs[1], xs[2], p2, p3) > rating;
            seen[usize::from(over)] += 1;
            let AnswerKey::Choice { options, correct } = &d.key else { panic!() };
            assert_eq!(options[*correct].starts_with("yes"), over, "{}", d.text);
        }
        assert!(seen[0] > 5 && seen[1] > 5, "{seen:?}");
    }

    /// Merit order: cheapest first until the demand is met.
    fn merit(units: &[(f64, f64)], demand: f64) -> (usize, f64) {
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_by(|&a, &b| units[a].1.total_cmp(&units[b].1));
        let (mut left, mut cost) = (demand, 0.0);
        for i in order {
            let p = left.min(units[i].0);
            cost += p * units[i].1;
            left -= p;
            if left <= 0.0 {
                return (i, cost);
            }
        }
        panic!("demand above capacity")
    }

    fn units_of(text: &str) -> (Vec<(f64, f64)>, f64) {
        let units = (1..=4)
            .map(|i| {
                let p = numbers_after(text, &format!("G{i} "))[0];
                let c = numbers_after(text, &format!("G{i} {p} MW at "))[0];
                (p, c)
            })
            .collect();
        (units, numbers_after(text, "demand of ")[0])
    }

    #[test]
    fn energy_qa_grid_dispatch_matches_the_merit_order() {
        let mut rng = SplitMix64::new(4);
        for _ in 0..10 {
            let d = marginal_unit(&mut rng).unwrap();
            let (units, demand) = units_of(&d.text);
            let (marginal, _) = merit(&units, demand);
            assert_eq!(d.key.judge(&format!("Answer: G{}", marginal + 1)), Verdict::Correct, "{}", d.text);
            let d = dispatch_cost(&mut rng).unwrap();
            let (units, demand) = units_of(&d.text);
            let (_, cost) = merit(&units, demand);
            assert!((number(&d.key) - cost).abs() < 1e-3 * cost, "{} vs {cost}", number(&d.key));
        }
    }
}
