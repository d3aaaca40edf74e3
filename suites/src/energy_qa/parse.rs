//! A tolerant reader of the final answer: the last `Answer:` line of a
//! model's output, with thousands separators, decimal commas, scientific
//! notation (`1.2e3`, `1.2 × 10^3`), Unicode minus signs, Markdown emphasis
//! and units (converted to the key's unit when the answer is judged).

use super::key::AnswerKey;
use super::units::is_unit;

/// What was read from an answer line.
#[derive(Clone, Debug, PartialEq)]
pub enum ParsedAnswer {
    /// A number and the unit written after it (`None` when there was none).
    Number {
        /// The value as written.
        value: f64,
        /// The unit as written.
        unit: Option<String>,
    },
    /// An option's index (a choice's letter or text, or a label).
    Option(usize),
}

/// The text after the last `Answer:` marker, up to the end of its line,
/// without Markdown emphasis or quotes; `None` when there is no marker.
fn final_answer(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let mut found = None;
    let mut from = 0;
    while let Some(pos) = lower[from..].find("answer") {
        let start = from + pos + "answer".len();
        let rest = &text[start..];
        let skipped = rest.len() - rest.trim_start_matches([' ', '*', '_']).len();
        if rest[skipped..].starts_with(':') {
            found = Some(start + skipped + 1);
        }
        from = start;
    }
    let rest = &text[found?..];
    let line = rest.lines().next().unwrap_or("");
    let cleaned = line.trim().trim_matches(['*', '_', '`', '"', '\'', ' ']).trim();
    (!cleaned.is_empty()).then(|| cleaned.to_string())
}

/// Reads a number at the start of `s`; returns it and the rest of `s`.
fn leading_number(s: &str) -> Option<(f64, &str)> {
    let s = s.trim_start_matches(['≈', '~', '=', ' ', '+']);
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut digits = String::new();
    let mut i = 0;
    if let Some(&(_, c)) = chars.first() {
        if matches!(c, '-' | '−' | '–') {
            digits.push('-');
            i += 1;
        }
    }
    let digit_at = |k: usize| chars.get(k).is_some_and(|(_, c)| c.is_ascii_digit());
    let run_len = |k: usize| (k..chars.len()).take_while(|&j| chars[j].1.is_ascii_digit()).count();
    let mut seen_digit = false;
    let mut seen_point = false;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_ascii_digit() {
            digits.push(c);
            seen_digit = true;
            i += 1;
        } else if matches!(c, ',' | ' ' | '\u{2009}' | '\u{202f}' | '_')
            && seen_digit
            && !seen_point
            && run_len(i + 1) == 3
        {
            i += 1; // a thousands separator
        } else if c == ',' && seen_digit && !seen_point && digit_at(i + 1) {
            digits.push('.'); // a decimal comma
            seen_point = true;
            i += 1;
        } else if c == '.' && !seen_point && digit_at(i + 1) {
            digits.push('.');
            seen_point = true;
            i += 1;
        } else {
            break;
        }
    }
    if !seen_digit {
        return None;
    }
    let mut value: f64 = digits.parse().ok()?;
    let mut rest = &s[chars.get(i).map_or(s.len(), |c| c.0)..];
    // Exponent: e3, E-04, × 10^3, x10^-3, *10**3, ·10⁻³ is not supported beyond ^.
    let exp = |t: &str| -> Option<(i32, usize)> {
        let b = t.as_bytes();
        let mut k = usize::from(b.first().is_some_and(|c| *c == b'+' || *c == b'-'));
        let n = b[k..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        k += n;
        t[..k].parse().ok().map(|e| (e, k))
    };
    if let Some(t) = rest.strip_prefix(['e', 'E']) {
        if let Some((e, k)) = exp(t) {
            value *= 10f64.powi(e);
            rest = &t[k..];
        }
    } else {
        let t = rest.trim_start();
        for times in ["×", "x", "*", "·"] {
            let Some(t) = t.strip_prefix(times) else { continue };
            let t = t.trim_start();
            let Some(t) = t.strip_prefix("10") else { continue };
            let t = t.trim_start_matches(['^', '*']);
            if let Some((e, k)) = exp(t) {
                value *= 10f64.powi(e);
                rest = &t[k..];
            }
            break;
        }
    }
    value.is_finite().then_some((value, rest))
}

/// The unit at the start of `rest`: the longest run of its words that is a
/// known unit; else its first word (an unknown unit, judged wrong); `None`
/// when nothing follows the number.
fn leading_unit(rest: &str) -> Option<String> {
    let rest = rest.trim().trim_end_matches(['.', ',', ';']);
    if rest.is_empty() || rest.starts_with('(') {
        return None;
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    for n in (1..=words.len().min(4)).rev() {
        let candidate = words[..n].join(" ");
        if is_unit(&candidate) {
            return Some(candidate);
        }
    }
    Some(words[0].to_string())
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// An option picked by its letter (`B`, `(B)`, `B)`, `B.`) or by its text.
fn pick(answer: &str, options: &[String], letters: bool) -> Option<usize> {
    let first = answer.split_whitespace().next().unwrap_or("");
    let token = first.trim_matches(['(', ')', '.', ',', ':', '[', ']']);
    if letters && token.len() == 1 {
        let c = token.chars().next()?.to_ascii_uppercase();
        let i = (c as u8).checked_sub(b'A')? as usize;
        return (c.is_ascii_uppercase() && i < options.len()).then_some(i);
    }
    let whole = squash(answer);
    let token = squash(token);
    let exact =
        options.iter().position(|o| squash(o) == token).or_else(|| options.iter().position(|o| squash(o) == whole));
    if exact.is_some() || !letters || token.len() < 2 {
        return exact;
    }
    // A choice may be named by the first word of its text ("yes", "no"), when that is unambiguous.
    let mut starts = options.iter().enumerate().filter(|(_, o)| squash(o).starts_with(&token));
    match (starts.next(), starts.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

/// Reads the final answer of `text` in the form `key` expects; `None` when
/// there is no `Answer:` line or it holds nothing of the expected kind.
pub fn parse_answer(text: &str, key: &AnswerKey) -> Option<ParsedAnswer> {
    let answer = final_answer(text)?;
    match key {
        AnswerKey::Number { .. } => {
            let (value, rest) = leading_number(&answer)?;
            Some(ParsedAnswer::Number { value, unit: leading_unit(rest) })
        }
        AnswerKey::Choice { options, .. } => pick(&answer, options, true).map(ParsedAnswer::Option),
        AnswerKey::Label { labels, .. } => pick(&answer, labels, false).map(ParsedAnswer::Option),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::energy_qa::key::Verdict;

    fn number(value: f64, unit: &str) -> AnswerKey {
        AnswerKey::Number { value, unit: unit.into(), rel_tol: 0.01, abs_tol: 0.0 }
    }

    fn read(text: &str) -> Option<(f64, Option<String>)> {
        match parse_answer(text, &number(1.0, "MW"))? {
            ParsedAnswer::Number { value, unit } => Some((value, unit)),
            ParsedAnswer::Option(_) => None,
        }
    }

    #[test]
    fn energy_qa_parser_reads_numbers_in_every_usual_notation() {
        let v = |t: &str| read(t).map(|(v, _)| v);
        assert_eq!(v("Answer: 1,234.5 MW"), Some(1234.5));
        assert_eq!(v("answer: 1 234 567 W"), Some(1_234_567.0));
        assert_eq!(v("ANSWER: 1,5 MW"), Some(1.5));
        assert_eq!(v("Answer: 2.5e3 kW"), Some(2500.0));
        assert_eq!(v("Answer: 2.5E-3"), Some(0.0025));
        assert_eq!(v("Answer: 3.2 × 10^4 W"), Some(32_000.0));
        assert_eq!(v("Answer: 3.2x10^-2"), Some(0.032));
        assert_eq!(v("Answer: −0.125"), Some(-0.125));
        assert_eq!(v("**Answer:** ≈ 42 MW."), Some(42.0));
        assert_eq!(v("Answer: 12,345,678"), Some(12_345_678.0));
        assert_eq!(v("Answer: MW"), None);
        assert_eq!(v("The flow is 42 MW."), None);
        // The last answer line counts, not an earlier one.
        assert_eq!(v("Answer: 10 MW\nOn reflection the loss was missed.\nAnswer: 12 MW\n"), Some(12.0));
    }

    #[test]
    fn energy_qa_parser_reads_units_and_judges_after_conversion() {
        assert_eq!(read("Answer: 42 W/m 2"), Some((42.0, Some("W/m 2".into()))));
        assert_eq!(read("Answer: 3.5 kg/(m2 s) here"), Some((3.5, Some("kg/(m2 s)".into()))));
        assert_eq!(read("Answer: 7 (rounded)"), Some((7.0, None)));
        let key = number(1500.0, "MW");
        assert_eq!(key.judge("Answer: 1.5 GW"), Verdict::Correct);
        assert_eq!(key.judge("Answer: 1,500 MW"), Verdict::Correct);
        assert_eq!(key.judge("Answer: 1500"), Verdict::Correct);
        assert_eq!(key.judge("Answer: 1.5e6 kW"), Verdict::Correct);
        assert_eq!(key.judge("Answer: 1500 MWh"), Verdict::Wrong);
        assert_eq!(key.judge("Answer: 1500 bananas"), Verdict::Wrong);
        assert_eq!(key.judge("Answer: 1600 MW"), Verdict::Wrong);
        assert_eq!(key.judge("It is about 1500 MW"), Verdict::Unparseable);
        let celsius = number(80.0, "°C");
        assert_eq!(celsius.judge("Answer: 353.15 K"), Verdict::Correct);
        assert_eq!(celsius.judge("Answer: 80 degC"), Verdict::Correct);
    }

    #[test]
    fn energy_qa_parser_reads_choices_and_labels() {
        let choice = AnswerKey::Choice { options: vec!["G1".into(), "G2".into(), "G3".into()], correct: 1 };
        for text in ["Answer: B", "Answer: (B)", "answer: b.", "Answer: G2", "Answer: B) G2"] {
            assert_eq!(choice.judge(text), Verdict::Correct, "{text}");
        }
        assert_eq!(choice.judge("Answer: A"), Verdict::Wrong);
        assert_eq!(choice.judge("Answer: D"), Verdict::Unparseable);
        assert_eq!(choice.judge("I think B"), Verdict::Unparseable);
        let yes_no =
            AnswerKey::Choice { options: vec!["no, it is fine".into(), "yes, it is overloaded".into()], correct: 1 };
        assert_eq!(yes_no.judge("Answer: yes"), Verdict::Correct);
        assert_eq!(yes_no.judge("Answer: No."), Verdict::Wrong);
        // Byte offsets survive text whose lower case is longer (no panic on hostile output).
        assert_eq!(yes_no.judge("İİİ ANSWER: B"), Verdict::Correct);
        let label = AnswerKey::Label { labels: vec!["AB".into(), "ABG".into(), "no-fault".into()], correct: 1 };
        assert_eq!(label.judge("Answer: ABG"), Verdict::Correct);
        assert_eq!(label.judge("Answer: abg fault"), Verdict::Correct);
        assert_eq!(label.judge("Answer: AB"), Verdict::Wrong);
        assert_eq!(label.judge("Answer: XYZ"), Verdict::Unparseable);
        let none = AnswerKey::Label { labels: vec!["AB".into(), "no-fault".into()], correct: 1 };
        assert_eq!(none.judge("Answer: No fault"), Verdict::Correct);
    }
}
