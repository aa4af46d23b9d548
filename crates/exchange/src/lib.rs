//! Exchange market data behind one trait, the Kraken public REST client implementing it, and
//! the Kraken private client that places the live portfolio's orders.
//!
//! Everything the exchange sends is checked on the way in: numbers must be finite, rows must
//! have their fields, Kraken's error strings become typed errors, and the still-forming
//! candle is kept apart from closed ones. Nothing is repaired or filled in.
//!
//! - [`exchange`]: the [`Exchange`] trait (live, replay and later exchanges).
//! - [`model`]: what the endpoints return ([`OhlcPage`], [`TradesPage`], [`AssetPairs`], …).
//! - [`kraken`]: [`KrakenClient`], [`PrivateClient`], their configuration, decoders and request
//!   signing.
//! - [`limiter`]: [`RateGate`], the spacing between public requests.
//! - [`breaker`]: [`CircuitBreaker`], one per [`Endpoint`], failing fast during outages.
//! - [`endpoint`]: [`Endpoint`], the operation named in errors and logs.
//! - [`error`]: [`ExchangeError`] and which failures are worth retrying.

pub mod breaker;
pub mod endpoint;
pub mod error;
pub mod exchange;
pub mod kraken;
pub mod limiter;
pub mod model;

pub use breaker::{BreakerPolicy, CircuitBreaker};
pub use endpoint::Endpoint;
pub use error::ExchangeError;
pub use exchange::{Exchange, TimeUnreadable, unix_time};
pub use kraken::{Credentials, KrakenClient, KrakenConfig, PrivateClient, RetryPolicy, api_sign};
pub use limiter::RateGate;
pub use model::{
    AssetPair, AssetPairs, BookLevel, OhlcPage, OhlcRow, OrderBook, OrderInfo, OrderKind,
    OrderRequest, OrderStatus, Placed, ServerTime, Side, SkipReason, SkippedPair, SystemStatus,
    Ticker, Trade, TradesPage, orders::cl_ord_id,
};
