//! Reading result files back: from files or folders (recursively), each
//! checked to be a wattbench result of a schema this build reads.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::results::{RunRecord, OLDEST_READABLE_SCHEMA, SCHEMA_VERSION};

/// A result file that cannot be used.
#[derive(Debug, Error)]
pub enum LoadError {
    /// The path could not be read.
    #[error("{path}: {reason}")]
    Unreadable {
        /// The file or folder.
        path: String,
        /// Why.
        reason: String,
    },
    /// Not JSON, or not a wattbench result.
    #[error("{path}: not a wattbench result ({reason})")]
    Foreign {
        /// The file.
        path: String,
        /// What is missing or wrong.
        reason: String,
    },
    /// Written by a wattbench with another schema.
    #[error("{path}: result schema {found}, but this wattbench reads schema {OLDEST_READABLE_SCHEMA} to {SCHEMA_VERSION}; rerun the suite with this version")]
    Schema {
        /// The file.
        path: String,
        /// Its schema version.
        found: u64,
    },
    /// A derived figure that its raw data contradict (`wattbench check`).
    #[error("{path}: fails `wattbench check`: {summary}")]
    Unchecked {
        /// The file.
        path: String,
        /// The fields that disagree, in one line.
        summary: String,
    },
    /// Nothing to read.
    #[error("no result files found in {0}")]
    Empty(String),
}

/// One result with the file it came from.
#[derive(Clone, Debug)]
pub struct LoadedResult {
    /// The file.
    pub path: PathBuf,
    /// The record.
    pub record: RunRecord,
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let unreadable =
        |e: std::io::Error| LoadError::Unreadable { path: path.display().to_string(), reason: e.to_string() };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(path).map_err(unreadable)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let hidden = p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
    Ok(())
}

/// Parses one result file.
pub fn load_file(path: &Path) -> Result<LoadedResult, LoadError> {
    let bytes = read_result_bytes(path)?;
    let record = parse_result(&bytes, &path.display().to_string())?;
    Ok(LoadedResult { path: path.to_path_buf(), record })
}

/// The bytes of one result file, read once (a caller that also verifies
/// their signature verifies these same bytes): only regular files, read no
/// further than their size (never /dev/zero or a FIFO), and never the
/// writer's unfinished temporary files.
pub fn read_result_bytes(path: &Path) -> Result<Vec<u8>, LoadError> {
    let shown = path.display().to_string();
    if path.file_name().and_then(|n| n.to_str()).is_some_and(crate::results::is_temporary_name) {
        let reason = "an unfinished temporary file of wattbench's writer".to_string();
        return Err(LoadError::Foreign { path: shown, reason });
    }
    wattbench_workloads::regular_file::read_regular(path)
        .map_err(|e| LoadError::Unreadable { path: shown, reason: e.to_string() })
}

/// Parses the bytes of one result file; `shown` names it in errors.
pub fn parse_result(bytes: &[u8], shown: &str) -> Result<RunRecord, LoadError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| LoadError::Foreign { path: shown.into(), reason: format!("invalid JSON: {e}") })?;
    let version = value
        .get("schema_version")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| LoadError::Foreign { path: shown.into(), reason: "no schema_version".into() })?;
    if !(u64::from(OLDEST_READABLE_SCHEMA)..=u64::from(SCHEMA_VERSION)).contains(&version) {
        return Err(LoadError::Schema { path: shown.into(), found: version });
    }
    let mut record: RunRecord =
        serde_json::from_value(value).map_err(|e| LoadError::Foreign { path: shown.into(), reason: e.to_string() })?;
    if record.schema_version < 3 {
        record.engine = record.infer_engine();
    }
    Ok(record)
}

/// The result files named: files as they are, folders recursively
/// (`*.json`, skipping hidden files such as unfinished temporaries).
pub fn result_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files)?;
    }
    if files.is_empty() {
        let named = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        return Err(LoadError::Empty(named));
    }
    Ok(files)
}

/// Parses one result file and checks that every derived figure follows
/// from its raw data (see [`crate::check`]).
pub fn load_checked(path: &Path) -> Result<LoadedResult, LoadError> {
    let loaded = load_file(path)?;
    let found = crate::check::check_record(&loaded.record);
    if !found.is_empty() {
        return Err(LoadError::Unchecked { path: path.display().to_string(), summary: crate::check::summary(&found) });
    }
    Ok(loaded)
}

/// Loads every result named (see [`result_files`]), each checked: the one
/// loading path of `rank`, `compare`, `merge` and `report`.
pub fn load_results(paths: &[PathBuf]) -> Result<Vec<LoadedResult>, LoadError> {
    result_files(paths)?.iter().map(|f| load_checked(f)).collect()
}
