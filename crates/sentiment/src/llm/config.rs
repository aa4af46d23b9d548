//! How the LLM scorer talks and how much it may spend. Plain values: the service config
//! builds this; [`LlmConfig::validate`] checks it when the client is made.

use std::fmt;
use std::time::Duration;

use cst_exchange::BreakerPolicy;

use crate::error::LlmError;

/// An API key. Its `Debug` prints `hidden` so configs and errors can be logged whole.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// `None` for a blank key: a blank key means "LLM scoring off", not "send no auth".
    pub fn new(key: impl Into<String>) -> Option<ApiKey> {
        let key = key.into().trim().to_owned();
        (!key.is_empty()).then_some(ApiKey(key))
    }

    /// The key itself, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("hidden")
    }
}

#[derive(Debug, Clone)]
pub struct LlmConfig {
    /// Up to and including the version prefix, e.g. `https://api.openai.com/v1`;
    /// `/chat/completions` is appended.
    pub base_url: String,
    /// Without a key the scorer is off ([`LlmClient::new`](super::LlmClient::new) gives `None`).
    pub api_key: Option<ApiKey>,
    pub model: String,
    /// Limit for one whole request, body included.
    pub timeout: Duration,
    /// Attempts after the first, for timeouts, connect errors, 429 and 5xx only.
    pub max_retries: usize,
    /// First backoff delay; it doubles per retry up to `retry_max_delay`. No jitter: one
    /// agent calls this endpoint, and library code stays deterministic.
    pub retry_min_delay: Duration,
    pub retry_max_delay: Duration,
    pub breaker: BreakerPolicy,
    /// Spend per UTC day after which calls are refused until the next day.
    pub daily_cost_cap_usd: f64,
    pub usd_per_1k_prompt_tokens: f64,
    pub usd_per_1k_completion_tokens: f64,
    /// Bounds each answer's cost; the schema's JSON needs about 30 tokens.
    pub max_completion_tokens: u32,
}

impl LlmConfig {
    /// Off (no key) with gpt-4o-mini's list prices and a $1/day cap.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: None,
            model: model.into(),
            timeout: Duration::from_secs(20),
            max_retries: 2,
            retry_min_delay: Duration::from_secs(1),
            retry_max_delay: Duration::from_secs(10),
            breaker: BreakerPolicy {
                failure_threshold: 5,
                cooldown: Duration::from_secs(300),
            },
            daily_cost_cap_usd: 1.0,
            usd_per_1k_prompt_tokens: 0.000_15,
            usd_per_1k_completion_tokens: 0.000_6,
            max_completion_tokens: 60,
        }
    }

    /// Every problem at once, so one edit fixes the config.
    pub fn validate(&self) -> Result<(), LlmError> {
        let mut problems = Vec::new();
        let money = [
            ("daily_cost_cap_usd", self.daily_cost_cap_usd),
            ("usd_per_1k_prompt_tokens", self.usd_per_1k_prompt_tokens),
            (
                "usd_per_1k_completion_tokens",
                self.usd_per_1k_completion_tokens,
            ),
        ];
        for (name, value) in money {
            if !(value.is_finite() && value >= 0.0) {
                problems.push(format!("{name} must be a finite amount >= 0, got {value}"));
            }
        }
        if self.model.trim().is_empty() {
            problems.push("model must name a model".to_owned());
        }
        if self.timeout.is_zero() {
            problems.push("timeout must be above zero".to_owned());
        }
        if self.breaker.failure_threshold == 0 {
            problems.push("breaker.failure_threshold must be at least 1".to_owned());
        }
        if self.max_completion_tokens == 0 {
            problems.push("max_completion_tokens must be at least 1".to_owned());
        }
        match problems.is_empty() {
            true => Ok(()),
            false => Err(LlmError::Config(problems.join("; "))),
        }
    }
}
