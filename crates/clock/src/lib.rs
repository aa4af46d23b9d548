//! Time, read in one place (ARCHITECTURE principle 2). Agents never call the wall clock
//! themselves: they hold a [`Clock`], which is live, follows the exchange's server time (a
//! replay runs N× real time), or is set by a backtest.
//!
//! - [`Clock`]: the trait; seconds since the Unix epoch, UTC.
//! - [`LiveClock`], [`FollowedClock`], [`SimClock`]: the three sources.
//! - [`ServiceClock`]: an agent's clock as configured — live, or following a source the
//!   agent reads (the exchange's server time) at most so often.

use std::{
    fmt::Debug,
    sync::{
        Mutex,
        atomic::{AtomicI64, Ordering},
    },
};

use tokio::time::Instant;

pub trait Clock: Send + Sync + Debug {
    /// Now, in Unix seconds (UTC).
    fn now(&self) -> i64;

    /// Start of the hour containing now: the open time of the current, unfinished candle.
    fn current_hour(&self) -> i64 {
        self.now().div_euclid(3600) * 3600
    }
}

/// The machine's wall clock: the only place the service reads it.
#[derive(Debug, Default, Clone, Copy)]
pub struct LiveClock;

impl Clock for LiveClock {
    #[allow(clippy::disallowed_methods)] // the one sanctioned wall-clock read
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// Follows a time source observed from time to time (the exchange's `/0/public/Time`),
/// running between observations at the rate measured between the last two: a replay at
/// 3600× advances an hour per real second, and so does this clock.
#[derive(Debug)]
pub struct FollowedClock {
    state: Mutex<Follow>,
    /// The largest time handed out: the clock never runs backwards, even when a new reading
    /// shows the rate was overestimated.
    high_water: AtomicI64,
}

/// Rates are measured over at least this much real time: readings have one-second
/// resolution, so shorter spans give wild rates.
const MIN_RATE_SPAN_SECS: f64 = 2.0;

#[derive(Debug, Clone, Copy)]
struct Follow {
    seen: i64,
    at: Instant,
    /// Source seconds per real second.
    rate: f64,
}

impl FollowedClock {
    pub fn new(first: i64) -> Self {
        Self {
            state: Mutex::new(Follow {
                seen: first,
                at: Instant::now(),
                rate: 1.0,
            }),
            high_water: AtomicI64::new(first),
        }
    }

    /// A fresh reading of the source. Readings closer together than two real seconds are
    /// ignored (the clock keeps extrapolating); older readings never move it backwards.
    pub fn observe(&self, seen: i64) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let real = now.duration_since(s.at).as_secs_f64();
        if real < MIN_RATE_SPAN_SECS || seen < s.seen {
            return;
        }
        let rate = if seen > s.seen {
            (seen - s.seen) as f64 / real
        } else {
            s.rate
        };
        *s = Follow {
            seen,
            at: now,
            rate,
        };
    }

    pub fn rate(&self) -> f64 {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).rate
    }
}

impl Clock for FollowedClock {
    fn now(&self) -> i64 {
        let s = *self.state.lock().unwrap_or_else(|e| e.into_inner());
        let t = s.seen + (Instant::now().duration_since(s.at).as_secs_f64() * s.rate) as i64;
        self.high_water.fetch_max(t, Ordering::SeqCst).max(t)
    }
}

/// A simulated clock: `now = base + real time elapsed since it started × speed`, rounded
/// down to the whole second. At speed 0 it moves only when [`SimClock::set`] is called
/// (backtests and tests); `cst replay-exchange` runs one at N× real time. Real time comes
/// from [`tokio::time::Instant`], never the wall clock, so tests can pause and advance it,
/// and a replay is unaffected by the host's clock being set or skewed.
#[derive(Debug)]
pub struct SimClock {
    /// Simulated Unix seconds at `origin`.
    base: AtomicI64,
    /// Simulated seconds per real second.
    speed: f64,
    origin: Instant,
}

/// A speed that is not finite or below 0: the simulated past never changes, so a clock may
/// stand still but never run backwards.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("a simulated clock's speed must be finite and at least 0, got {0}")]
pub struct SpeedError(pub f64);

impl SimClock {
    /// A clock standing at `start` until set.
    pub fn new(start: i64) -> Self {
        Self {
            base: AtomicI64::new(start),
            speed: 0.0,
            origin: Instant::now(),
        }
    }

    /// A clock at `start` now, running `speed` simulated seconds per real second.
    pub fn running(start: i64, speed: f64) -> Result<Self, SpeedError> {
        if !speed.is_finite() || speed < 0.0 {
            return Err(SpeedError(speed));
        }
        Ok(Self {
            speed,
            ..Self::new(start)
        })
    }

    /// Moves a clock that stands still to `t`.
    pub fn set(&self, t: i64) {
        self.base.store(t, Ordering::SeqCst);
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }
}

impl Clock for SimClock {
    fn now(&self) -> i64 {
        let simulated = self.origin.elapsed().as_secs_f64() * self.speed;
        // `as` saturates; i64::MAX seconds is far beyond any recording.
        self.base
            .load(Ordering::SeqCst)
            .saturating_add(simulated.floor() as i64)
    }
}

/// A clock following a source has no time until its first good reading: the last
/// reading's failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NoTime(pub String);

/// An agent's service clock: the machine's, or a [`FollowedClock`] on a time source the
/// agent reads itself (this crate knows no exchange), at most every `every` and running at
/// the observed rate in between. The collector and the health agent share it.
#[derive(Debug)]
pub enum ServiceClock {
    Live,
    Following {
        clock: Option<FollowedClock>,
        /// Why there is no time yet (the last failed reading).
        error: String,
        read: Option<Instant>,
        every: std::time::Duration,
    },
}

impl ServiceClock {
    /// Follows a source read at most every `every` (zero: at every call).
    pub fn following(every: std::time::Duration) -> Self {
        ServiceClock::Following {
            clock: None,
            error: "the source's time was not read yet".into(),
            read: None,
            every,
        }
    }

    /// Now. When a reading is due, `read` fetches the source's time; a failed reading leaves
    /// the clock running on the last good one, and is the answer only when there is none.
    pub async fn now_reading<F, Fut, E>(&mut self, read: F) -> Result<i64, NoTime>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<i64, E>>,
        E: std::fmt::Display,
    {
        match self {
            ServiceClock::Live => Ok(LiveClock.now()),
            ServiceClock::Following {
                clock,
                error,
                read: last,
                every,
            } => {
                if clock.is_none() || last.is_none_or(|r| r.elapsed() >= *every) {
                    *last = Some(Instant::now());
                    match read().await {
                        Ok(t) => match clock {
                            Some(c) => c.observe(t),
                            None => *clock = Some(FollowedClock::new(t)),
                        },
                        Err(e) => *error = e.to_string(),
                    }
                }
                clock
                    .as_ref()
                    .map(|c| c.now())
                    .ok_or_else(|| NoTime(error.clone()))
            }
        }
    }

    /// The clock itself, once it has a time.
    pub fn clock(&self) -> Option<&dyn Clock> {
        match self {
            ServiceClock::Live => Some(&LiveClock),
            ServiceClock::Following { clock, .. } => clock.as_ref().map(|c| c as &dyn Clock),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn runs_speed_times_real_time() {
        let clock = SimClock::running(1_704_067_200, 3600.0).unwrap();
        assert_eq!(clock.now(), 1_704_067_200);
        tokio::time::advance(Duration::from_millis(2500)).await;
        assert_eq!(clock.now(), 1_704_067_200 + 9000);
    }

    #[tokio::test(start_paused = true)]
    async fn speed_zero_stands_still_until_set() {
        let clock = SimClock::running(100, 0.0).unwrap();
        tokio::time::advance(Duration::from_secs(60)).await;
        assert_eq!(clock.now(), 100);
        let set = SimClock::new(100);
        set.set(7200);
        assert_eq!((set.now(), set.current_hour()), (7200, 7200));
    }

    #[test]
    fn a_clock_cannot_run_backwards_or_be_undefined() {
        for speed in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(SimClock::running(0, speed).is_err(), "{speed}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_followed_clock_runs_at_the_observed_rate() {
        let clock = FollowedClock::new(1_704_067_200);
        tokio::time::advance(Duration::from_secs(2)).await;
        // The source moved 2 hours in 2 real seconds: a 3600× replay.
        clock.observe(1_704_067_200 + 7200);
        assert_eq!(clock.rate(), 3600.0);
        tokio::time::advance(Duration::from_millis(500)).await;
        assert_eq!(clock.now(), 1_704_067_200 + 7200 + 1800);
        assert_eq!(clock.current_hour(), 1_704_067_200 + 7200);
    }

    #[tokio::test(start_paused = true)]
    async fn it_never_runs_backwards_and_ignores_readings_too_close_together() {
        let clock = FollowedClock::new(1000);
        tokio::time::advance(Duration::from_secs(3)).await;
        clock.observe(900);
        assert_eq!(clock.now(), 1003);
        // The source ran at 10x: the clock follows.
        clock.observe(1030);
        tokio::time::advance(Duration::from_secs(3)).await;
        assert_eq!(clock.now(), 1060);
        // A reading showing the source paused lowers the rate but never the time handed out.
        clock.observe(1030);
        assert_eq!(clock.now(), 1060);
        // Readings less than two seconds apart do not change the rate.
        tokio::time::advance(Duration::from_millis(500)).await;
        clock.observe(5000);
        assert_ne!(clock.now(), 5000);
    }

    #[test]
    fn the_live_clock_is_after_2024_and_the_sim_clock_obeys() {
        assert!(LiveClock.now() > 1_704_067_200);
        let sim = SimClock::new(5);
        sim.set(7200 + 5);
        assert_eq!((sim.now(), sim.current_hour()), (7205, 7200));
    }

    #[tokio::test(start_paused = true)]
    async fn a_service_clock_reads_its_source_at_most_so_often_and_runs_on_between() {
        let mut clock = ServiceClock::following(Duration::from_secs(5));
        let failed = clock
            .now_reading(|| async { Err("down".to_string()) })
            .await;
        assert_eq!(failed, Err(NoTime("down".into())));
        assert!(clock.clock().is_none());
        let reads = std::cell::Cell::new(0);
        let source = |t: i64| {
            reads.set(reads.get() + 1);
            async move { Ok::<i64, String>(t) }
        };
        assert_eq!(clock.now_reading(|| source(1_000)).await, Ok(1_000));
        tokio::time::advance(Duration::from_secs(2)).await;
        // Not due: no reading; the clock runs on (at 1x until a rate is observed).
        assert_eq!(clock.now_reading(|| source(9_999)).await, Ok(1_002));
        assert_eq!(reads.get(), 1);
        tokio::time::advance(Duration::from_secs(4)).await;
        // Due: the source says 8,200 after 6 s, a 1,200x replay.
        assert_eq!(clock.now_reading(|| source(8_200)).await, Ok(8_200));
        // A failed reading keeps the clock running on the last good one.
        tokio::time::advance(Duration::from_secs(6)).await;
        let t = clock
            .now_reading(|| async { Err("down".to_string()) })
            .await
            .unwrap();
        assert_eq!(t, 8_200 + 6 * 1_200);
        assert_eq!(clock.clock().unwrap().now(), t);
    }
}
