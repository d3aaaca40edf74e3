//! An OpenAI-compatible endpoint (vLLM, SGLang, TensorRT-LLM, llama.cpp's
//! server, TGI, ...) as the system under test. A suite selects it in a run's
//! parameters with `engine = "openai"`; the engine streams every request
//! (server-sent events), takes the arrival of every chunk on the client, and
//! counts each failed request by kind. It plugs into the runner through the
//! [`crate::engine::Engine`] interface only (`crate::engine::EndpointEngine`), and knows nothing of meters.

pub mod chunk;
pub mod client;
pub mod failure;
pub mod load;
pub mod params;
pub mod qa;
pub mod settings;
pub mod slo;
pub mod slo_bounds;
pub mod source;
pub mod sse;
pub mod tally;

pub use client::{EndpointClient, RequestRecord, TokenSource};
pub use failure::{Failure, FailureKind};
pub use params::{EndpointParams, ENGINE};
pub use settings::EndpointSettings;
pub use slo::{Slo, SloRecord};
pub use source::{RequestSource, TextRequest};
pub use tally::{EndpointTally, RequestFigures};
