//! What a question-answering workload reports of its answers: its score
//! overall and per energy sector. The types live here, beside the
//! `PreparedWorkload` trait that returns them; the question set that
//! produces them is `energy_qa`.

use serde::{Deserialize, Serialize};

/// The sector a question belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sector {
    /// Grid operation: load, DC power flow, dispatch, line limits.
    GridOperation,
    /// Protection: fault type and fault current.
    Protection,
    /// Electricity: load profiles, per unit, three-phase power, transformers.
    Electricity,
    /// Renewables: clear-sky irradiance and PV output.
    Renewables,
    /// Coal: mine ventilation and energy units.
    Coal,
    /// Oil and gas: impedance, reflectivity, facies.
    OilGas,
}

impl Sector {
    /// Every sector, in report order.
    pub const ALL: [Sector; 6] =
        [Self::GridOperation, Self::Protection, Self::Electricity, Self::Renewables, Self::Coal, Self::OilGas];

    /// A stable name, e.g. `grid-operation`.
    pub fn name(self) -> &'static str {
        match self {
            Self::GridOperation => "grid-operation",
            Self::Protection => "protection",
            Self::Electricity => "electricity",
            Self::Renewables => "renewables",
            Self::Coal => "coal",
            Self::OilGas => "oil-gas",
        }
    }
}

/// A 95% interval `[low, high]`.
pub type Interval = [f64; 2];

/// Accuracy of one sector.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SectorScore {
    /// The sector.
    pub sector: Sector,
    /// Its questions.
    pub questions: usize,
    /// Answered correctly.
    pub correct: usize,
    /// Not readable in the stated format.
    pub unparseable: usize,
    /// correct / questions.
    pub accuracy: f64,
    /// Percentile-bootstrap 95% interval of the accuracy.
    pub accuracy_ci95: Interval,
}

/// The score of a model's answers to a question set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerScore {
    /// Questions asked.
    pub questions: usize,
    /// Answered correctly.
    pub correct: usize,
    /// Answered, wrongly.
    pub wrong: usize,
    /// No final answer could be read in the stated format (counted as not correct).
    pub unparseable: usize,
    /// correct / questions.
    pub accuracy: f64,
    /// Percentile-bootstrap 95% interval of the accuracy (questions resampled).
    pub accuracy_ci95: Interval,
    /// unparseable / questions.
    pub unparseable_share: f64,
    /// The accuracy uniform guessing would expect (1/options for choices and labels, 0 for numbers).
    pub chance: f64,
    /// Tokens the model generated over all answers.
    pub output_tokens: u64,
    /// output_tokens / correct; null when nothing was correct.
    pub output_tokens_per_correct: Option<f64>,
    /// Per sector, in [`Sector::ALL`] order (sectors without questions left out).
    pub sectors: Vec<SectorScore>,
    /// Every verdict in question order: `c` correct, `w` wrong, `u` unparseable
    /// (so that every figure above can be recomputed from the file).
    pub verdicts: String,
    /// Seed of the bootstrap.
    pub bootstrap_seed: u64,
}
