//! The load curve of endpoint runs (a concurrency or rate sweep): output
//! tokens/s against tokens/s per user, with the Pareto frontier (higher is
//! better on both), and J/output token against concurrency where energy was
//! measured. Runs are grouped by endpoint and model.

use serde_json::Value;

use crate::report::frontier::pareto_front;
use crate::report::svg::{esc, fmt_sig, nice_ticks, Chart};
use crate::report::Run;

/// A point of the curve.
struct Point<'r, 'a> {
    run: &'r Run<'a>,
    per_user: f64,
    total: f64,
}

fn key(run: &Run) -> Option<String> {
    let e = run.doc.get("endpoint")?;
    let s = e.get("settings")?;
    Some(format!(
        "{} at {}",
        s.get("model").and_then(Value::as_str).unwrap_or("?"),
        s.get("base_url").and_then(Value::as_str).unwrap_or("?")
    ))
}

fn axis(vals: &[f64]) -> (crate::report::svg::Ticks, bool) {
    let hi = vals.iter().copied().fold(0.0f64, f64::max);
    (nice_ticks(0.0, hi * 1.1 + 1e-9, 6), false)
}

fn throughput_plot(name: &str, pts: &[Point]) -> String {
    let (w, bottom) = (760.0, 330.0);
    let xs: Vec<f64> = pts.iter().map(|p| p.per_user).collect();
    let ys: Vec<f64> = pts.iter().map(|p| p.total).collect();
    let mut c = Chart::new(w, bottom + 66.0, (80.0, 16.0, w - 24.0, bottom), axis(&xs), axis(&ys));
    c.axes("output tokens/s per user (1 / TPOT, median)", "output tokens/s (all users)");
    // Higher is better on both axes: the frontier of (x, -y) in pareto_front's sense.
    let front = pareto_front(&pts.iter().map(|p| (p.per_user, -p.total)).collect::<Vec<_>>());
    let line: Vec<(f64, f64)> = front.iter().map(|&i| (pts[i].per_user, pts[i].total)).collect();
    c.polyline(&line, "#222", 1.6, false);
    for p in pts {
        let (x, y, col) = (c.x.map(p.per_user), c.y.map(p.total), p.run.color());
        let label = format!("c{} {}", fmt_sig(p.run.num("/batch_size").unwrap_or(0.0), 6), p.run.s("scenario"));
        c.raw(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4.5\" fill=\"{col}\" data-run=\"{}\"/>",
            esc(&p.run.label())
        ));
        c.text(x + 7.0, y - 7.0, &label, "start", "label");
    }
    for &i in &front {
        let (x, y) = (c.x.map(pts[i].per_user), c.y.map(pts[i].total));
        c.raw(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"8\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.2\"/>"
        ));
    }
    c.text(
        84.0,
        bottom + 58.0,
        "Pareto frontier (ringed): no other run serves both more tokens/s in all and more per user",
        "start",
        "legend",
    );
    c.finish(&format!("load curve of {name}"))
}

fn energy_plot(name: &str, pts: &[(f64, f64, &Run)]) -> String {
    let (w, bottom) = (760.0, 300.0);
    let xs: Vec<f64> = pts.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
    let mut c = Chart::new(w, bottom + 40.0, (80.0, 16.0, w - 24.0, bottom), axis(&xs), axis(&ys));
    c.axes("concurrency (requests in flight)", "J per output token");
    let mut sorted: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.1)).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    c.polyline(&sorted, "#888", 1.2, true);
    for (x, y, run) in pts {
        c.raw(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4.5\" fill=\"{}\" data-run=\"{}\"/>",
            c.x.map(*x),
            c.y.map(*y),
            run.color(),
            esc(&run.label())
        ));
    }
    c.finish(&format!("J per output token against concurrency, {name}"))
}

/// HTML for the load-curve section; empty when no run is an endpoint run.
pub fn section(runs: &[Run]) -> String {
    let mut groups: Vec<(String, Vec<&Run>)> = Vec::new();
    for run in runs {
        let Some(k) = key(run) else { continue };
        match groups.iter_mut().find(|(name, _)| *name == k) {
            Some((_, g)) => g.push(run),
            None => groups.push((k, vec![run])),
        }
    }
    let mut html = String::new();
    for (name, group) in &groups {
        html.push_str(&format!("<h3>{}</h3>\n", esc(name)));
        let pts: Vec<Point> = group
            .iter()
            .filter_map(|&run| {
                let per_user = run.num("/endpoint/output_tokens_per_s_per_user")?;
                let total = run.num("/generation/output_tokens_per_s")?;
                Some(Point { run, per_user, total })
            })
            .collect();
        if pts.is_empty() {
            html.push_str("<p class=\"notice\">no completed request: nothing to plot</p>\n");
        } else {
            html.push_str(&throughput_plot(name, &pts));
        }
        let energy: Vec<(f64, f64, &Run)> = group
            .iter()
            .filter(|r| r.j_per_inference().is_some())
            .filter_map(|&r| Some((r.num("/batch_size")?, r.num("/generation/j_per_output_token")?, r)))
            .collect();
        if energy.is_empty() {
            html.push_str(
                "<p class=\"notice\">J per output token: energy unmeasured for these runs — nothing plotted</p>\n",
            );
        } else {
            html.push_str(&energy_plot(name, &energy));
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(c: u64, per_user: f64, total: f64, j: Option<f64>) -> Value {
        json!({"suite": "s", "workload": "llm", "scenario": "offline", "device": "endpoint", "precision": "f32",
            "batch_size": c, "throughput_per_s": 1.0, "latency_ns": {},
            "energy": {"method": if j.is_some() { "scripted" } else { "unmeasured" }, "j_per_inference": j},
            "generation": {"output_tokens_per_s": total, "j_per_output_token": j},
            "endpoint": {"settings": {"model": "m", "base_url": "http://h/v1"}, "output_tokens_per_s_per_user": per_user}})
    }

    #[test]
    fn the_sweep_is_plotted_with_its_frontier_and_unmeasured_energy_said() {
        let docs = [doc(1, 100.0, 100.0, None), doc(4, 80.0, 320.0, None), doc(8, 40.0, 300.0, None)];
        let runs: Vec<Run> = docs.iter().enumerate().map(|(index, d)| Run { source: "f", doc: d, index }).collect();
        let html = section(&runs);
        assert!(html.contains("load curve of m at http://h/v1"));
        assert_eq!(html.matches("data-run=").count(), 3);
        // c8 is dominated by c4 (more per user and more in all): two ringed points.
        assert_eq!(html.matches("r=\"8\"").count(), 2);
        assert!(html.contains("energy unmeasured"));
        let measured = [doc(1, 100.0, 100.0, Some(0.5)), doc(4, 80.0, 320.0, Some(0.2))];
        let runs: Vec<Run> = measured.iter().enumerate().map(|(index, d)| Run { source: "f", doc: d, index }).collect();
        assert!(section(&runs).contains("J per output token against concurrency"));
        let plain = json!({"workload": "w"});
        assert!(section(&[Run { source: "f", doc: &plain, index: 0 }]).is_empty());
    }
}
