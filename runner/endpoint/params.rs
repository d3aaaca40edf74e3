//! The suite's parameters of an endpoint run: `engine = "openai"` with the
//! endpoint's address, model, API flavour, timeout, the request mix and the
//! bound on failed requests. Checked when the suite is planned.

use serde::{Deserialize, Serialize};
use wattbench_workloads::llm::LengthDistribution;

use super::slo_bounds::Slo;

/// The engine name that selects an OpenAI-compatible endpoint.
pub const ENGINE: &str = "openai";

/// Which OpenAI route is called.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Api {
    /// `POST {base_url}/chat/completions` with one user message.
    #[default]
    Chat,
    /// `POST {base_url}/completions` with a prompt.
    Completions,
}

impl Api {
    /// The route below `base_url`.
    pub fn path(self) -> &'static str {
        match self {
            Api::Chat => "chat/completions",
            Api::Completions => "completions",
        }
    }
}

/// How the answer's length is held to the drawn `max_tokens`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForceLength {
    /// Only `max_tokens` (the model may stop earlier at its end-of-sequence token).
    #[default]
    None,
    /// Also `ignore_eos: true` (vLLM, SGLang, llama.cpp's server).
    IgnoreEos,
    /// Also `min_tokens: max_tokens` (vLLM).
    MinTokens,
    /// Both of the above.
    Both,
}

/// Every knob of an endpoint run.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct EndpointParams {
    /// Must be `openai`.
    pub engine: String,
    /// The API's root, e.g. `http://gpu-node:8000/v1`.
    pub base_url: String,
    /// The model name the server serves.
    pub model: String,
    /// `chat` or `completions`.
    pub api: Api,
    /// Name of the environment variable holding the API key (the key itself is never written anywhere).
    pub api_key_env: Option<String>,
    /// A request with no complete answer after this many seconds fails as `timeout`.
    pub timeout_s: f64,
    /// Seed of the request stream.
    pub seed: u64,
    /// Distinct requests drawn (cycled through by the scenario).
    pub requests: usize,
    /// Target prompt lengths (in the named tokenizer's tokens, else in bytes); absent keeps prompts as written.
    pub prompt_tokens: Option<LengthDistribution>,
    /// `max_tokens` of each request.
    pub output_tokens: LengthDistribution,
    /// A `tokenizer.json` (resolved against the weights folder) to size prompts and to count
    /// tokens when the server sends no `usage`.
    pub tokenizer: Option<String>,
    /// How answers are held to the requested length.
    pub force_length: ForceLength,
    /// A run where more than this fraction of requests failed is INVALID.
    pub max_failed_frac: f64,
    /// Server scenario: at most this many requests in flight at once.
    pub max_in_flight: usize,
    /// Service-level objectives: TTFT and TPOT bounds at a percentile, which make goodput.
    pub slo: Option<Slo>,
    /// The serving node's GPUs whose energy counters are summed (`cuda:N`, N
    /// being the NVML index that `nvidia-smi` shows); empty: unmetered.
    pub meter: Vec<String>,
    /// Where `wattbench meter serve` exposes them (`http://host:port`);
    /// absent: the GPUs are on this node and read through NVML here.
    pub meter_url: Option<String>,
    /// The environment variable holding the meter server's token (with `meter_url`).
    pub meter_token_env: Option<String>,
}

impl Default for EndpointParams {
    fn default() -> Self {
        Self {
            engine: ENGINE.into(),
            base_url: String::new(),
            model: String::new(),
            api: Api::Chat,
            api_key_env: None,
            timeout_s: 60.0,
            seed: 71,
            requests: 64,
            prompt_tokens: None,
            output_tokens: LengthDistribution::LogNormal { median: 128.0, sigma: 0.5, min: 16, max: 512 },
            tokenizer: None,
            force_length: ForceLength::None,
            max_failed_frac: 0.01,
            max_in_flight: 4096,
            slo: None,
            meter: Vec::new(),
            meter_url: None,
            meter_token_env: None,
        }
    }
}

/// A parameter that is wrong, and why.
#[derive(Debug, thiserror::Error)]
#[error("endpoint parameter `{name}`: {reason}")]
pub struct ParamError {
    /// The parameter.
    pub name: &'static str,
    /// Why it is refused.
    pub reason: String,
}

fn bad(name: &'static str, reason: impl Into<String>) -> ParamError {
    ParamError { name, reason: reason.into() }
}

impl EndpointParams {
    /// Reads and checks a parameter table.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, ParamError> {
        let p: Self = serde_json::from_value(value.clone()).map_err(|e| bad("params", e.to_string()))?;
        p.check()?;
        Ok(p)
    }

    /// Checks every parameter.
    pub fn check(&self) -> Result<(), ParamError> {
        if self.engine != ENGINE {
            return Err(bad("engine", format!("unknown engine `{}` (known: {ENGINE})", self.engine)));
        }
        self.url()?;
        if self.model.trim().is_empty() {
            return Err(bad("model", "name the model the server serves"));
        }
        if !(self.timeout_s.is_finite() && self.timeout_s > 0.0 && self.timeout_s <= 3600.0) {
            return Err(bad("timeout_s", "must be a number of seconds above 0 and at most 3600"));
        }
        if self.requests == 0 || self.requests > 1_000_000 {
            return Err(bad("requests", "must be from 1 to 1000000"));
        }
        if !(self.max_failed_frac.is_finite() && (0.0..=1.0).contains(&self.max_failed_frac)) {
            return Err(bad("max_failed_frac", "must be a fraction from 0 to 1"));
        }
        if self.max_in_flight == 0 || self.max_in_flight > 100_000 {
            return Err(bad("max_in_flight", "must be from 1 to 100000"));
        }
        if let Some(name) = &self.api_key_env {
            if name.is_empty() || name.contains('=') || name.contains('\0') {
                return Err(bad("api_key_env", "must be the name of an environment variable"));
            }
        }
        self.check_meter()?;
        if let Some(slo) = &self.slo {
            slo.check().map_err(|e| bad("slo", e))?;
        }
        if let Some(d) = &self.prompt_tokens {
            d.validate("prompt_tokens").map_err(|e| bad("prompt_tokens", e.to_string()))?;
        }
        self.output_tokens.validate("output_tokens").map_err(|e| bad("output_tokens", e.to_string()))
    }

    fn check_meter(&self) -> Result<(), ParamError> {
        for (i, d) in self.meter.iter().enumerate() {
            let n = d.strip_prefix("cuda:").and_then(|n| n.parse::<u32>().ok());
            if n.is_none() {
                return Err(bad("meter", format!("`{d}` is not a GPU of the serving node (expected cuda:N)")));
            }
            if self.meter[..i].contains(d) {
                return Err(bad("meter", format!("`{d}` is named twice")));
            }
        }
        match (&self.meter_url, &self.meter_token_env) {
            (Some(_), _) if self.meter.is_empty() => {
                Err(bad("meter_url", "name the serving GPUs to read there in `meter`"))
            }
            (Some(url), token) => {
                let u = reqwest::Url::parse(url).map_err(|e| bad("meter_url", format!("`{url}` is not a URL: {e}")))?;
                if u.scheme() != "http" || u.host_str().is_none() {
                    return Err(bad("meter_url", "must be http://host:port of a `wattbench meter serve`"));
                }
                match token {
                    Some(t) if !t.is_empty() && !t.contains('=') && !t.contains('\0') => Ok(()),
                    _ => Err(bad("meter_token_env", "name the environment variable that holds the meter's token")),
                }
            }
            (None, Some(_)) => Err(bad("meter_token_env", "only used with meter_url")),
            (None, None) => Ok(()),
        }
    }

    /// The URL of the route called.
    pub fn url(&self) -> Result<reqwest::Url, ParamError> {
        let base = reqwest::Url::parse(self.base_url.trim())
            .map_err(|e| bad("base_url", format!("`{}` is not a URL: {e}", self.base_url)))?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(bad("base_url", "must be an http:// or https:// URL with a host"));
        }
        let joined = format!("{}/{}", base.as_str().trim_end_matches('/'), self.api.path());
        reqwest::Url::parse(&joined).map_err(|e| bad("base_url", e.to_string()))
    }

    /// `base_url` as recorded in results: scheme, host, port and path only
    /// (no user, password or query, which may hold secrets).
    pub fn public_base_url(&self) -> String {
        match reqwest::Url::parse(self.base_url.trim()) {
            Ok(u) => {
                let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
                format!("{}://{}{port}{}", u.scheme(), u.host_str().unwrap_or(""), u.path().trim_end_matches('/'))
            }
            Err(_) => "(invalid)".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn endpoint_params_are_checked_and_named() {
        let ok = json!({"engine": "openai", "base_url": "http://127.0.0.1:8000/v1/", "model": "m"});
        let p = EndpointParams::from_json(&ok).unwrap();
        assert_eq!(p.url().unwrap().as_str(), "http://127.0.0.1:8000/v1/chat/completions");
        for (patch, name) in [
            (json!({"base_url": "ftp://x/v1"}), "base_url"),
            (json!({"base_url": "not a url"}), "base_url"),
            (json!({"model": " "}), "model"),
            (json!({"timeout_s": 0.0}), "timeout_s"),
            (json!({"max_failed_frac": 1.5}), "max_failed_frac"),
            (json!({"api_key_env": "A=B"}), "api_key_env"),
            (json!({"output_tokens": {"kind": "fixed", "tokens": 0}}), "output_tokens"),
            (json!({"colour": "red"}), "params"),
            (json!({"slo": {"percentile": 99.0}}), "slo"),
            (json!({"meter": ["gpu0"]}), "meter"),
            (json!({"meter": ["cuda:0", "cuda:0"]}), "meter"),
            (json!({"meter_url": "http://node:9400"}), "meter_url"),
            (json!({"meter": ["cuda:0"], "meter_url": "https://node:9400"}), "meter_url"),
            (json!({"meter": ["cuda:0"], "meter_url": "http://node:9400"}), "meter_token_env"),
            (json!({"meter_token_env": "T"}), "meter_token_env"),
        ] {
            let mut v = ok.clone();
            for (k, val) in patch.as_object().unwrap() {
                v[k] = val.clone();
            }
            let err = EndpointParams::from_json(&v).unwrap_err();
            assert_eq!(err.name, name, "{err}");
        }
    }

    #[test]
    fn local_and_remote_meters_are_accepted() {
        let local = json!({"engine": "openai", "base_url": "http://h/v1", "model": "m", "meter": ["cuda:0", "cuda:1"]});
        assert_eq!(EndpointParams::from_json(&local).unwrap().meter, vec!["cuda:0", "cuda:1"]);
        let mut remote = local.clone();
        remote["meter_url"] = json!("http://node:9400");
        remote["meter_token_env"] = json!("WATTBENCH_METER_TOKEN");
        assert!(EndpointParams::from_json(&remote).is_ok());
    }

    #[test]
    fn the_recorded_url_drops_credentials_and_query() {
        let p = EndpointParams {
            base_url: "https://user:secret@host.example:8443/v1/?key=abc".into(),
            ..Default::default()
        };
        assert_eq!(p.public_base_url(), "https://host.example:8443/v1");
    }
}
