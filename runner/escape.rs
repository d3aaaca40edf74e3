//! Escaping strings that came from result files (which may be hostile) for
//! each output format: the terminal, Markdown, CSV, XML, and one-line errors.

/// For the terminal: every control character (C0, DEL, C1, so also ESC and
/// the start of any ANSI sequence, and newlines) becomes `?`, so that a
/// string from a file can neither move the cursor nor recolour the screen
/// nor break a table row.
pub fn terminal(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

/// One line for an error message: newlines and other control characters
/// become spaces, so that an echoed input value can never add lines.
pub fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A Markdown table cell or inline text: raw HTML is neutralised (`&`, `<`,
/// `>` become entities), the punctuation of Markdown's links, images, code
/// and emphasis (`\ ` * _ [ ] ~`) is backslash-escaped,
/// `|` cannot split a cell, and control characters (newlines included)
/// become spaces so a row stays one row.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// XML text or attribute value: `&<>"'` become entities; characters XML 1.0
/// forbids (control characters other than tab, newline and carriage return,
/// and the non-characters U+FFFE and U+FFFF) become U+FFFD.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A CSV field (RFC 4180): quoted when it holds a comma, quote, or line
/// break; a field a spreadsheet would run as a formula (leading `=`, `+`,
/// `-`, `@`, tab or carriage return) gets a leading `'`. Numbers written by
/// wattbench itself (such as `-0.5`) are left as they are.
pub fn csv(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err();
    let s = if formula { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_strips_ansi_and_control_characters() {
        assert_eq!(terminal("gpu\u{1b}[31mRED\u{1b}[0m\n\u{9b}2J"), "gpu?[31mRED?[0m??2J");
        assert_eq!(terminal("plain A100 (80 GB)"), "plain A100 (80 GB)");
    }

    #[test]
    fn one_line_never_adds_lines() {
        assert_eq!(one_line("bad\nvalue\r\nhere"), "bad value  here");
    }

    #[test]
    fn markdown_neutralises_html_pipes_and_newlines() {
        assert_eq!(markdown("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(markdown("a|b\nc"), "a\\|b c");
        assert_eq!(markdown("![x](http://x)"), "!\\[x\\](http://x)");
        assert_eq!(markdown("H100 80GB-SXM5"), "H100 80GB-SXM5");
    }

    #[test]
    fn xml_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(xml("a&b<c>\"d'"), "a&amp;b&lt;c&gt;&quot;d&apos;");
        assert_eq!(xml("x\u{0}y\u{1b}z\tw\n"), "x\u{FFFD}y\u{FFFD}z\tw\n");
    }

    #[test]
    fn csv_neutralises_formulas_and_quotes() {
        assert_eq!(csv("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(csv("+1+cmd"), "'+1+cmd");
        assert_eq!(csv("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv("-0.5"), "-0.5");
        assert_eq!(csv("a,b"), "\"a,b\"");
        assert_eq!(csv("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv("cpu"), "cpu");
    }
}
