//! `wattbench check`: every derived figure of a result recomputed from the
//! raw data in the same file (trial samples and windows, trial energy, the
//! HDR histograms, the reference cards built into this binary) and compared
//! with what the file says. A result that another lab edited by hand (a
//! throughput times ten, a smaller p99, a lower J/inference) names each field
//! that disagrees; `rank`, `compare`, `merge` and `report` refuse it.
//!
//! Floats agree when they are equal within a relative [`TOLERANCE`]: the
//! same code computes them from the same numbers (the bootstrap intervals are
//! seeded), so only the last bits of a JSON round trip may differ.

mod engine;
mod figures;
mod judgement;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::results::RunRecord;

/// Largest relative difference between a recorded and a recomputed float.
pub const TOLERANCE: f64 = 1e-9;

/// One field whose recorded value is not what its raw data give.
#[derive(Clone, Debug, PartialEq)]
pub struct Discrepancy {
    /// The field, as a JSON path (`latency_ns.p99`).
    pub field: String,
    /// What the file says.
    pub recorded: String,
    /// What the raw data give.
    pub recomputed: String,
}

impl fmt::Display for Discrepancy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is {} but its raw data give {}", self.field, self.recorded, self.recomputed)
    }
}

/// Whether two floats agree within [`TOLERANCE`].
pub fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= TOLERANCE * a.abs().max(b.abs()) || (a.is_nan() && b.is_nan())
}

/// Collects discrepancies.
#[derive(Default)]
pub(crate) struct Findings(pub Vec<Discrepancy>);

impl Findings {
    pub(crate) fn note(&mut self, field: &str, recorded: impl fmt::Debug, recomputed: impl fmt::Debug) {
        self.0.push(Discrepancy {
            field: field.into(),
            recorded: format!("{recorded:?}"),
            recomputed: format!("{recomputed:?}"),
        });
    }
    pub(crate) fn f64(&mut self, field: &str, recorded: f64, recomputed: f64) {
        if !close(recorded, recomputed) {
            self.note(field, recorded, recomputed);
        }
    }
    pub(crate) fn opt(&mut self, field: &str, recorded: Option<f64>, recomputed: Option<f64>) {
        let same = match (recorded, recomputed) {
            (Some(a), Some(b)) => close(a, b),
            (None, None) => true,
            _ => false,
        };
        if !same {
            self.note(field, recorded, recomputed);
        }
    }
    pub(crate) fn pair(&mut self, field: &str, recorded: Option<[f64; 2]>, recomputed: Option<[f64; 2]>) {
        let same = match (recorded, recomputed) {
            (Some(a), Some(b)) => close(a[0], b[0]) && close(a[1], b[1]),
            (None, None) => true,
            _ => false,
        };
        if !same {
            self.note(field, recorded, recomputed);
        }
    }
    pub(crate) fn eq<T: PartialEq + fmt::Debug>(&mut self, field: &str, recorded: T, recomputed: T) {
        if recorded != recomputed {
            self.note(field, recorded, recomputed);
        }
    }
}

/// Every field of `rec` that its raw data contradict; empty when it checks.
pub fn check_record(rec: &RunRecord) -> Vec<Discrepancy> {
    let mut f = Findings::default();
    figures::check(rec, &mut f);
    judgement::check(rec, &mut f);
    // Schema 2 did not record the engine; reading inferred it.
    if rec.schema_version >= 3 {
        engine::check(rec, &mut f);
    }
    f.0
}

/// One line summing up the discrepancies of a file: the first few fields by name.
pub fn summary(found: &[Discrepancy]) -> String {
    const SHOWN: usize = 3;
    let mut s = found.iter().take(SHOWN).map(ToString::to_string).collect::<Vec<_>>().join("; ");
    if found.len() > SHOWN {
        s.push_str(&format!("; and {} more field(s) (run `wattbench check` for all)", found.len() - SHOWN));
    }
    s
}
