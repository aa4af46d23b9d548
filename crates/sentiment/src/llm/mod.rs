//! Optional LLM event scoring over an OpenAI-compatible chat completions API.
//!
//! The model is asked for a strict JSON object (direction, magnitude, half-life) and its
//! answer is validated field by field: anything off-schema is a counted
//! [`LlmRejection`](crate::LlmRejection), never coerced into a plausible score.
//!
//! - [`config`]: [`LlmConfig`] and [`ApiKey`] (whose `Debug` prints `hidden`).
//! - [`validate`]: parsing a chat completion into a score and its token usage.
//! - [`request`]: the prompt and JSON schema sent.
//! - [`budget`]: the daily cost cap, per UTC day of the caller's clock.
//! - [`client`]: [`LlmClient`]: timeouts, retries, circuit breaker, budget, counters.

pub mod budget;
pub mod client;
pub mod config;
pub mod request;
pub mod validate;

pub use budget::DailyBudget;
pub use client::{LlmClient, LlmStats};
pub use config::{ApiKey, LlmConfig};
pub use validate::{Usage, parse_completion, parse_score};

/// Which way an event moves a coin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Bull,
    Bear,
    Neutral,
}

impl Direction {
    /// +1, −1 or 0: the sign an event's magnitude enters sums with.
    pub fn sign(self) -> f64 {
        match self {
            Direction::Bull => 1.0,
            Direction::Bear => -1.0,
            Direction::Neutral => 0.0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Bull => "bull",
            Direction::Bear => "bear",
            Direction::Neutral => "neutral",
        }
    }
}

/// A validated LLM judgement of one news item.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LlmScore {
    pub direction: Direction,
    /// 0..=1: how much the event should move the coin.
    pub magnitude: f64,
    /// 1..=720 hours: how long the event stays relevant (a hack lingers, a price recap
    /// does not); it sets this item's decay in the aggregate.
    pub half_life_h: u32,
}
