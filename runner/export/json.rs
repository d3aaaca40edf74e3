//! JSON: any view as data (pretty-printed, one trailing newline). `rank
//! --format json` writes the leaderboards this way.

use serde::Serialize;

use super::{ExportError, Exporter};

/// Pretty-printed JSON.
#[derive(Clone, Copy, Debug, Default)]
pub struct Json;

impl<V: Serialize + ?Sized> Exporter<V> for Json {
    fn export(&self, view: &V) -> Result<String, ExportError> {
        Ok(serde_json::to_string_pretty(view)? + "\n")
    }
}
