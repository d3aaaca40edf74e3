//! Questions, their answer keys, and the judgement of one answer.

use serde::{Deserialize, Serialize};

pub use crate::workload::answers::Sector;

/// Steps of reasoning a question needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Difficulty {
    /// One formula or one look-up.
    OneStep,
    /// Two or three chained steps.
    MultiStep,
    /// A small model to solve (a network, a merit order, a thermal model).
    Analysis,
}

/// What counts as a correct answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AnswerKey {
    /// A number in `unit`, correct within `max(rel_tol * |value|, abs_tol)`.
    Number {
        /// The exact value.
        value: f64,
        /// Its unit as written in the question (`MW`, `%`, `` for none).
        unit: String,
        /// Relative tolerance.
        rel_tol: f64,
        /// Absolute tolerance, in `unit`.
        abs_tol: f64,
    },
    /// One of the options listed as (A), (B), ...: the letter or the option's text.
    Choice {
        /// The options in the order listed.
        options: Vec<String>,
        /// Index of the correct option.
        correct: usize,
    },
    /// One label of a stated set (e.g. a fault type), compared without case or spaces.
    Label {
        /// The allowed labels.
        labels: Vec<String>,
        /// Index of the correct label.
        correct: usize,
    },
}

impl AnswerKey {
    /// The probability that a uniform guess is right: 1/options for a choice
    /// or a label, 0 for a number (a guessed number is never counted right).
    pub fn chance(&self) -> f64 {
        match self {
            Self::Number { .. } => 0.0,
            Self::Choice { options, .. } => 1.0 / options.len().max(1) as f64,
            Self::Label { labels, .. } => 1.0 / labels.len().max(1) as f64,
        }
    }

    /// The answer line that the key itself would give (what an oracle says).
    pub fn answer_line(&self) -> String {
        match self {
            Self::Number { value, unit, .. } => {
                format!("Answer: {} {unit}", super::format::sig(*value, 6)).trim_end().into()
            }
            Self::Choice { correct, .. } => format!("Answer: {}", letter(*correct)),
            Self::Label { labels, correct } => format!("Answer: {}", labels[*correct]),
        }
    }
}

/// The letter of option `i`: A, B, ...
pub fn letter(i: usize) -> char {
    (b'A' + (i % 26) as u8) as char
}

/// How one answer was judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The final answer matches the key.
    Correct,
    /// A final answer was read, and it is wrong.
    Wrong,
    /// No final answer in the stated format could be read.
    Unparseable,
}

/// One question of the set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Position in the set.
    pub id: usize,
    /// Template that drew it, e.g. `grid/line-flow`.
    pub template: String,
    /// Its sector.
    pub sector: Sector,
    /// Its difficulty.
    pub difficulty: Difficulty,
    /// The question, ending with the answer format it expects.
    pub text: String,
    /// The key.
    pub key: AnswerKey,
}

impl Question {
    /// The prompt an engine sends to a model: the question and an instruction
    /// to end with the answer line.
    pub fn prompt(&self) -> String {
        format!("{}\nWork it out, then end with one line in exactly that format.\n", self.text)
    }
}
