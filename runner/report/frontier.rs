//! Efficiency frontier: throughput vs J/inference per workload, with ci95 error bars
//! and the Pareto frontier (higher throughput and lower J/inference are better).

use crate::analysis::pareto_front;
use crate::report::svg::{esc, log_ticks, nice_ticks, Chart, Ticks};
use crate::report::{by_workload, pair, Run};

/// A run placed on the frontier plot.
#[derive(Debug, Clone)]
pub struct Placed<'r, 'a> {
    /// The run.
    pub run: &'r Run<'a>,
    /// Throughput (inferences/s).
    pub x: f64,
    /// J/inference.
    pub y: f64,
    /// Throughput ci95, when given.
    pub x_ci: Option<(f64, f64)>,
    /// J/inference ci95, when given.
    pub y_ci: Option<(f64, f64)>,
}

/// Splits runs into those with measured energy (placed) and those without (not placed).
pub fn split<'r, 'a>(group: &[&'r Run<'a>]) -> (Vec<Placed<'r, 'a>>, Vec<&'r Run<'a>>) {
    let (mut placed, mut skipped) = (Vec::new(), Vec::new());
    for &run in group {
        match (run.throughput(), run.j_per_inference()) {
            (Some(x), Some(y)) => placed.push(Placed {
                run,
                x,
                y,
                x_ci: pair(run.record.throughput_ci95_per_s),
                y_ci: pair(run.record.energy.j_per_inference_ci95),
            }),
            _ => skipped.push(run),
        }
    }
    (placed, skipped)
}

/// Axis for these values: log10 when all positive and spanning ≥ 20×, else linear; padded so no point sits on the frame.
fn axis(vals: &[f64]) -> (Ticks, bool) {
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo > 0.0 && hi / lo >= 20.0 {
        return (log_ticks(lo / 1.15, hi * 1.15), true);
    }
    let pad = (hi - lo) * 0.08;
    (nice_ticks((lo - pad).max(if lo >= 0.0 { 0.0 } else { f64::MIN }), hi + pad, 6), false)
}

/// Picks a label position overlapping no earlier label, marker or error bar (greedy, 10 candidates).
fn place(taken: &mut Vec<[f64; 4]>, px: (f64, f64), text: &str, width: f64) -> (f64, f64, &'static str) {
    let w = 6.2 * text.chars().count() as f64;
    let cands = [
        (8.0, -8.0),
        (8.0, 16.0),
        (-8.0, -8.0),
        (-8.0, 16.0),
        (8.0, -24.0),
        (8.0, 32.0),
        (-8.0, -24.0),
        (-8.0, 32.0),
        (-12.0, -40.0),
        (12.0, 48.0),
    ];
    let boxed = |(dx, dy): (f64, f64)| {
        let (x, y) = (px.0 + dx, px.1 + dy);
        let x0 = if dx < 0.0 { x - w } else { x };
        [x0, y - 11.0, x0 + w, y + 3.0]
    };
    let fits = |b: &[f64; 4]| {
        b[0] >= 2.0
            && b[2] <= width - 2.0
            && !taken.iter().any(|t| b[0] < t[2] && t[0] < b[2] && b[1] < t[3] && t[1] < b[3])
    };
    let pick = cands.iter().copied().find(|c| fits(&boxed(*c))).unwrap_or(cands[0]);
    taken.push(boxed(pick));
    (px.0 + pick.0, px.1 + pick.1, if pick.0 < 0.0 { "end" } else { "start" })
}

fn plot(workload: &str, pts: &[Placed]) -> String {
    let xs: Vec<f64> =
        pts.iter().flat_map(|p| [p.x].into_iter().chain(p.x_ci.map(|c| c.0)).chain(p.x_ci.map(|c| c.1))).collect();
    let ys: Vec<f64> =
        pts.iter().flat_map(|p| [p.y].into_iter().chain(p.y_ci.map(|c| c.0)).chain(p.y_ci.map(|c| c.1))).collect();
    let (w, bottom) = (760.0, 330.0);
    let mut c = Chart::new(w, bottom + 66.0, (80.0, 16.0, w - 24.0, bottom), axis(&xs), axis(&ys));
    c.axes("throughput (inferences/s)", "energy (J/inference)");
    let front = pareto_front(&pts.iter().map(|p| (p.x, p.y)).collect::<Vec<_>>());
    let line: Vec<(f64, f64)> = front.iter().map(|&i| (pts[i].x, pts[i].y)).collect();
    c.polyline(&line, "#222", 1.6, false);
    for &i in &front {
        let (x, y) = (c.x.map(pts[i].x), c.y.map(pts[i].y));
        c.raw(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"8\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.2\"/>"
        ));
    }
    let mut taken: Vec<[f64; 4]> = Vec::new();
    for p in pts {
        let (x, y, col) = (c.x.map(p.x), c.y.map(p.y), p.run.color());
        if let Some((lo, hi)) = p.y_ci {
            let (a, b) = (c.y.map(lo), c.y.map(hi));
            c.line_px((x, a), (x, b), col, false);
            c.line_px((x - 4.0, a), (x + 4.0, a), col, false);
            c.line_px((x - 4.0, b), (x + 4.0, b), col, false);
            taken.push([x - 4.0, b, x + 4.0, a]);
        }
        if let Some((lo, hi)) = p.x_ci {
            let (a, b) = (c.x.map(lo), c.x.map(hi));
            c.line_px((a, y), (b, y), col, false);
            c.line_px((a, y - 4.0), (a, y + 4.0), col, false);
            c.line_px((b, y - 4.0), (b, y + 4.0), col, false);
            taken.push([a, y - 4.0, b, y + 4.0]);
        }
        let label = p.run.label();
        c.raw(&format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4.5\" fill=\"{col}\" data-run=\"{}\"/>", esc(label)));
        taken.push([x - 5.0, y - 5.0, x + 5.0, y + 5.0]);
    }
    for p in pts {
        let label = p.run.label();
        let (tx, ty, anchor) = place(&mut taken, (c.x.map(p.x), c.y.map(p.y)), label, w);
        c.text(tx, ty, label, anchor, "label");
    }
    let y = bottom + 58.0;
    c.line_px((84.0, y - 4.0), (108.0, y - 4.0), "#222", false);
    c.text(
        114.0,
        y,
        "Pareto frontier (ringed points: no other run has both higher throughput and lower J/inference)",
        "start",
        "legend",
    );
    c.finish(&format!("efficiency frontier for {workload}"))
}

/// HTML for the frontier section: one SVG per workload plus the runs not placed.
pub fn section(runs: &[Run]) -> String {
    let mut html = String::new();
    for (workload, group) in by_workload(runs) {
        html.push_str(&format!("<h3>{}</h3>\n", esc(workload)));
        let (placed, skipped) = split(&group);
        if placed.is_empty() {
            html.push_str("<p class=\"notice\">no run of this workload has measured energy: nothing to plot</p>\n");
        } else {
            html.push_str(&plot(workload, &placed));
        }
        if !skipped.is_empty() {
            let names: Vec<String> = skipped.iter().map(|r| esc(r.label())).collect();
            html.push_str(&format!("<p class=\"notice\">not placed: energy unmeasured — {}</p>\n", names.join("; ")));
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy::EnergyMethod;

    #[test]
    fn unmeasured_run_is_listed_not_plotted() {
        let base = |sc: &str, method: EnergyMethod, j: Option<f64>| {
            let mut rec = crate::report::fixture_record();
            (rec.workload, rec.scenario, rec.device, rec.precision) = ("w".into(), sc.into(), "d".into(), "p".into());
            (rec.batch_size, rec.throughput_per_s, rec.throughput_ci95_per_s) = (1, 1000.0, None);
            (rec.energy.method, rec.energy.j_per_inference) = (method, j);
            rec.energy.j_per_inference_ci95 = Some([0.009, 0.011]);
            rec
        };
        let (a, b) = (base("measured", EnergyMethod::Rapl, Some(0.01)), base("ghost", EnergyMethod::Unmeasured, None));
        // Labelled as a run with no suite and no index in the plan (the fixture's record has both).
        let runs = [
            Run { label: "measured/d/p/b1".into(), ..Run::new("a", &a, 0) },
            Run { label: "ghost/d/p/b1".into(), ..Run::new("b", &b, 1) },
        ];
        let html = section(&runs);
        let svg_end = html.find("</svg>").unwrap();
        assert!(html[..svg_end].contains("measured/d/p/b1") && !html[..svg_end].contains("ghost"));
        assert!(html[svg_end..].contains("not placed: energy unmeasured — ghost/d/p/b1"));
        assert_eq!(html.matches("data-run=").count(), 1);
    }
}
