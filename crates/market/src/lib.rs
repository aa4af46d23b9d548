//! Market data as every crate sees it, and the rules it must satisfy before it is stored.
//!
//! - [`candle`]: [`Candle`], [`Timeframe`] and [`Rejection`]: a candle is checked before it
//!   is stored; a bad one is rejected with its reason, never repaired.
//! - [`trade`]: public trades and order-book levels, with their own integrity rules.
//! - [`pair`]: [`PairName`]: `BASE/QUOTE`, parsed from the names files and exchanges use.

pub mod candle;
pub mod pair;
pub mod trade;

pub use candle::{Candle, Rejection, Timeframe};
pub use pair::PairName;
pub use trade::{BookLevel, Trade, TradeRejection};
