//! JUnit XML of a comparison, for CI systems: one test case per workload,
//! failing when any of its configurations regressed beyond noise. Strings
//! from result files pass through [`escape::xml`], so the file stays well-formed.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{ExportError, Exporter};
use crate::analysis::CompareReport;
use crate::escape;

/// JUnit XML.
#[derive(Clone, Copy, Debug, Default)]
pub struct Junit;

impl Exporter<CompareReport> for Junit {
    fn export(&self, report: &CompareReport) -> Result<String, ExportError> {
        let mut by_workload: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for m in &report.matched {
            let failures = by_workload.entry(m.key.workload.as_str()).or_default();
            for c in m.changes.iter().filter(|c| c.regression) {
                failures.push(format!(
                    "{}: {} {:.4} -> {:.4} ({:.1}% worse)",
                    m.key,
                    c.metric,
                    c.baseline,
                    c.new,
                    c.worse_frac * 100.0
                ));
            }
        }
        let failed = by_workload.values().filter(|f| !f.is_empty()).count();
        let tests = by_workload.len();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(out, "<testsuites name=\"wattbench compare\" tests=\"{tests}\" failures=\"{failed}\">");
        let _ = writeln!(out, "  <testsuite name=\"wattbench compare\" tests=\"{tests}\" failures=\"{failed}\">");
        for (workload, failures) in &by_workload {
            let _ = write!(out, "    <testcase classname=\"wattbench\" name=\"{}\"", escape::xml(workload));
            if failures.is_empty() {
                out.push_str("/>\n");
            } else {
                let message = format!("{} regression(s) beyond noise", failures.len());
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                    escape::xml(&message),
                    escape::xml(&failures.join("\n"))
                );
            }
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        Ok(out)
    }
}
