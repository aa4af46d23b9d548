//! Market data as every crate sees it, and the rules it must satisfy before it is stored.
//!
//! - [`candle`]: [`Candle`], [`Timeframe`] and [`Rejection`]: a candle is checked before it
//!   is stored; a bad one is rejected with its reason, never repaired.
//! - [`trade`]: public trades and order-book levels, with their own integrity rules.
//! - [`pair`]: [`PairName`]: `BASE/QUOTE`, parsed from the names files and exchanges use.

pub mod candle;
pub mod pair;
pub mod trade;

pub use candle::{Candle, FIRST_MARKET, Rejection, Timeframe};

/// Seconds in an hour and in a day: the one definition every crate uses (decision times are
/// hour boundaries in Unix seconds).
pub const HOUR: i64 = 3600;
pub const DAY: i64 = 24 * HOUR;
pub use pair::PairName;
pub use trade::{BookLevel, Trade, TradeRejection};
