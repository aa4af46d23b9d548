//! The simulated clock: `now = start + real time elapsed since the replay was loaded × speed`.
//!
//! Real time comes from [`tokio::time::Instant`], never the wall clock, so tests can pause
//! and advance it, and a replay is unaffected by the host's clock being set or skewed.

use tokio::time::Instant;

use crate::ReplayError;

#[derive(Debug, Clone, Copy)]
pub struct SimClock {
    /// Simulated Unix seconds at `origin`.
    start: i64,
    /// Simulated seconds per real second; 0 freezes the clock at `start`.
    speed: f64,
    origin: Instant,
}

impl SimClock {
    /// Starts now. `speed` must be finite and not negative: the simulated past never
    /// changes, so the clock may stand still but never run backwards.
    pub fn start(start: i64, speed: f64) -> Result<Self, ReplayError> {
        if !speed.is_finite() || speed < 0.0 {
            return Err(ReplayError::Speed(speed));
        }
        Ok(Self {
            start,
            speed,
            origin: Instant::now(),
        })
    }

    /// Simulated Unix seconds, rounded down to the whole second (Kraken's `unixtime`).
    pub fn now(&self) -> i64 {
        let simulated = self.origin.elapsed().as_secs_f64() * self.speed;
        // `as` saturates; i64::MAX seconds is far beyond any recording.
        self.start.saturating_add(simulated.floor() as i64)
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }
}

/// Open time of the hour containing `t`: the current, unfinished 1-hour candle.
pub fn hour_of(t: i64) -> i64 {
    t.div_euclid(3600) * 3600
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn runs_speed_times_real_time() {
        let clock = SimClock::start(1_704_067_200, 3600.0).unwrap();
        assert_eq!(clock.now(), 1_704_067_200);
        tokio::time::advance(Duration::from_millis(2500)).await;
        assert_eq!(clock.now(), 1_704_067_200 + 9000);
    }

    #[tokio::test(start_paused = true)]
    async fn speed_zero_stands_still() {
        let clock = SimClock::start(100, 0.0).unwrap();
        tokio::time::advance(Duration::from_secs(60)).await;
        assert_eq!(clock.now(), 100);
    }

    #[test]
    fn a_clock_cannot_run_backwards_or_be_undefined() {
        for speed in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(SimClock::start(0, speed).is_err(), "{speed}");
        }
    }

    #[test]
    fn hours_round_down_also_before_1970() {
        assert_eq!(hour_of(1_704_070_799), 1_704_067_200);
        assert_eq!(hour_of(1_704_067_200), 1_704_067_200);
        assert_eq!(hour_of(-1), -3600);
    }
}
