//! The rules of an endpoint run: at most the suite's fraction of requests
//! may fail (the fix names the commonest kind and its remedy), and the
//! service-level objectives hold at their percentile.

use serde_json::json;

use super::verdict::RuleOutcome;
use super::FailureEvidence;
use crate::endpoint::{FailureKind, SloRecord};

/// `None` when the failed fraction is within the bound; the failed rule otherwise.
pub(super) fn check(f: &FailureEvidence) -> Option<RuleOutcome> {
    let frac = if f.sent > 0 { f.failed as f64 / f.sent as f64 } else { 1.0 };
    if f.sent > 0 && frac <= f.max_frac {
        return None;
    }
    let kinds: Vec<String> = f.by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let top = f.by_kind.iter().max_by_key(|(_, n)| *n).and_then(|(k, _)| FailureKind::from_name(k));
    let mut fix = if f.sent == 0 {
        "no request ended inside the window: check that the endpoint answers".to_string()
    } else {
        format!("{} of {} requests failed ({}): ", f.failed, f.sent, kinds.join(", "))
    };
    if let Some(k) = top {
        fix.push_str(k.fix());
    }
    if f.abandoned {
        fix.push_str("; issuing stopped early because most requests failed");
    }
    Some(RuleOutcome { rule: "request_failures".into(), measured: json!(frac), bound: json!(f.max_frac), fix })
}

fn ms(ns: Option<u64>) -> String {
    ns.map_or("a failed request".into(), |v| format!("{:.1} ms", v as f64 / 1e6))
}

/// `None` when the objectives hold at their percentile; the failed rule otherwise.
pub(super) fn check_slo(s: &SloRecord) -> Option<RuleOutcome> {
    if s.met {
        return None;
    }
    let mut missed = Vec::new();
    if let Some(b) = s.ttft_ms {
        if s.ttft_at_percentile_ns.is_none_or(|v| v as f64 > b * 1e6) {
            missed.push(format!("p{} TTFT is {} over the {b} ms bound", s.percentile, ms(s.ttft_at_percentile_ns)));
        }
    }
    if let Some(b) = s.tpot_ms {
        if s.tpot_at_percentile_ns.is_none_or(|v| v as f64 > b * 1e6) {
            missed.push(format!("p{} TPOT is {} over the {b} ms bound", s.percentile, ms(s.tpot_at_percentile_ns)));
        }
    }
    let fix = format!(
        "{}: lower the load (target_qps, or the concurrency in batch_sizes), or serve on more GPUs; \
         `--find-peak` finds the highest rate that meets the objectives",
        missed.join("; ")
    );
    let measured = json!({"ttft_ns": s.ttft_at_percentile_ns, "tpot_ns": s.tpot_at_percentile_ns});
    let bound = json!({"ttft_ms": s.ttft_ms, "tpot_ms": s.tpot_ms, "percentile": s.percentile});
    Some(RuleOutcome { rule: "slo".into(), measured, bound, fix })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_over_the_bound_name_the_commonest_kind_and_its_fix() {
        let mut f = FailureEvidence {
            failed: 1,
            sent: 200,
            max_frac: 0.01,
            by_kind: vec![("http_429".into(), 1)],
            abandoned: false,
        };
        assert_eq!(check(&f), None);
        f.failed = 30;
        f.by_kind = vec![("http_429".into(), 25), ("timeout".into(), 5)];
        let r = check(&f).unwrap();
        assert_eq!(
            (r.rule.as_str(), r.measured.as_f64(), r.bound.as_f64()),
            ("request_failures", Some(0.15), Some(0.01))
        );
        assert!(r.fix.starts_with("30 of 200 requests failed (25 http_429, 5 timeout): lower the load"), "{}", r.fix);
        f.sent = 0;
        assert!(check(&f).unwrap().fix.contains("no request ended"));
    }
}
