//! The fleet view: which node and scheduler task every run came from (a
//! merged result lists each of its shards), and the nodes whose figures
//! stand apart from the others on the same configuration, such as a GPU
//! that throttles.

use crate::report::svg::{esc, fmt_si, fmt_sig};
use crate::report::{finite, Run};

/// A figure further than this fraction from the median of every node that
/// ran the same configuration stands apart (the median of all, so that with
/// three nodes one odd node does not drag the other two apart with it).
pub const APART: f64 = 0.10;
/// Sources a configuration needs before one can stand apart (with two,
/// neither is "the odd one").
pub const MIN_SOURCES: usize = 3;

/// One run's origin and figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// The configuration (`workload scenario/device/precision/bN`).
    pub config: String,
    /// The result file.
    pub file: String,
    /// The node.
    pub node: String,
    /// The scheduler task (empty when none).
    pub task: String,
    /// Samples per second.
    pub throughput: Option<f64>,
    /// 99th percentile latency, nanoseconds.
    pub p99_ns: Option<f64>,
    /// J/inference, when measured.
    pub j: Option<f64>,
}

/// A figure of one source that stands apart from its configuration's median.
#[derive(Clone, Debug, PartialEq)]
pub struct Apart {
    /// The source (index into the list given to [`standing_apart`]).
    pub source: usize,
    /// `throughput`, `p99 latency` or `J/inference`.
    pub metric: &'static str,
    /// Its value over the configuration's median, minus one.
    pub deviation: f64,
    /// How many sources ran the configuration.
    pub of: usize,
}

/// A string from the file, at most 200 characters.
fn text(v: Option<&str>) -> String {
    v.unwrap_or("").chars().take(200).collect()
}

fn config(run: &Run) -> String {
    let r = run.record;
    format!("{} {}/{}/{}/b{}", r.workload, r.scenario, r.device, r.precision, run.batch())
}

/// The sources of every run: a merged result's shards, or the run itself.
pub fn sources(runs: &[Run]) -> Vec<Source> {
    let mut out = Vec::new();
    for run in runs {
        let cfg = config(run);
        let rec = run.record;
        if rec.shards.is_empty() {
            out.push(Source {
                config: cfg,
                file: text(Some(run.source)),
                node: text(Some(rec.provenance.node.as_str())),
                task: text(rec.provenance.task.as_deref()),
                throughput: run.throughput(),
                p99_ns: Some(rec.latency_ns.p99 as f64),
                j: run.j_per_inference(),
            });
        } else {
            out.extend(rec.shards.iter().map(|s| Source {
                config: cfg.clone(),
                file: text(Some(s.file.as_str())),
                node: text(Some(s.node.as_str())),
                task: text(s.task.as_deref()),
                throughput: finite(s.throughput_per_s),
                p99_ns: Some(s.p99_ns as f64),
                j: s.j_per_inference.and_then(finite),
            }));
        }
    }
    out
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 { v[m] } else { (v[m - 1] + v[m]) / 2.0 })
}

/// Every figure of a source that is more than [`APART`] from the median of
/// all sources of its configuration, where at least [`MIN_SOURCES`] ran it.
pub fn standing_apart(sources: &[Source]) -> Vec<Apart> {
    type Metric = (&'static str, fn(&Source) -> Option<f64>);
    let metrics: [Metric; 3] =
        [("throughput", |s| s.throughput), ("p99 latency", |s| s.p99_ns), ("J/inference", |s| s.j)];
    let mut out = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        let peers: Vec<&Source> = sources.iter().filter(|o| o.config == s.config).collect();
        if peers.len() < MIN_SOURCES {
            continue;
        }
        for (metric, get) in metrics {
            let (Some(v), Some(m)) = (get(s), median(peers.iter().filter_map(|o| get(o)).collect())) else { continue };
            if m > 0.0 && v.is_finite() && ((v / m) - 1.0).abs() > APART {
                out.push(Apart { source: i, metric, deviation: v / m - 1.0, of: peers.len() });
            }
        }
    }
    out
}

/// The fleet section's HTML.
pub fn section(runs: &[Run]) -> String {
    let sources = sources(runs);
    let apart = standing_apart(&sources);
    let mut h = String::from("<p class=\"caption\">Where every run came from (a merged result lists each shard). A node stands apart when one of its figures is more than ");
    h.push_str(&format!(
        "{:.0}% from the median of all nodes that ran the same configuration (at least {MIN_SOURCES} of them).</p>\n",
        APART * 100.0
    ));
    if apart.is_empty() {
        let compared = sources.iter().any(|s| sources.iter().filter(|o| o.config == s.config).count() >= MIN_SOURCES);
        h.push_str(if compared {
            "<p class=\"good\">No node stands apart from the others.</p>\n"
        } else {
            "<p class=\"muted\">No configuration ran on three or more nodes: there is nothing to compare a node with (shards of one plan each run different configurations).</p>\n"
        });
    } else {
        h.push_str("<ul class=\"apart\">\n");
        for a in &apart {
            let s = &sources[a.source];
            let dir = if a.deviation > 0.0 { "above" } else { "below" };
            let task = if s.task.is_empty() { String::new() } else { format!(" ({})", esc(&s.task)) };
            h.push_str(&format!(
                "<li class=\"bad\">node {}{task} stands apart on {}: {} {:.0}% {dir} the median of the {} nodes</li>\n",
                esc(&s.node),
                esc(&s.config),
                a.metric,
                a.deviation.abs() * 100.0,
                a.of
            ));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("<table><tr><th>configuration</th><th>node</th><th>task</th><th>samples/s</th><th>p99 ms</th><th>J/inference</th><th>file</th></tr>\n");
    for (i, s) in sources.iter().enumerate() {
        let flag = |metric: &str| {
            if apart.iter().any(|a| a.source == i && a.metric == metric) {
                " class=\"num bad\""
            } else {
                " class=\"num\""
            }
        };
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td><td{}>{}</td><td{}>{}</td><td><small>{}</small></td></tr>\n",
            esc(&s.config),
            esc(&s.node),
            esc(&s.task),
            flag("throughput"),
            s.throughput.map_or("n/a".into(), |v| fmt_sig(v, 3)),
            flag("p99 latency"),
            s.p99_ns.map_or("n/a".into(), |v| fmt_sig(v / 1e6, 3)),
            flag("J/inference"),
            s.j.map_or("unmeasured".into(), |v| esc(&fmt_si(v, "J"))),
            esc(&s.file),
        ));
    }
    h.push_str("</table>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(config: &str, node: &str, throughput: f64, j: Option<f64>) -> Source {
        Source {
            config: config.into(),
            file: format!("{node}.json"),
            node: node.into(),
            task: String::new(),
            throughput: Some(throughput),
            p99_ns: Some(1e6),
            j,
        }
    }

    #[test]
    fn a_throttling_node_stands_apart_and_steady_ones_do_not() {
        let s = vec![
            src("a", "n1", 1000.0, Some(1.0)),
            src("a", "n2", 1030.0, Some(1.02)),
            src("a", "n3", 640.0, Some(1.5)),
            src("a", "n4", 990.0, Some(0.99)),
            // Another configuration's figures are never compared with these.
            src("b", "n5", 10.0, Some(100.0)),
        ];
        let apart = standing_apart(&s);
        let got: Vec<(&str, &str)> = apart.iter().map(|a| (s[a.source].node.as_str(), a.metric)).collect();
        assert_eq!(got, [("n3", "throughput"), ("n3", "J/inference")]);
        assert!((apart[0].deviation - (640.0 / 995.0 - 1.0)).abs() < 1e-12, "against the median of all four");
        assert_eq!(apart[0].of, 4);
    }

    #[test]
    fn with_three_nodes_only_the_odd_one_stands_apart() {
        let s = vec![
            src("a", "n1", 1000.0, Some(1.0)),
            src("a", "n2", 1010.0, Some(4.0)),
            src("a", "n3", 995.0, Some(1.02)),
        ];
        let got: Vec<(&str, &str)> = standing_apart(&s).iter().map(|a| (s[a.source].node.as_str(), a.metric)).collect();
        assert_eq!(got, [("n2", "J/inference")]);
    }

    #[test]
    fn two_nodes_are_not_enough_to_name_the_odd_one() {
        let s = vec![src("a", "n1", 1000.0, None), src("a", "n2", 500.0, None)];
        assert!(standing_apart(&s).is_empty());
    }
}
