//! A plain aligned text table for the terminal, and the same as Markdown.
//! Cells may hold strings from result files: the terminal form strips
//! control characters (ANSI escapes), the Markdown form escapes HTML, `|`
//! and newlines.

use crate::escape;

/// Rows of cells under a header, rendered with aligned columns.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    pub fn new(header: &[&str]) -> Self {
        Self { header: header.iter().map(|s| s.to_string()).collect(), rows: Vec::new() }
    }

    /// Adds a row (missing cells render empty).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Number of rows (header excluded).
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The table as text, one line per row, columns separated by two spaces;
    /// control characters in cells are shown as `?`.
    pub fn render(&self) -> String {
        let cols = self.header.len();
        let clean = |cells: &[String]| -> Vec<String> {
            (0..cols).map(|i| escape::terminal(cells.get(i).map(String::as_str).unwrap_or(""))).collect()
        };
        let header = clean(&self.header);
        let rows: Vec<Vec<String>> = self.rows.iter().map(|r| clean(r)).collect();
        let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for r in &rows {
            for (w, c) in width.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        // Padding by hand: `format!("{:<w$}")` panics when a width exceeds 65,535,
        // and a hostile result file can hold a cell that wide.
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, (cell, w)) in cells.iter().zip(&width).enumerate() {
                s.push_str(cell);
                if i + 1 < cols {
                    s.extend(std::iter::repeat_n(' ', w - cell.chars().count() + 2));
                }
            }
            s.trim_end().to_string() + "\n"
        };
        let mut out = line(&header);
        out.push_str(&line(&width.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>()));
        for r in &rows {
            out.push_str(&line(r));
        }
        out
    }
}

impl Table {
    /// The table as GitHub-flavoured Markdown (every cell escaped: raw
    /// HTML, `|`, Markdown punctuation and newlines).
    pub fn render_markdown(&self) -> String {
        let line = |cells: &[String]| {
            let cells: Vec<String> = cells.iter().map(|c| escape::markdown(c)).collect();
            format!("| {} |\n", cells.join(" | "))
        };
        let mut out = line(&self.header);
        out.push_str(&format!("|{}\n", " --- |".repeat(self.header.len())));
        for r in &self.rows {
            let mut cells = r.clone();
            cells.resize(self.header.len(), String::new());
            out.push_str(&line(&cells));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align() {
        let mut t = Table::new(&["a", "long header"]);
        t.row(vec!["wide cell".into(), "x".into()]);
        assert_eq!(t.render(), "a          long header\n---------  -----------\nwide cell  x\n");
    }

    #[test]
    fn markdown_escapes_pipes() {
        let mut t = Table::new(&["a", "b"]);
        t.row(vec!["x|y".into(), "z".into()]);
        assert_eq!(t.render_markdown(), "| a | b |\n| --- | --- |\n| x\\|y | z |\n");
    }

    #[test]
    fn a_cell_wider_than_65535_characters_renders() {
        let mut t = Table::new(&["a", "b"]);
        let wide = "x".repeat(70_000);
        t.row(vec![wide.clone(), "y".into()]);
        assert!(t.render().contains(&format!("{wide}  y")));
    }
}
