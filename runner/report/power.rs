//! Power trace: watts over seconds for each trial of a run (trials placed end to end
//! with small gaps), with a dashed line at the mean idle power.

use crate::energy::EnergyMethod;
use crate::report::svg::{esc, fmt_sig, nice_ticks, Chart};
use crate::report::{finite, Run};
use crate::results::RunRecord;

/// Each trial's `energy.power_trace_w`, shifted so trials follow one another on one
/// time axis with a small gap: (trial number, [(seconds, watts)]). Empty traces are skipped.
pub fn concat_traces(record: &RunRecord) -> Vec<(i64, Vec<(f64, f64)>)> {
    let mut raw = Vec::new();
    for (i, t) in record.trials.iter().enumerate() {
        let n = i64::try_from(t.trial).unwrap_or(i as i64);
        let pts: Vec<(f64, f64)> = t
            .energy
            .power_trace_w
            .iter()
            .map(|&[s, w]| (s, w))
            .filter(|(s, w)| s.is_finite() && w.is_finite())
            .collect();
        if !pts.is_empty() {
            raw.push((n, pts));
        }
    }
    let span = |p: &[(f64, f64)]| {
        let lo = p.iter().map(|q| q.0).fold(f64::INFINITY, f64::min);
        (lo, p.iter().map(|q| q.0).fold(f64::NEG_INFINITY, f64::max))
    };
    let longest = raw.iter().map(|(_, p)| span(p).1 - span(p).0).fold(0.0, f64::max);
    let gap = (longest * 0.04).max(0.02);
    let mut start = 0.0;
    let mut out = Vec::with_capacity(raw.len());
    for (n, pts) in raw {
        let (lo, hi) = span(&pts);
        out.push((n, pts.iter().map(|(s, w)| (s - lo + start, *w)).collect()));
        start += hi - lo + gap;
    }
    out
}

/// Mean of all trials' `idle_before.idle_w` / `idle_after.idle_w`, else `energy.idle_w`.
pub fn mean_idle(record: &RunRecord) -> Option<f64> {
    let vals: Vec<f64> = record
        .trials
        .iter()
        .flat_map(|t| [&t.idle_before, &t.idle_after].map(|m| m.as_ref().map(|m| m.idle_w)))
        .flatten()
        .filter(|v| v.is_finite())
        .collect();
    if vals.is_empty() {
        record.energy.idle_w.and_then(finite)
    } else {
        Some(vals.iter().sum::<f64>() / vals.len() as f64)
    }
}

/// One SVG of the run's concatenated trial traces.
fn plot(run: &Run, traces: &[(i64, Vec<(f64, f64)>)], idle: Option<f64>) -> String {
    let end = traces.iter().flat_map(|(_, p)| p.iter().map(|q| q.0)).fold(0.0, f64::max);
    let top = traces.iter().flat_map(|(_, p)| p.iter().map(|q| q.1)).chain(idle).fold(0.0, f64::max);
    let (w, bottom) = (760.0, 210.0);
    let low = traces.iter().flat_map(|(_, p)| p.iter().map(|q| q.1)).fold(0.0, f64::min);
    let yt = nice_ticks(low, if top > 0.0 { top * 1.15 } else { 1.0 }, 5);
    let mut c =
        Chart::new(w, bottom + 48.0, (70.0, 16.0, w - 24.0, bottom), (nice_ticks(0.0, end, 8), false), (yt, false));
    c.axes("time (s, trials end to end)", "power (W)");
    // idle first, so the trace stays visible where they coincide
    if let Some(idle) = idle {
        let (y, x0, x1) = (c.y.map(idle), c.x.px.0, c.x.px.1);
        c.line_px((x0, y), (x1, y), "#333", true);
        c.text(x1 - 4.0, y + 14.0, &format!("idle {} W (mean)", fmt_sig(idle, 3)), "end", "tick");
    }
    for (n, pts) in traces {
        c.polyline(pts, run.color(), 2.2, false);
        let x = c.x.map(pts[0].0) + 4.0;
        c.text(x, 30.0, &format!("trial {n}"), "start", "tick");
    }
    c.finish(&format!("power trace for {}", run.label()))
}

/// HTML for the power section: per run, an SVG or a one-line explanation.
pub fn section(runs: &[Run]) -> String {
    let mut html = String::new();
    for run in runs {
        html.push_str(&format!("<h3>{}</h3>\n", esc(run.label())));
        let energy = &run.record.energy;
        if energy.method == EnergyMethod::Unmeasured {
            let note = run.energy_note();
            let note = if note.is_empty() { "no note given" } else { note };
            html.push_str(&format!("<p class=\"notice\">energy unmeasured: {}</p>\n", esc(note)));
            continue;
        }
        let method = energy.method.as_str();
        let traces = concat_traces(run.record);
        if traces.is_empty() {
            html.push_str(&format!("<p class=\"notice\">no power trace recorded (method {})</p>\n", esc(method)));
            continue;
        }
        let idle = mean_idle(run.record);
        html.push_str(&plot(run, &traces, idle));
        let avg = energy.avg_power_w.and_then(finite).map_or("n/a".into(), |v| format!("{} W", fmt_sig(v, 3)));
        html.push_str(&format!(
            "<p class=\"caption\">method {} · {} trial(s) · average {} · dashed: idle {}</p>\n",
            esc(method),
            traces.len(),
            esc(&avg),
            idle.map_or("not measured".into(), |v| format!("{} W", fmt_sig(v, 3)))
        ));
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy::IdleMeasurement;

    fn idle(idle_w: f64) -> Option<IdleMeasurement> {
        Some(IdleMeasurement { idle_w, counter_period_s: None, counter_updates: 0, duration_s: 1.0 })
    }

    #[test]
    fn traces_are_concatenated_in_order_with_gaps() {
        let mut doc = crate::report::fixture_record();
        let trial = doc.trials[0].clone();
        let with = |n: usize, trace: Vec<[f64; 2]>, before, after| {
            let mut t = trial.clone();
            (t.trial, t.energy.power_trace_w, t.idle_before, t.idle_after) = (n, trace, before, after);
            t
        };
        doc.trials = vec![
            with(0, vec![[0.0, 10.0], [1.0, 12.0]], idle(4.0), idle(6.0)),
            with(1, vec![], None, None),
            with(2, vec![[0.5, 11.0], [1.5, 13.0]], idle(5.0), None),
        ];
        let t = concat_traces(&doc);
        assert_eq!(t.len(), 2);
        assert_eq!((t[0].0, t[1].0), (0, 2));
        assert!(t[1].1[0].0 > 1.0 && t[1].1[0].0 < 1.1);
        assert_eq!(mean_idle(&doc), Some(5.0));
    }

    #[test]
    fn unmeasured_run_gets_sentence() {
        let mut doc = crate::report::fixture_record();
        doc.energy.method = EnergyMethod::Unmeasured;
        doc.energy.note = Some("no <RAPL>".into());
        let html = section(&[Run::new("a", &doc, 0)]);
        assert!(html.contains("energy unmeasured: no &lt;RAPL&gt;") && !html.contains("<svg"));
    }
}
