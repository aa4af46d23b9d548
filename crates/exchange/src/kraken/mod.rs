//! Kraken spot REST: public market data and the private order calls.
//!
//! - [`config`]: [`KrakenConfig`], [`RetryPolicy`], [`BreakerPolicy`].
//! - `client`: [`KrakenClient`] and its request path (gate, retries, breaker, status codes).
//! - `api`: the [`Exchange`](crate::Exchange) methods and their argument checks.
//! - `envelope`: Kraken's `{"error", "result"}` envelope and its error strings.
//! - `row`: checked readers for positional rows and decimal strings.
//! - [`decode`]: one decoder per endpoint, usable on captured bodies.
//! - [`sign`]: private-API `API-Sign` and [`Credentials`].
//! - `private`: [`PrivateClient`], the signed order calls.

mod api;
mod client;
pub mod config;
pub mod decode;
mod envelope;
mod private;
mod row;
pub mod sign;

pub use api::{MAX_DEPTH, OHLC_INTERVALS};
pub use client::KrakenClient;
pub use config::{BreakerPolicy, KRAKEN_API_URL, KrakenConfig, RetryPolicy};
pub use private::PrivateClient;
pub use sign::{Credentials, api_sign};
