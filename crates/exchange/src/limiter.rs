//! A gate that spaces requests at least `interval` apart, so the service stays inside the
//! exchange's public rate limit instead of learning it from errors.
//!
//! It keeps one "next allowed instant" on tokio's clock (never the wall clock), so tests can
//! drive it with a paused clock. Callers are served in the order they reached the gate.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug)]
pub struct RateGate {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl RateGate {
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            next: Mutex::new(None),
        }
    }

    /// Waits for this caller's slot. A caller dropped while waiting leaves its slot unused:
    /// the gate errs on the side of calling too rarely.
    pub async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let at = next.map_or(now, |n| n.max(now));
            *next = Some(at + self.interval);
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn first_call_passes_then_calls_are_spaced() {
        let gate = RateGate::new(Duration::from_secs(1));
        let start = Instant::now();
        for expected in 0..4 {
            gate.wait().await;
            assert_eq!(start.elapsed(), Duration::from_secs(expected));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_get_consecutive_slots() {
        let gate = RateGate::new(Duration::from_millis(500));
        let start = Instant::now();
        let stamp = || async {
            gate.wait().await;
            start.elapsed()
        };
        let (a, b, c) = tokio::join!(stamp(), stamp(), stamp());
        let mut seen = [a, b, c];
        seen.sort();
        assert_eq!(seen, [0, 500, 1000].map(Duration::from_millis));
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_gate_does_not_bank_credit() {
        let gate = RateGate::new(Duration::from_secs(1));
        gate.wait().await;
        tokio::time::advance(Duration::from_secs(10)).await;
        let start = Instant::now();
        gate.wait().await;
        gate.wait().await;
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }
}
