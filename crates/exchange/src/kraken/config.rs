//! How a [`KrakenClient`](super::KrakenClient) talks: where, how fast, how persistently.
//!
//! Plain values, no file format: the service configuration decides them (live Kraken or a
//! local replay server) and builds this.

use std::time::Duration;

use backon::ExponentialBuilder;

pub use crate::breaker::BreakerPolicy;

/// Kraken's production REST API.
pub const KRAKEN_API_URL: &str = "https://api.kraken.com";

#[derive(Debug, Clone)]
pub struct KrakenConfig {
    /// `https://api.kraken.com`, or a replay server such as `http://127.0.0.1:8089`; any path
    /// prefix is kept (`/0/public/...` is appended).
    pub base_url: String,
    /// Limit for one whole request, body included.
    pub timeout: Duration,
    /// Spacing between public requests; Kraken's public limit is about one per second per IP.
    pub min_interval: Duration,
    pub retry: RetryPolicy,
    pub breaker: BreakerPolicy,
}

impl KrakenConfig {
    /// Defaults that stay inside Kraken's published public limits.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            timeout: Duration::from_secs(10),
            min_interval: Duration::from_secs(1),
            retry: RetryPolicy::default(),
            breaker: BreakerPolicy::default(),
        }
    }
}

/// Exponential backoff with jitter, for retryable errors only
/// ([`ExchangeError::is_retryable`](crate::ExchangeError::is_retryable)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts after the first; 0 disables retries.
    pub max_retries: usize,
    /// First delay; each next one doubles, up to `max_delay`.
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// Adds up to one extra delay at random, so clients that failed together do not retry
    /// together.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    pub(crate) fn backoff(&self) -> ExponentialBuilder {
        let builder = ExponentialBuilder::new()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_retries);
        if self.jitter {
            builder.with_jitter()
        } else {
            builder
        }
    }
}
