//! The endpoint as an [`Engine`]: requests prepared before timing, a
//! warm-up at the run's concurrency, then one measured window in the
//! scenario the suite names. The run's `batch_size` is the number of
//! requests kept in flight (offline); single-stream keeps one; the server
//! scenario sends each request at its scheduled arrival.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use tokio::runtime::Runtime;
use wattbench_workloads::energy_qa::{score, AnswerScore, QaSpec, Question};
use wattbench_workloads::llm::{RequestMix, Tokenizer};
use wattbench_workloads::{DataCard, ModelCard, PrepareContext, QualityReport, WeightsSource};

use super::{Engine, EngineWindow};
use crate::endpoint::client::{request_body, EndpointClient, PreparedRequest};
use crate::endpoint::load::{closed_loop, scheduled, ClosedLoopStop, LoadContext};
use crate::endpoint::params::EndpointParams;
use crate::endpoint::qa::{task_params, QuestionSource, TaskParams};
use crate::endpoint::source::{requests_sha256, PromptSetSource, RequestSource};
use crate::endpoint::tally::{tally_window, EndpointTally};
use crate::endpoint::EndpointSettings;
use crate::energy::remote::RemoteMeter;
use crate::energy::{open_nvml_gpus, EnergyMeter, MeterSet};
use crate::harness::{arrival_schedule, HarnessError, Scenario, ScenarioSettings, WindowObserver};

/// Failures after which a closed loop gives up issuing when most requests fail.
const ABANDON_AFTER: u64 = 32;

/// Requests at once in the accuracy pass of a question set.
const QA_CONCURRENCY: usize = 8;

/// A question set asked of the endpoint, and the score of its answers.
struct QaRun {
    spec: QaSpec,
    questions: Vec<Question>,
    score: Option<AnswerScore>,
}

/// An OpenAI-compatible endpoint, ready to be measured.
pub struct EndpointEngine {
    params: EndpointParams,
    qa: Option<QaRun>,
    rt: Runtime,
    ctx: Arc<LoadContext>,
    next_request: usize,
    quality: EndpointTally,
    model_card: ModelCard,
    data_card: DataCard,
}

impl EndpointEngine {
    /// Reads the suite's parameters of `task` and draws the requests: the
    /// question set for `energy-qa`, the LLM workload's prompt set otherwise.
    pub fn prepare(task: &str, value: &serde_json::Value, prepare: &PrepareContext) -> Result<Self, String> {
        let TaskParams { endpoint: p, qa } = task_params(task, value).map_err(|e| e.to_string())?;
        if let Some(spec) = qa {
            let mut source = QuestionSource::new(&spec, &p.output_tokens)?;
            let questions = source.questions().to_vec();
            let mut engine = Self::with_source(p, None, &mut source)?;
            engine.data_card.sha256 = source.sha256().to_string();
            engine.data_card.test_samples = questions.len();
            engine.qa = Some(QaRun { spec, questions, score: None });
            return Ok(engine);
        }
        let tokenizer = match &p.tokenizer {
            Some(t) => Some(Tokenizer::from_file(&prepare.resolve_weights_path(t)).map_err(|e| e.to_string())?),
            None => None,
        };
        let mix = RequestMix {
            prompt_tokens: p.prompt_tokens.clone(),
            output_tokens: p.output_tokens.clone(),
            categories: Vec::new(),
        };
        let mut source = PromptSetSource::new(tokenizer.clone().unwrap_or_else(Tokenizer::bytes), mix, p.seed);
        Self::with_source(p, tokenizer, &mut source)
    }

    /// An engine whose requests come from `source`.
    pub fn with_source(
        p: EndpointParams,
        tokenizer: Option<Tokenizer>,
        source: &mut dyn RequestSource,
    ) -> Result<Self, String> {
        let texts = source.requests(p.requests)?;
        let requests = texts
            .iter()
            .map(|r| PreparedRequest {
                body: request_body(&p, r),
                max_tokens: r.max_tokens,
                prompt_tokens: r.prompt_tokens,
            })
            .collect::<Vec<_>>();
        let client = EndpointClient::new(&p, tokenizer.map(Arc::new))?;
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the client's runtime: {e}"))?;
        let mut architecture = BTreeMap::new();
        architecture.insert("engine".to_string(), format!("openai endpoint ({})", p.api.path()));
        architecture.insert("base_url".to_string(), p.public_base_url());
        architecture.insert("model".to_string(), p.model.clone());
        architecture.insert(
            "batching".to_string(),
            "the server's own; the client keeps batch_size requests in flight (offline)".to_string(),
        );
        let n = texts.len().max(1);
        let mean_prompt = texts.iter().map(|r| r.prompt_tokens).sum::<usize>() / n;
        let mean_output = texts.iter().map(|r| r.max_tokens).sum::<usize>() / n;
        let model_card = ModelCard {
            parameters: 0,
            flops_per_sample: 0,
            bytes_per_sample: 0,
            input_shape: vec![texts.iter().map(|r| r.prompt_tokens).max().unwrap_or(0)],
            output_shape: vec![texts.iter().map(|r| r.max_tokens).max().unwrap_or(0)],
            weights: WeightsSource::File {
                path: format!("served as `{}` by {}", p.model, p.public_base_url()),
                sha256: "not available: the weights are on the server".into(),
            },
            architecture,
        };
        let data_card = DataCard {
            source: format!(
                "{}; {} requests (mean {mean_prompt} prompt tokens, {mean_output} max_tokens)",
                source.describe(),
                texts.len()
            ),
            sha256: requests_sha256(&texts),
            performance_samples: texts.len(),
            test_samples: 0,
        };
        Ok(Self {
            params: p,
            qa: None,
            rt,
            ctx: Arc::new(LoadContext { client, requests }),
            next_request: 0,
            quality: EndpointTally::default(),
            model_card,
            data_card,
        })
    }
}

impl EndpointEngine {
    /// The accuracy pass of a question set: every question once, a few at
    /// a time (untimed), each answer's text kept and scored under the gate;
    /// a failed request is an unanswered question.
    fn answer_questions(&mut self) -> Result<QualityReport, String> {
        let qa = self.qa.as_mut().ok_or("no question set")?;
        let client = Arc::new(EndpointClient::new(&self.params, None)?.keeping_answers());
        let requests: Vec<PreparedRequest> = self.ctx.requests.iter().take(qa.questions.len()).cloned().collect();
        let records = self.rt.block_on(async {
            let gate = Arc::new(tokio::sync::Semaphore::new(QA_CONCURRENCY));
            let mut tasks = tokio::task::JoinSet::new();
            for (i, req) in requests.into_iter().enumerate() {
                let (client, gate) = (client.clone(), gate.clone());
                tasks.spawn(async move {
                    let _permit = gate.acquire_owned().await;
                    (i, client.stream(&req, Instant::now()).await)
                });
            }
            let mut out = Vec::new();
            while let Some(done) = tasks.join_next().await {
                out.push(done.map_err(|e| format!("an answer task failed: {e}"))?);
            }
            Ok::<_, String>(out)
        })?;
        let mut answers = vec![String::new(); qa.questions.len()];
        let mut tokens = 0;
        for (i, rec) in records {
            tokens += rec.output_tokens;
            answers[i] = rec.answer.unwrap_or_default();
        }
        let score = score(&qa.questions, &answers, tokens, qa.spec.question_seed)?;
        let quality = qa.spec.quality(&score);
        qa.score = Some(score);
        Ok(quality)
    }
}

impl Engine for EndpointEngine {
    fn run_window(
        &mut self,
        settings: &ScenarioSettings,
        observer: &mut dyn WindowObserver,
        stop: &AtomicBool,
    ) -> Result<EngineWindow, HarnessError> {
        settings.check()?;
        let concurrency = if settings.scenario == Scenario::SingleStream { 1 } else { settings.batch_size };
        let warm_start = Instant::now();
        let warm_until =
            ClosedLoopStop { min_requests: 1, min_duration: settings.warmup, abandon_after_failures: ABANDON_AFTER };
        let warm = closed_loop(&self.rt, &self.ctx, concurrency, self.next_request, warm_until, warm_start, stop)?;
        self.next_request = warm.next_request;
        let warmup = (warm.records.len() as u64, warm_start.elapsed());
        let schedule = match settings.scenario {
            Scenario::Server => {
                let rate = settings
                    .target_qps
                    .ok_or_else(|| HarnessError::BadSettings("the server scenario needs target_qps".into()))?;
                Some(arrival_schedule(settings, rate)?)
            }
            _ => None,
        };
        observer.open()?;
        let opened = Instant::now();
        let load = match &schedule {
            Some(offsets) => {
                scheduled(&self.rt, &self.ctx, offsets, self.next_request, self.params.max_in_flight, opened, stop)?
            }
            None => {
                let until = ClosedLoopStop {
                    min_requests: settings.min_queries,
                    min_duration: settings.min_duration,
                    abandon_after_failures: ABANDON_AFTER.max(settings.min_queries),
                };
                closed_loop(&self.rt, &self.ctx, concurrency, self.next_request, until, opened, stop)?
            }
        };
        observer.close()?;
        self.next_request = load.next_request % self.ctx.requests.len().max(1);
        let mut w = tally_window(settings.scenario, concurrency, opened, &load.records, &load.lateness_ns, warmup)?;
        w.endpoint.abandoned = load.abandoned;
        self.quality.merge(&w.endpoint);
        Ok(EngineWindow { outcome: w.outcome, generation: Some(w.generation), endpoint: Some(w.endpoint) })
    }

    fn accuracy(&mut self) -> Result<QualityReport, String> {
        if self.qa.is_some() {
            return self.answer_questions();
        }
        let completed = self.quality.completed.len();
        let full = completed as u64 - self.quality.answers_short.min(completed as u64);
        Ok(QualityReport {
            metric: "full_length_answers_frac".into(),
            value: if completed > 0 { full as f64 / completed as f64 } else { 0.0 },
            lower_is_better: false,
            threshold: None,
            gate_data_sha256: None,
            passes: None,
            gate: "not gated: the endpoint's answers are not scored (the value is the fraction of complete answers \
                   that reached the requested max_tokens)"
                .into(),
            baseline: None,
            samples: completed,
        })
    }

    fn model_card(&self) -> &ModelCard {
        &self.model_card
    }

    fn data_card(&self) -> &DataCard {
        &self.data_card
    }

    fn backend_name(&self) -> Option<String> {
        Some("openai".into())
    }

    fn answer_score(&self) -> Option<AnswerScore> {
        self.qa.as_ref().and_then(|q| q.score.clone())
    }

    fn unmetered_here(&self) -> Option<String> {
        Some("the endpoint's serving GPUs are not metered from this client".into())
    }

    fn endpoint_settings(&self) -> Option<EndpointSettings> {
        let p = &self.params;
        Some(EndpointSettings {
            engine: p.engine.clone(),
            base_url: p.public_base_url(),
            model: p.model.clone(),
            api: p.api.path().into(),
            api_key_env: p.api_key_env.clone(),
            timeout_s: p.timeout_s,
            force_length: serde_json::to_value(p.force_length)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            max_failed_frac: p.max_failed_frac,
            max_in_flight: p.max_in_flight,
            slo: p.slo.clone(),
            meter: p.meter.clone(),
            meter_url: p.meter_url.as_deref().map(public_meter_url),
        })
    }

    fn serving_meter(&self) -> Option<Result<Box<dyn EnergyMeter>, String>> {
        let p = &self.params;
        if p.meter.is_empty() {
            return None;
        }
        Some(match &p.meter_url {
            Some(url) => {
                let var = p.meter_token_env.as_deref().unwrap_or_default();
                match std::env::var(var) {
                    Ok(token) => RemoteMeter::open(url, &token, &p.meter)
                        .map(|m| Box::new(m) as Box<dyn EnergyMeter>)
                        .map_err(|e| e.to_string()),
                    Err(_) => Err(format!("meter_token_env: the environment variable {var} is not set")),
                }
            }
            None => open_nvml_gpus(&p.meter)
                .and_then(|parts| MeterSet::new(parts).map_err(|e| e.to_string()))
                .map(|m| Box::new(m) as Box<dyn EnergyMeter>),
        })
    }
}

/// The meter URL as recorded: scheme, host and port only.
fn public_meter_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => format!("{}://{}:{}", u.scheme(), u.host_str().unwrap_or(""), u.port_or_known_default().unwrap_or(80)),
        Err(_) => "(invalid)".into(),
    }
}
