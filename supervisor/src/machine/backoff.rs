//! Restart delays: the first restart after a healthy run is immediate (a single crash should
//! cost as little downtime as possible), later ones back off exponentially with jitter so a
//! crash loop neither spins the CPU nor restarts every agent in lock-step.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use cst_config::RestartConfig;

#[derive(Debug)]
pub struct RestartBackoff {
    builder: ExponentialBuilder,
    delays: ExponentialBackoff,
    /// Restarts since the agent was last healthy for `healthy_reset`.
    consecutive: u32,
}

impl RestartBackoff {
    pub fn new(cfg: &RestartConfig) -> Self {
        let mut builder = ExponentialBuilder::new()
            .with_min_delay(cfg.min_delay)
            .with_max_delay(cfg.max_delay)
            .with_factor(cfg.factor)
            .without_max_times();
        if cfg.jitter {
            builder = builder.with_jitter();
        }
        Self {
            builder,
            delays: builder.build(),
            consecutive: 0,
        }
    }

    /// The delay before the next restart.
    pub fn next_delay(&mut self) -> Duration {
        self.consecutive += 1;
        if self.consecutive == 1 {
            return Duration::ZERO;
        }
        // Built without max_times, so the iterator never ends; ZERO would only mean a bug.
        self.delays.next().unwrap_or(Duration::ZERO)
    }

    /// The agent stayed healthy long enough: the next crash restarts at once again.
    pub fn reset(&mut self) {
        self.delays = self.builder.build();
        self.consecutive = 0;
    }

    pub fn consecutive(&self) -> u32 {
        self.consecutive
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(jitter: bool) -> RestartConfig {
        RestartConfig {
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            factor: 2.0,
            jitter,
            healthy_reset: Duration::from_secs(60),
        }
    }

    #[test]
    fn first_restart_is_immediate_then_doubles_up_to_the_cap() {
        let mut b = RestartBackoff::new(&cfg(false));
        let delays: Vec<u64> = (0..8).map(|_| b.next_delay().as_millis() as u64).collect();
        assert_eq!(delays, [0, 100, 200, 400, 800, 1600, 2000, 2000]);
    }

    #[test]
    fn reset_makes_the_next_restart_immediate_again() {
        let mut b = RestartBackoff::new(&cfg(false));
        for _ in 0..4 {
            b.next_delay();
        }
        b.reset();
        assert_eq!(b.next_delay(), Duration::ZERO);
        assert_eq!(b.next_delay(), Duration::from_millis(100));
    }

    #[test]
    fn jitter_stays_within_one_extra_step() {
        // backon adds up to one more delay of random jitter; never less than the base.
        for _ in 0..50 {
            let mut b = RestartBackoff::new(&cfg(true));
            b.next_delay();
            let d = b.next_delay();
            assert!(
                d >= Duration::from_millis(100) && d <= Duration::from_millis(200),
                "{d:?}"
            );
        }
    }
}
