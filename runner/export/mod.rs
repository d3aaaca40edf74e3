//! Output formats behind one trait, one small file per format (the shape of
//! hyperfine's `export/`): every format writes a typed view that the
//! readers built — the leaderboards ([`Ranking`]), a comparison
//! ([`CompareReport`]), the question-set frontiers ([`QaFrontier`]) and
//! the results themselves for the HTML report ([`LoadedResult`]). A format
//! implements [`Exporter`] only for the views it can write, so asking for
//! an impossible pair (JUnit of a leaderboard) does not compile.
//!
//! Strings from result files may be hostile: each format applies its own
//! escaping from [`crate::escape`] (terminal, Markdown, CSV, XML, HTML).

mod csv;
mod html;
mod json;
mod junit;
mod markdown;
mod tables;
mod text;

pub use self::csv::Csv;
pub use self::html::Html;
pub use self::json::Json;
pub use self::junit::Junit;
pub use self::markdown::Markdown;
pub use self::text::Text;

use crate::analysis::{QaFrontier, Ranking};

/// Why a view could not be written in a format.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// JSON serialisation failed.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The HTML report could not be rendered.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
}

/// One output format of the view `V`.
pub trait Exporter<V: ?Sized> {
    /// The view, written in this format.
    fn export(&self, view: &V) -> Result<String, ExportError>;
}

/// The formats `rank --format` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned text.
    Table,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// Comma-separated values (one row per run, ranked and excluded).
    Csv,
    /// JSON (the rankings as data).
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "table" => Ok(Format::Table),
            "markdown" | "md" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(format!("unknown format `{s}` (expected table, markdown, csv or json)")),
        }
    }
}

impl Format {
    /// The exporter of leaderboards in this format.
    pub fn rankings(self) -> &'static dyn Exporter<[Ranking]> {
        match self {
            Format::Table => &Text,
            Format::Markdown => &Markdown,
            Format::Csv => &Csv,
            Format::Json => &Json,
        }
    }

    /// The exporter of question-set frontiers in this format: the table and
    /// Markdown only, so that the CSV and JSON outputs keep their one shape.
    pub fn question_sets(self) -> Option<&'static dyn Exporter<[QaFrontier]>> {
        match self {
            Format::Table => Some(&Text),
            Format::Markdown => Some(&Markdown),
            Format::Csv | Format::Json => None,
        }
    }
}

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod tests;
