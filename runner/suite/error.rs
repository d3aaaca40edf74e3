//! Suite errors that point at the file, line and field.

use std::ops::Range;

use thiserror::Error;

/// A suite that cannot be read, parsed or planned.
#[derive(Debug, Error, PartialEq)]
pub enum SuiteError {
    /// The file could not be read.
    #[error("{file}: {reason}")]
    Unreadable {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
    /// Neither a built-in suite nor a file.
    #[error("unknown suite `{name}` (built-in: {builtin}; or give the path of a .toml file)")]
    Unknown {
        /// The name given.
        name: String,
        /// Built-in suite names.
        builtin: String,
    },
    /// A command-line value that replaces the suite's is out of range.
    #[error("--{flag} {value}: {reason}")]
    Flag {
        /// The flag, without its dashes.
        flag: String,
        /// The value given.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// Something at a known place in the file is wrong.
    #[error("{file}:{line}:{column}: {field}{message}")]
    At {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// `field `name`: ` when the field is known, else empty.
        field: String,
        /// What is wrong.
        message: String,
    },
}

impl SuiteError {
    /// An error at byte range `span` of `text`, naming the field found there.
    pub(crate) fn at(file: &str, text: &str, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        let offset = span.map(|s| s.start).unwrap_or(0).min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before[line_start..].chars().count() + 1;
        let line_text = text[line_start..].lines().next().unwrap_or("");
        let field = field_on_line(line_text, column).map(|f| format!("field `{f}`: ")).unwrap_or_default();
        SuiteError::At { file: file.into(), line, column, field, message: message.into() }
    }
}

/// The key whose value is at `column` of `line` (`key = value`, or inside an
/// inline table `{ a = 1, key = value }`).
fn field_on_line(line: &str, column: usize) -> Option<String> {
    let upto: String = line.chars().take(column.saturating_sub(1)).collect();
    let Some(eq) = upto.rfind('=') else {
        // The span sits on the key itself (an unknown field): take the line's key.
        let (key, _) = line.split_once('=')?;
        let key = key.trim();
        return (!key.is_empty()).then(|| key.to_string());
    };
    let key: Vec<char> = upto[..eq]
        .trim_end()
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect();
    (!key.is_empty()).then(|| key.into_iter().rev().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_line_column_and_field() {
        let text = "name = \"x\"\n[defaults]\nwarmup_s = \"long\"\n";
        let offset = text.find("\"long\"").unwrap();
        let err = SuiteError::at("s.toml", text, Some(offset..offset + 6), "invalid type: string, expected f64");
        assert_eq!(err.to_string(), "s.toml:3:12: field `warmup_s`: invalid type: string, expected f64");
    }

    #[test]
    fn field_inside_an_inline_table() {
        assert_eq!(field_on_line("params = { hidden = 0, layers = -1 }", 33).as_deref(), Some("layers"));
    }

    #[test]
    fn span_on_the_key_itself() {
        assert_eq!(field_on_line("batchsize = [1]", 1).as_deref(), Some("batchsize"));
    }
}
