//! Circuit breakers: after repeated failures an endpoint is left alone for a cooldown, so an
//! outage costs one fast error per call instead of a full retry cycle each time.
//!
//! [`CircuitBreaker`] is a pure state machine over instants it is given; [`Breakers`] keys
//! one per [`Endpoint`] and reads tokio's clock, so a paused clock drives both in tests.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::{Endpoint, ExchangeError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerPolicy {
    /// Consecutive failed calls (after their retries) that open the breaker.
    pub failure_threshold: u32,
    /// How long an open breaker fails calls fast before letting one through again.
    pub cooldown: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        Self {
            failure_threshold: 5,
            cooldown: Duration::from_secs(60),
        }
    }
}

/// Closed → (threshold failures) → open → (cooldown) → half-open: the next outcome either
/// closes it (success) or opens it again for another cooldown (failure).
#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    policy: BreakerPolicy,
    failures: u32,
    open_until: Option<Instant>,
}

impl CircuitBreaker {
    pub fn new(policy: BreakerPolicy) -> Self {
        Self {
            policy,
            failures: 0,
            open_until: None,
        }
    }

    /// `Err(retry_in)` while open.
    pub fn check(&self, now: Instant) -> Result<(), Duration> {
        match self.open_until {
            Some(until) if now < until => Err(until - now),
            _ => Ok(()),
        }
    }

    pub fn record_success(&mut self) {
        self.failures = 0;
        self.open_until = None;
    }

    pub fn record_failure(&mut self, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        if self.failures >= self.policy.failure_threshold {
            self.open_until = Some(now + self.policy.cooldown);
        }
    }
}

/// One breaker per endpoint, shared by all calls of a client.
#[derive(Debug)]
pub struct Breakers {
    policy: BreakerPolicy,
    by_endpoint: Mutex<HashMap<Endpoint, CircuitBreaker>>,
}

impl Breakers {
    pub fn new(policy: BreakerPolicy) -> Self {
        Self {
            policy,
            by_endpoint: Mutex::new(HashMap::new()),
        }
    }

    /// Fails fast with [`ExchangeError::CircuitOpen`] while the endpoint's breaker is open.
    pub fn check(&self, endpoint: Endpoint) -> Result<(), ExchangeError> {
        let map = self
            .by_endpoint
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match map.get(&endpoint).map(|b| b.check(Instant::now())) {
            Some(Err(retry_in)) => Err(ExchangeError::CircuitOpen { endpoint, retry_in }),
            _ => Ok(()),
        }
    }

    /// Counts a call's final outcome; only failures that say the endpoint is unwell count.
    pub fn record<T>(&self, endpoint: Endpoint, outcome: &Result<T, ExchangeError>) {
        let mut map = self
            .by_endpoint
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let breaker = map
            .entry(endpoint)
            .or_insert_with(|| CircuitBreaker::new(self.policy));
        match outcome {
            Ok(_) => breaker.record_success(),
            Err(e) if e.trips_breaker() => {
                breaker.record_failure(Instant::now());
                if breaker.check(Instant::now()).is_err() {
                    tracing::warn!(%endpoint, cooldown = ?self.policy.cooldown, error = %e, "circuit opened");
                }
            }
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests;
