//! Finding a suite by name (built into the binary) or by path.

use std::path::Path;

use sha2::{Digest, Sha256};
use wattbench_workloads::manifests;

use super::{Manifest, SuiteError};

/// A suite's text and where it came from.
#[derive(Clone, Debug)]
pub struct SuiteSource {
    /// The file name used in messages (`suites/quick.toml` for built-ins).
    pub file: String,
    /// The parsed manifest.
    pub manifest: Manifest,
    /// The TOML text as read.
    pub text: String,
    /// sha256 of the text.
    pub sha256: String,
}

/// Loads `--suite NAME|PATH`: a path when it names an existing file or looks
/// like one, else a built-in suite.
pub fn load_suite(name_or_path: &str) -> Result<SuiteSource, SuiteError> {
    let looks_like_path = name_or_path.ends_with(".toml") || name_or_path.contains('/');
    let (file, text) = if looks_like_path || Path::new(name_or_path).is_file() {
        let text = wattbench_workloads::regular_file::read_regular_to_string(Path::new(name_or_path))
            .map_err(|e| SuiteError::Unreadable { file: name_or_path.into(), reason: e.to_string() })?;
        (name_or_path.to_string(), text)
    } else if let Some(builtin) = manifests::builtin(name_or_path) {
        (builtin.file.to_string(), builtin.text.to_string())
    } else {
        let builtin = manifests::BUILTIN.iter().map(|s| s.name).collect::<Vec<_>>().join(", ");
        return Err(SuiteError::Unknown { name: name_or_path.into(), builtin });
    };
    parse_suite(file, text)
}

/// Parses a suite's text; `file` names it in errors.
pub fn parse_suite(file: String, text: String) -> Result<SuiteSource, SuiteError> {
    let manifest = parse_manifest(&file, &text)?;
    let sha256 = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    Ok(SuiteSource { file, manifest, text, sha256 })
}

/// Parses a suite's text, mapping TOML errors to file:line:column.
pub(crate) fn parse_manifest(file: &str, text: &str) -> Result<Manifest, SuiteError> {
    toml::from_str::<Manifest>(text).map_err(|e| {
        let lines: Vec<&str> = e.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        SuiteError::at(file, text, e.span(), lines.join("; "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_suite_parses() {
        for s in manifests::BUILTIN {
            let src = load_suite(s.name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(src.manifest.name, s.name);
            assert_eq!(src.sha256.len(), 64);
        }
    }

    #[test]
    fn unknown_name_lists_builtins() {
        let err = load_suite("quik").unwrap_err().to_string();
        assert!(err.starts_with("unknown suite `quik` (built-in: quick"), "{err}");
    }

    #[test]
    fn unknown_field_names_line_and_field() {
        let text =
            "name = \"t\"\n\n[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"offline\"]\nbatchsize = [1]\n";
        let err = parse_manifest("t.toml", text).unwrap_err().to_string();
        assert!(err.starts_with("t.toml:6:1: field `batchsize`: unknown field `batchsize`"), "{err}");
    }

    #[test]
    fn bad_scenario_names_the_value() {
        let text = "name = \"t\"\n[[run]]\nworkload = \"load-forecast\"\nscenarios = [\"server-ish\"]\n";
        let err = parse_manifest("t.toml", text).unwrap_err().to_string();
        assert!(err.starts_with("t.toml:4:"), "{err}");
        assert!(err.contains("server-ish"), "{err}");
        assert!(err.contains("field `scenarios`"), "{err}");
    }

    #[test]
    fn toml_syntax_error_is_located() {
        let err = parse_manifest("t.toml", "name = \"t\"\n[defaults\n").unwrap_err().to_string();
        assert!(err.starts_with("t.toml:2:"), "{err}");
    }
}
