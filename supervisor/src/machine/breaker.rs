//! Per-agent circuit breaker: an agent that keeps crashing stops being restarted, so a broken
//! agent cannot flood logs and CPU. After a cooldown one probe start is allowed (half-open);
//! a failed probe doubles the cooldown up to a cap.

use std::{collections::VecDeque, time::Duration};

use cst_config::BreakerConfig;
use cst_protocol::status::BreakerState;
use tokio::time::Instant;

#[derive(Debug)]
pub struct Breaker {
    cfg: BreakerConfig,
    state: BreakerState,
    /// Crash times within the window.
    crashes: VecDeque<Instant>,
    /// Cooldown to apply the next time the breaker opens.
    cooldown: Duration,
    /// When the current open period ends.
    open_until: Option<Instant>,
    /// Why it opened, for `cst status`.
    reason: Option<String>,
}

/// What the breaker decided about a crash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Restart (after the backoff).
    Restart,
    /// Opened: no restart before this instant.
    Open { until: Instant },
}

impl Breaker {
    pub fn new(cfg: &BreakerConfig) -> Self {
        Self {
            cfg: cfg.clone(),
            state: BreakerState::Closed,
            crashes: VecDeque::new(),
            cooldown: cfg.cooldown,
            open_until: None,
            reason: None,
        }
    }

    pub fn state(&self) -> BreakerState {
        self.state
    }

    pub fn open_until(&self) -> Option<Instant> {
        self.open_until
    }

    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// Crashes counted in the current window.
    pub fn recent_crashes(&self, now: Instant) -> usize {
        self.crashes
            .iter()
            .filter(|t| now.duration_since(**t) < self.cfg.window)
            .count()
    }

    /// Records a crash. `fatal` (exit code 78, a configuration error) opens it at once:
    /// restarting cannot fix a wrong configuration.
    pub fn record_crash(&mut self, now: Instant, fatal: Option<&str>) -> Verdict {
        self.crashes.push_back(now);
        while self
            .crashes
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.cfg.window)
        {
            self.crashes.pop_front();
        }
        if let Some(reason) = fatal {
            return self.open(now, reason.to_string());
        }
        if self.state == BreakerState::HalfOpen {
            return self.open(now, "the half-open probe crashed".to_string());
        }
        let n = self.crashes.len();
        if n >= self.cfg.max_crashes as usize {
            let window = self.cfg.window.as_secs();
            return self.open(now, format!("{n} crashes within {window} s"));
        }
        Verdict::Restart
    }

    fn open(&mut self, now: Instant, reason: String) -> Verdict {
        let until = now + self.cooldown;
        self.cooldown = (self.cooldown * 2).min(self.cfg.max_cooldown);
        self.state = BreakerState::Open;
        self.open_until = Some(until);
        self.reason = Some(reason);
        Verdict::Open { until }
    }

    /// The cooldown is over: let one probe start.
    pub fn half_open(&mut self) {
        self.state = BreakerState::HalfOpen;
        self.open_until = None;
    }

    /// The agent reached Ready: a half-open probe succeeded.
    pub fn on_ready(&mut self) {
        if self.state == BreakerState::HalfOpen {
            self.state = BreakerState::Closed;
            self.crashes.clear();
            self.reason = None;
        }
    }

    /// Healthy for long enough: the next opening starts from the base cooldown again.
    pub fn on_healthy(&mut self) {
        self.cooldown = self.cfg.cooldown;
    }

    /// `cst reset`: close at once and forget the history.
    pub fn reset(&mut self) {
        self.state = BreakerState::Closed;
        self.crashes.clear();
        self.cooldown = self.cfg.cooldown;
        self.open_until = None;
        self.reason = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> BreakerConfig {
        BreakerConfig {
            max_crashes: 5,
            window: Duration::from_secs(60),
            cooldown: Duration::from_secs(30),
            max_cooldown: Duration::from_secs(600),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn five_crashes_within_the_window_open_it() {
        let mut b = Breaker::new(&cfg());
        for _ in 0..4 {
            assert_eq!(b.record_crash(Instant::now(), None), Verdict::Restart);
            tokio::time::advance(Duration::from_secs(1)).await;
        }
        let now = Instant::now();
        assert_eq!(
            b.record_crash(now, None),
            Verdict::Open {
                until: now + Duration::from_secs(30)
            }
        );
        assert_eq!(b.state(), BreakerState::Open);
        assert_eq!(b.reason(), Some("5 crashes within 60 s"));
    }

    #[tokio::test(start_paused = true)]
    async fn crashes_spread_wider_than_the_window_never_open_it() {
        let mut b = Breaker::new(&cfg());
        for _ in 0..20 {
            assert_eq!(b.record_crash(Instant::now(), None), Verdict::Restart);
            tokio::time::advance(Duration::from_secs(15)).await;
        }
        assert_eq!(b.state(), BreakerState::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn exit_code_78_opens_at_once() {
        let mut b = Breaker::new(&cfg());
        let v = b.record_crash(Instant::now(), Some("exit code 78"));
        assert!(matches!(v, Verdict::Open { .. }));
        assert_eq!(b.reason(), Some("exit code 78"));
    }

    #[tokio::test(start_paused = true)]
    async fn failed_probes_double_the_cooldown_up_to_ten_minutes() {
        let mut b = Breaker::new(&cfg());
        for _ in 0..5 {
            b.record_crash(Instant::now(), None);
        }
        let mut cooldowns = Vec::new();
        for _ in 0..7 {
            let until = b.open_until().unwrap();
            cooldowns.push(until.duration_since(Instant::now()).as_secs());
            tokio::time::advance(until.duration_since(Instant::now())).await;
            b.half_open();
            assert_eq!(b.state(), BreakerState::HalfOpen);
            b.record_crash(Instant::now(), None);
            assert_eq!(b.state(), BreakerState::Open);
        }
        assert_eq!(cooldowns, [30, 60, 120, 240, 480, 600, 600]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_ready_probe_closes_it_and_reset_forgets_everything() {
        let mut b = Breaker::new(&cfg());
        for _ in 0..5 {
            b.record_crash(Instant::now(), None);
        }
        tokio::time::advance(Duration::from_secs(30)).await;
        b.half_open();
        b.on_ready();
        assert_eq!(b.state(), BreakerState::Closed);
        assert_eq!(b.recent_crashes(Instant::now()), 0);

        for _ in 0..5 {
            b.record_crash(Instant::now(), None);
        }
        b.reset();
        assert_eq!(b.state(), BreakerState::Closed);
        assert_eq!(b.open_until(), None);
        // After a reset the base cooldown applies again.
        for _ in 0..5 {
            b.record_crash(Instant::now(), None);
        }
        let until = b.open_until().unwrap();
        assert_eq!(
            until.duration_since(Instant::now()),
            Duration::from_secs(30)
        );
    }
}
