//! Latency distribution: decodes each run's HdrHistogram and draws one CDF per run,
//! one SVG per workload, on a log-scale latency axis in milliseconds.

use hdrhistogram::Histogram;

use crate::stats::{decode_histogram_text, HistogramError};

use crate::report::svg::{esc, log_ticks, nice_ticks, Chart};
use crate::report::{by_workload, Run};

/// Decodes a result's `latency_ns.hdr` with the one decoder every reader
/// uses ([`decode_histogram_text`]); errors are the report's one-line notices.
pub fn decode_hdr(b64: &str) -> Result<Histogram<u64>, String> {
    decode_histogram_text(b64).map_err(|e| match e {
        HistogramError::NotBase64(e) => format!("bad base64: {e}"),
        HistogramError::Invalid(e) => format!("bad HdrHistogram: {e}"),
    })
}

/// Cumulative distribution as (latency value, fraction ≤ value) pairs, one per
/// recorded bucket, ascending in both; the last fraction is exactly 1.0.
pub fn cdf_points(hist: &Histogram<u64>) -> Vec<(f64, f64)> {
    let total = hist.len();
    if total == 0 {
        return Vec::new();
    }
    let mut cum = 0u64;
    let mut out = Vec::new();
    for it in hist.iter_recorded() {
        cum += it.count_since_last_iteration();
        out.push((it.value_iterated_to() as f64, cum as f64 / total as f64));
    }
    if let Some(last) = out.last_mut() {
        last.1 = 1.0;
    }
    out
}

/// The run's CDF in milliseconds, or a one-line reason why it cannot be drawn.
pub fn run_cdf_ms(run: &Run) -> Result<Vec<(f64, f64)>, String> {
    let pts = cdf_points(&decode_hdr(&run.record.latency_ns.hdr)?);
    if pts.is_empty() {
        return Err("histogram is empty".to_string());
    }
    Ok(pts.into_iter().map(|(v, f)| (v / 1e6, f)).collect())
}

/// Turns CDF points into a step line (vertical rise at each bucket value).
fn steps(pts: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(pts.len() * 2);
    let mut prev = 0.0;
    for &(x, f) in pts {
        out.push((x, prev));
        out.push((x, f));
        prev = f;
    }
    out
}

/// HTML for the latency section: one SVG per workload, legend inside the SVG.
pub fn section(runs: &[Run]) -> String {
    let mut html = String::new();
    for (workload, group) in by_workload(runs) {
        let cdfs: Vec<_> = group.iter().map(|r| (*r, run_cdf_ms(r))).collect();
        let (mut lo, mut hi) = (f64::INFINITY, 0f64);
        for (_, c) in &cdfs {
            for &(x, _) in c.iter().flatten() {
                if x > 0.0 {
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
        }
        html.push_str(&format!("<h3>{}</h3>\n", esc(workload)));
        if hi <= 0.0 {
            html.push_str("<p class=\"notice\">no decodable latency histogram for this workload</p>\n");
        }
        let (w, plot_bottom) = (760.0, 300.0);
        let height = plot_bottom + 56.0 + 18.0 * cdfs.len() as f64;
        let mut chart = Chart::new(
            w,
            height,
            (70.0, 16.0, w - 24.0, plot_bottom),
            (log_ticks(lo, hi), true),
            (nice_ticks(0.0, 1.0, 5), false),
        );
        chart.axes("latency (ms, log scale)", "fraction of queries ≤ latency");
        for (i, (run, cdf)) in cdfs.iter().enumerate() {
            let y = plot_bottom + 62.0 + 18.0 * i as f64;
            match cdf {
                Ok(pts) => {
                    chart.polyline(&steps(pts), run.color(), 1.6, false);
                    chart.line_px((80.0, y - 4.0), (104.0, y - 4.0), run.color(), false);
                    chart.text(110.0, y, run.label(), "start", "legend");
                }
                Err(why) => {
                    let msg = format!("{}: CDF not drawn ({why})", run.label());
                    chart.text(110.0, y, &msg, "start", "legend notice");
                    html.push_str(&format!("<p class=\"notice\">{}</p>\n", esc(&msg)));
                }
            }
        }
        html.push_str(&chart.finish(&format!("latency CDF for {workload}")));
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use hdrhistogram::serialization::{Serializer as _, V2DeflateSerializer};

    fn encoded(values: &[u64]) -> String {
        let mut h = Histogram::<u64>::new(3).unwrap();
        for v in values {
            h.record(*v).unwrap();
        }
        let mut buf = Vec::new();
        V2DeflateSerializer::new().serialize(&h, &mut buf).unwrap();
        base64::engine::general_purpose::STANDARD.encode(buf)
    }

    #[test]
    fn cdf_of_known_histogram_is_monotone_and_ends_at_one() {
        let vals: Vec<u64> = (1..=1000).map(|i| 100_000 + i * 731).chain([5_000_000, 5_000_000]).collect();
        let h = decode_hdr(&encoded(&vals)).unwrap();
        assert_eq!(h.len(), 1002);
        let pts = cdf_points(&h);
        assert!(!pts.is_empty());
        assert_eq!(pts.last().unwrap().1, 1.0);
        for w in pts.windows(2) {
            assert!(w[1].0 > w[0].0 && w[1].1 >= w[0].1, "{w:?}");
        }
        // the median is the 501st value, 466231 ns
        let at = pts.iter().find(|p| p.1 >= 0.5).unwrap().0;
        assert!((at - 466_231.0).abs() < 2_000.0, "{at}");
    }

    #[test]
    fn undecodable_histogram_gives_notice_not_panic() {
        assert!(decode_hdr("not base64!!").is_err());
        assert!(decode_hdr("SElTVEZBQUFB").is_err());
        let mut good = crate::report::fixture_record();
        (good.workload, good.scenario, good.device, good.precision) = ("w".into(), "s".into(), "d".into(), "p".into());
        good.batch_size = 1;
        good.latency_ns.hdr = encoded(&[1_000_000, 2_000_000]);
        let mut bad = good.clone();
        bad.scenario = "x".into();
        bad.latency_ns.hdr = "garbage".into();
        let runs = [Run::new("a", &good, 0), Run::new("b", &bad, 1)];
        let html = section(&runs);
        assert!(html.contains("<svg") && html.contains("<polyline"));
        assert!(html.contains("x/d/p/b1: CDF not drawn (bad base64"));
    }
}
