//! The HTML report: one self-contained page (inline CSS and SVG, no
//! scripts, no web fonts) of the results as typed records; the page itself
//! is assembled by [`crate::report`]. Strings from result files pass
//! through the report's HTML escaping.

use super::{ExportError, Exporter};
use crate::analysis::LoadedResult;

/// The self-contained HTML report.
#[derive(Clone, Copy, Debug, Default)]
pub struct Html;

impl Exporter<[LoadedResult]> for Html {
    fn export(&self, results: &[LoadedResult]) -> Result<String, ExportError> {
        Ok(crate::report::render_report(results)?)
    }
}
