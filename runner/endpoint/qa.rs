//! The `energy-qa` task through an endpoint: the question set as the
//! request stream, and its answers scored under the suite's gate, so that a
//! deployed model's accuracy and its J per correct answer are measured with
//! the same questions and the same scoring as the in-process decoder.

use serde_json::Value;
use wattbench_workloads::energy_qa::{QaSpec, Question, QuestionSet};
use wattbench_workloads::llm::LengthDistribution;

use super::params::{EndpointParams, ParamError};
use super::source::{RequestSource, TextRequest};

/// The task whose requests are the question set.
pub const QA_TASK: &str = "energy-qa";
/// The parameters of a question set, beside the endpoint's own.
const QA_KEYS: [&str; 3] = ["question_seed", "questions", "min_accuracy"];

/// An endpoint run's parameters: the endpoint's, and the question set's for `energy-qa`.
#[derive(Clone, Debug)]
pub struct TaskParams {
    /// How the endpoint is called.
    pub endpoint: EndpointParams,
    /// The question set and its gate (`energy-qa` only).
    pub qa: Option<QaSpec>,
}

/// Reads the parameters of `task` on the endpoint engine: for `energy-qa`
/// the question set's keys are taken out first, then the rest must be the
/// endpoint's (each table refuses keys it does not know).
pub fn task_params(task: &str, value: &Value) -> Result<TaskParams, ParamError> {
    if task != QA_TASK {
        return Ok(TaskParams { endpoint: EndpointParams::from_json(value)?, qa: None });
    }
    let mut rest = value.clone();
    let mut spec = serde_json::Map::new();
    if let Some(table) = rest.as_object_mut() {
        for k in QA_KEYS {
            if let Some(v) = table.remove(k) {
                spec.insert(k.to_string(), v);
            }
        }
    }
    let qa: QaSpec = serde_json::from_value(Value::Object(spec))
        .map_err(|e| ParamError { name: "params", reason: e.to_string() })?;
    qa.check().map_err(|(name, reason)| ParamError { name, reason })?;
    Ok(TaskParams { endpoint: EndpointParams::from_json(&rest)?, qa: Some(qa) })
}

/// The questions, in order, as requests; each may answer in up to the
/// largest length `output_tokens` allows (an answer's length is the model's).
pub struct QuestionSource {
    questions: Vec<Question>,
    seed: u64,
    sha256: String,
    max_tokens: usize,
}

impl QuestionSource {
    /// The question set `spec` names, answered in at most `output_tokens`' largest length.
    pub fn new(spec: &QaSpec, output_tokens: &LengthDistribution) -> Result<Self, String> {
        let set: QuestionSet = spec.questions()?;
        let max_tokens = match output_tokens {
            LengthDistribution::Fixed { tokens } => *tokens,
            LengthDistribution::LogNormal { max, .. } => *max,
        };
        Ok(Self { questions: set.questions, seed: set.seed, sha256: set.sha256, max_tokens })
    }

    /// The questions, for scoring.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// The question set's sha256 (questions and keys), as the in-process engine records it.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

impl RequestSource for QuestionSource {
    fn describe(&self) -> String {
        format!(
            "energy-qa question set, seed {}, {} questions (sha256 {}), answers of at most {} tokens",
            self.seed,
            self.questions.len(),
            self.sha256,
            self.max_tokens
        )
    }

    /// The questions in order, cycled when `n` is larger than the set.
    fn requests(&mut self, n: usize) -> Result<Vec<TextRequest>, String> {
        Ok((0..n)
            .map(|i| {
                let q = &self.questions[i % self.questions.len()];
                let prompt = q.prompt();
                TextRequest {
                    id: i,
                    prompt_tokens: prompt.len(),
                    prompt,
                    max_tokens: self.max_tokens,
                    label: q.template.clone(),
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_question_sets_keys_are_taken_out_and_the_rest_is_the_endpoints() {
        let v =
            json!({"engine": "openai", "base_url": "http://h/v1", "model": "m", "questions": 30, "min_accuracy": 0.7});
        let p = task_params(QA_TASK, &v).unwrap();
        let qa = p.qa.unwrap();
        assert_eq!((qa.questions, qa.min_accuracy, qa.question_seed), (30, 0.7, QaSpec::default().question_seed));
        assert!(task_params("llm", &v).is_err(), "llm has no question set: `questions` is unknown there");
        let bad = json!({"engine": "openai", "base_url": "http://h/v1", "model": "m", "questions": 0});
        assert_eq!(task_params(QA_TASK, &bad).unwrap_err().name, "questions");
        let unknown = json!({"engine": "openai", "base_url": "http://h/v1", "model": "m", "colour": 1});
        assert_eq!(task_params(QA_TASK, &unknown).unwrap_err().name, "params");
    }

    #[test]
    fn questions_are_requests_in_order_and_cycle() {
        let spec = QaSpec { questions: 5, ..QaSpec::default() };
        let mut s = QuestionSource::new(&spec, &LengthDistribution::Fixed { tokens: 64 }).unwrap();
        let r = s.requests(7).unwrap();
        assert_eq!(r.len(), 7);
        assert_eq!(r[5].prompt, r[0].prompt);
        assert_eq!(r[1].prompt, s.questions()[1].prompt());
        assert!(r.iter().all(|q| q.max_tokens == 64));
        assert!(s.describe().contains("5 questions"));
    }
}
