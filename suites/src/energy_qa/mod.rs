//! `energy-qa`: a generated question set whose every answer is checked by a
//! machine. Questions are drawn from a seed by templates, one file per
//! sector, that compute their answers with the project's own physics (the
//! DC power flow of the dispatch workload, the fault generator, the load
//! generator, the Haurwitz/NOCT PV model, the mine-gas dilution model, the
//! seismic reflectivity). Every question says the format it expects
//! (`Answer: <number> <unit>`, `Answer: <letter>` or `Answer: <label>`);
//! [`parse_answer`] reads the final answer tolerantly and [`score`] turns
//! answers into accuracy, per sector, with bootstrap intervals.
//!
//! The source knows nothing of engines: an engine takes [`Question::prompt`]
//! texts, returns answer texts, and [`score`] does the rest. The in-process
//! `llm` workload and an HTTP endpoint engine call it the same way.

mod coal;
mod electricity;
mod format;
mod gate;
mod grid;
mod judge;
mod key;
pub mod llm_engine;
mod oil_gas;
mod parse;
mod protection;
mod renewables;
mod score;
mod set;
mod units;

pub use gate::{QaSpec, MAX_QUESTIONS};
pub use key::{AnswerKey, Difficulty, Question, Sector, Verdict};
pub use parse::{parse_answer, ParsedAnswer};
pub use score::{score, AnswerScore, Interval, SectorScore, BOOTSTRAP_RESAMPLES};
pub use set::{QuestionSet, Template, MIN_QUESTIONS, TEMPLATES};
