//! What the exchange answered, parsed and checked: numbers are finite `f64`, integers stay
//! integers, and `pair` is always the exchange's own result key (Kraken: `XXBTZUSD`).
//!
//! - [`pairs`]: [`AssetPairs`], the tradeable pairs and the ones skipped, with the reason.
//! - [`book`]: [`Ticker`] and [`OrderBook`].
//! - [`trades`]: [`TradesPage`] with its paging cursor.
//! - [`ohlc`]: [`OhlcPage`], closed candles apart from the unfinished one.
//! - [`orders`]: the private order calls: [`OrderRequest`], [`Placed`], [`OrderInfo`].

pub mod book;
pub mod ohlc;
pub mod orders;
pub mod pairs;
pub mod trades;

pub use book::{BookLevel, OrderBook, Ticker};
pub use ohlc::{OhlcPage, OhlcRow};
pub use orders::{OrderInfo, OrderRequest, OrderStatus, Placed};
pub use pairs::{AssetPair, AssetPairs, SkipReason, SkippedPair};
pub use trades::{OrderKind, Side, Trade, TradesPage};

/// The exchange's clock; the replay clock follows it and drift against it is a health signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerTime {
    /// Unix seconds.
    pub unixtime: i64,
    /// The same instant as text, kept for logs (`Tue, 11 Nov 25 00:17:04 +0000`).
    pub rfc1123: String,
}

/// Whether the exchange is trading; anything but `online` means data may stall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemStatus {
    /// `online`, `maintenance`, `cancel_only` or `post_only`.
    pub status: String,
    /// RFC 3339 text as sent (`2025-11-11T00:17:10Z`).
    pub timestamp: String,
}

impl SystemStatus {
    pub fn is_online(&self) -> bool {
        self.status == "online"
    }
}
