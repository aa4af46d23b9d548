//! One LLM call with every guard: cost cap → breaker → POST (timeout) → status → body →
//! usage charged → answer validated; timeouts, connect errors, 429 and 5xx are retried
//! with exponential backoff.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use backon::{ExponentialBuilder, Retryable};
use cst_exchange::CircuitBreaker;
use reqwest::{StatusCode, Url};
use tokio::time::Instant;

use super::validate::parse_completion;
use super::{DailyBudget, LlmConfig, LlmScore, Usage, request};
use crate::coins::CoinId;
use crate::error::LlmError;
use crate::item::NewsItem;

/// Token estimate per prompt character when a response reports no `usage`; generous,
/// so a silent endpoint cannot spend past the cap.
const TOKENS_PER_CHAR: f64 = 0.5;
/// Longest excerpt of an error body kept in [`LlmError::Http`].
const BODY_EXCERPT: usize = 300;

/// What the scorer has done since it was made, for the agent's metrics.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LlmStats {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    pub scored: u64,
    /// Answers rejected by the schema check, by [`LlmRejection::kind`](crate::LlmRejection::kind).
    pub rejected: BTreeMap<&'static str, u64>,
    /// Calls that failed after retries (transport, status).
    pub failed: u64,
    pub refused_cost_cap: u64,
    pub refused_breaker: u64,
}

#[derive(Debug)]
struct State {
    breaker: CircuitBreaker,
    budget: DailyBudget,
    stats: LlmStats,
}

#[derive(Debug)]
pub struct LlmClient {
    http: reqwest::Client,
    url: Url,
    config: LlmConfig,
    state: Mutex<State>,
}

impl LlmClient {
    /// `Ok(None)` when no API key is configured: LLM scoring is off.
    pub fn new(config: LlmConfig) -> Result<Option<Self>, LlmError> {
        if config.api_key.is_none() {
            tracing::info!("no LLM api key configured; LLM event scoring is off");
            return Ok(None);
        }
        config.validate()?;
        let base = config.base_url.trim_end_matches('/');
        let invalid = || LlmError::InvalidBaseUrl {
            url: config.base_url.clone(),
        };
        let url = Url::parse(&format!("{base}/chat/completions")).map_err(|_| invalid())?;
        if !matches!(url.scheme(), "http" | "https") || url.query().is_some() {
            return Err(invalid());
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("cst-sentiment/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(LlmError::Client)?;
        let state = State {
            breaker: CircuitBreaker::new(config.breaker),
            budget: DailyBudget::new(config.daily_cost_cap_usd),
            stats: LlmStats::default(),
        };
        Ok(Some(Self {
            http,
            url,
            config,
            state: Mutex::new(state),
        }))
    }

    /// Scores one item about `coins`. `now` (Unix seconds, from the service clock) picks
    /// the UTC day whose budget pays for the call.
    pub async fn score(
        &self,
        item: &NewsItem,
        coins: &[CoinId],
        now: i64,
    ) -> Result<LlmScore, LlmError> {
        let breaker = self.state().breaker.check(Instant::now());
        if let Err(retry_in) = breaker {
            self.state().stats.refused_breaker += 1;
            return Err(LlmError::CircuitOpen { retry_in });
        }
        let body = request::body(
            &self.config.model,
            self.config.max_completion_tokens,
            item,
            coins,
        );
        let body = body.to_string();
        let attempt = || self.attempt(&body, now);
        let outcome = attempt
            .retry(self.backoff())
            .sleep(tokio::time::sleep)
            .when(LlmError::is_retryable)
            .notify(|error, delay| tracing::warn!(%error, ?delay, "LLM call failed; retrying"))
            .await;
        self.record(&outcome);
        outcome
    }

    pub fn stats(&self) -> LlmStats {
        self.state().stats.clone()
    }

    /// Spend so far on `now`'s UTC day.
    pub fn spent_usd(&self, now: i64) -> f64 {
        self.state().budget.spent_on(now)
    }

    async fn attempt(&self, body: &str, now: i64) -> Result<LlmScore, LlmError> {
        self.state().budget.check(now)?;
        self.state().stats.requests += 1;
        let key = self.config.api_key.as_ref().map_or("", |k| k.expose());
        let response = self
            .http
            .post(self.url.clone())
            .bearer_auth(key)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_owned())
            .send()
            .await
            .map_err(|e| self.transport(e))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| self.transport(e))?;
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(LlmError::RateLimited);
        }
        if status.is_server_error() {
            return Err(LlmError::Server {
                status: status.as_u16(),
            });
        }
        if !status.is_success() {
            let text = String::from_utf8_lossy(&bytes);
            let excerpt: String = text.chars().take(BODY_EXCERPT).collect();
            return Err(LlmError::Http {
                status: status.as_u16(),
                body: excerpt.replace(key, "hidden"),
            });
        }
        let (usage, score) = parse_completion(&bytes);
        let usage = usage.unwrap_or(Usage {
            prompt_tokens: (body.chars().count() as f64 * TOKENS_PER_CHAR).ceil() as u64,
            completion_tokens: u64::from(self.config.max_completion_tokens),
        });
        let cost = usage.cost_usd(
            self.config.usd_per_1k_prompt_tokens,
            self.config.usd_per_1k_completion_tokens,
        );
        self.state().budget.charge(now, cost);
        Ok(score?)
    }

    fn transport(&self, error: reqwest::Error) -> LlmError {
        if error.is_timeout() {
            LlmError::Timeout {
                after: self.config.timeout,
            }
        } else if error.is_connect() {
            LlmError::Connect(error)
        } else {
            LlmError::Transport(error)
        }
    }

    /// Counts the final outcome; an answer that arrived, valid or not, shows the endpoint
    /// is up, and a 4xx says nothing about its health.
    fn record(&self, outcome: &Result<LlmScore, LlmError>) {
        let mut state = self.state();
        match outcome {
            Ok(_) => {
                state.stats.scored += 1;
                state.breaker.record_success();
            }
            Err(LlmError::Rejected(rejection)) => {
                tracing::warn!(kind = rejection.kind(), %rejection, "LLM answer rejected");
                *state.stats.rejected.entry(rejection.kind()).or_default() += 1;
                state.breaker.record_success();
            }
            Err(LlmError::CostCapReached { .. }) => state.stats.refused_cost_cap += 1,
            Err(error) => {
                state.stats.failed += 1;
                if error.trips_breaker() {
                    state.breaker.record_failure(Instant::now());
                    if state.breaker.check(Instant::now()).is_err() {
                        tracing::warn!(%error, cooldown = ?self.config.breaker.cooldown, "LLM circuit opened");
                    }
                }
            }
        }
    }

    fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::new()
            .with_min_delay(self.config.retry_min_delay)
            .with_max_delay(self.config.retry_max_delay)
            .with_max_times(self.config.max_retries)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
