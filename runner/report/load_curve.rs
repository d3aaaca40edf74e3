//! The load curve of endpoint runs (a concurrency or rate sweep): output
//! tokens/s against tokens/s per user, with the Pareto frontier (higher is
//! better on both), and J/output token against concurrency where energy was
//! measured. Runs are grouped by endpoint and model.

use crate::analysis::pareto_front;
use crate::report::svg::{esc, nice_ticks, Chart};
use crate::report::{finite, Run};

/// A point of the curve.
struct Point<'r, 'a> {
    run: &'r Run<'a>,
    per_user: f64,
    total: f64,
}

fn key(run: &Run) -> Option<String> {
    let s = &run.record.endpoint.as_ref()?.settings;
    Some(format!("{} at {}", s.model, s.base_url))
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
        let label = format!("c{} {}", p.run.batch(), p.run.record.scenario);
        c.raw(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4.5\" fill=\"{col}\" data-run=\"{}\"/>",
            esc(p.run.label())
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
            esc(run.label())
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
                let per_user = run.record.endpoint.as_ref()?.output_tokens_per_s_per_user.and_then(finite)?;
                let total = finite(run.record.generation.as_ref()?.output_tokens_per_s)?;
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
            .filter_map(|&r| {
                let j = r.record.generation.as_ref()?.j_per_output_token.and_then(finite)?;
                Some((r.record.batch_size as f64, j, r))
            })
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
    use crate::energy::EnergyMethod;
    use crate::results::RunRecord;
    use serde_json::json;

    fn doc(c: usize, per_user: f64, total: f64, j: Option<f64>) -> RunRecord {
        let mut rec = crate::report::fixture_record();
        (rec.suite, rec.workload, rec.scenario, rec.device) =
            ("s".into(), "llm".into(), "offline".into(), "endpoint".into());
        rec.batch_size = c;
        rec.energy.method = if j.is_some() { EnergyMethod::Scripted } else { EnergyMethod::Unmeasured };
        rec.energy.j_per_inference = j;
        let latency = serde_json::to_value(&rec.latency_ns).unwrap();
        rec.generation = Some(
            serde_json::from_value(json!({"ttft_ns": latency, "itl_ns": latency, "prompt_tokens": 1,
                "output_tokens": 1, "output_tokens_per_s": total, "prefill_tokens_per_s": 1.0,
                "decode_tokens_per_s": 1.0, "j_per_output_token": j, "net_j_per_output_token": null,
                "j_per_request": j, "phase_energy": "not separated"}))
            .unwrap(),
        );
        rec.endpoint = Some(
            serde_json::from_value(json!({
                "settings": {"engine": "openai", "base_url": "http://h/v1", "model": "m", "api": "chat",
                    "api_key_env": null, "timeout_s": 1.0, "force_length": "none", "max_failed_frac": 0.0,
                    "max_in_flight": 1},
                "requests_sent": 1, "requests_completed": 1, "requests_failed": 0, "failed_frac": 0.0,
                "failures": {}, "failure_examples": {}, "token_counts_from": {}, "tpot_ns": null,
                "output_tokens_requested": 1, "output_tokens_returned": 1, "answers_shorter_than_requested": 0,
                "output_tokens_per_s_per_user": per_user, "abandoned_early": false, "timing": "client-side"}))
            .unwrap(),
        );
        rec
    }

    #[test]
    fn the_sweep_is_plotted_with_its_frontier_and_unmeasured_energy_said() {
        let docs = [doc(1, 100.0, 100.0, None), doc(4, 80.0, 320.0, None), doc(8, 40.0, 300.0, None)];
        let runs: Vec<Run> = docs.iter().enumerate().map(|(index, d)| Run::new("f", d, index)).collect();
        let html = section(&runs);
        assert!(html.contains("load curve of m at http://h/v1"));
        assert_eq!(html.matches("data-run=").count(), 3);
        // c8 is dominated by c4 (more per user and more in all): two ringed points.
        assert_eq!(html.matches("r=\"8\"").count(), 2);
        assert!(html.contains("energy unmeasured"));
        let measured = [doc(1, 100.0, 100.0, Some(0.5)), doc(4, 80.0, 320.0, Some(0.2))];
        let runs: Vec<Run> = measured.iter().enumerate().map(|(index, d)| Run::new("f", d, index)).collect();
        assert!(section(&runs).contains("J per output token against concurrency"));
        let plain = crate::report::fixture_record();
        assert!(section(&[Run::new("f", &plain, 0)]).is_empty());
    }
}
