//! Whale activity from stored public trades and depth snapshots: pure computation, no I/O,
//! no clock. The feature pipeline reads the store and calls these per pair and hour.
//!
//! - [`large`]: [`WhaleDetector`] and [`classify`]: a trade is a whale when its USD notional
//!   exceeds `max(usd_floor, k × median notional of the preceding trades)`; before enough
//!   history exists a trade is explicitly [`Verdict::Warmup`], never "not a whale".
//! - [`median`]: [`RollingMedian`], the O(log n) sliding-window median behind it.
//! - [`flow`]: [`HourlyFlow`] per hour `[h, h+3600)`: whale buy/sell USD, net flow and
//!   whale share, scale-free; [`HourFlow`] says when an hour has no trades or no verdicts.
//! - [`book`]: [`Book`] (a validated depth snapshot) and [`BookStats`]: top-N imbalance,
//!   mid, spread in bps.
//! - [`spoof`]: large resting orders that vanished between two snapshots without a trade at
//!   or through their price, per pair of snapshots; [`spoof_hour`] sums them per hour.
//! - [`error`]: [`WhaleError`], [`BookError`], [`ConfigError`]: bad input is a typed
//!   error, never silently dropped.

pub mod book;
pub mod error;
pub mod flow;
pub mod large;
pub mod median;
pub mod spoof;
pub mod spoof_hour;

pub use book::{Book, BookStats, Side};
pub use error::{BookError, ConfigError, ConfigIssue, WhaleError};
pub use flow::{HourFlow, HourlyFlow, hourly_flow, hourly_flows};
pub use large::{Classified, DetectorConfig, Verdict, WhaleDetector, classify};
pub use median::RollingMedian;
pub use spoof::{SpoofCandidate, SpoofConfig, spoof_candidates};
pub use spoof_hour::{SpoofHour, hourly_spoofing};

/// Seconds in the hours this crate buckets by; hours start at multiples of it (UTC).
pub const HOUR_SECS: i64 = 3600;
const NS_PER_SEC: i64 = 1_000_000_000;
