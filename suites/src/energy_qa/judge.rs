//! The judgement of one answer: the model's text parsed in the key's
//! format (`parse`), then compared with the key (numbers within tolerance,
//! after unit conversion; options by index).

use super::key::{AnswerKey, Verdict};
use super::parse::{parse_answer, ParsedAnswer};
use super::units::convert;

impl AnswerKey {
    /// Judges an answer text (a model's whole output).
    pub fn judge(&self, text: &str) -> Verdict {
        match parse_answer(text, self) {
            None => Verdict::Unparseable,
            Some(parsed) => {
                if self.accepts(&parsed) {
                    Verdict::Correct
                } else {
                    Verdict::Wrong
                }
            }
        }
    }

    fn accepts(&self, parsed: &ParsedAnswer) -> bool {
        match (self, parsed) {
            (Self::Number { value, unit, rel_tol, abs_tol }, ParsedAnswer::Number { value: v, unit: u }) => {
                let Some(v) = convert(*v, u.as_deref(), unit) else { return false };
                (v - value).abs() <= (rel_tol * value.abs()).max(*abs_tol)
            }
            (Self::Choice { correct, .. }, ParsedAnswer::Option(i)) => i == correct,
            (Self::Label { correct, .. }, ParsedAnswer::Option(i)) => i == correct,
            _ => false,
        }
    }
}
