//! Kraken spot public REST.
//!
//! - [`config`]: [`KrakenConfig`], [`RetryPolicy`], [`BreakerPolicy`].
//! - `client`: [`KrakenClient`] and its request path (gate, retries, breaker, status codes).
//! - `api`: the [`Exchange`](crate::Exchange) methods and their argument checks.
//! - `envelope`: Kraken's `{"error", "result"}` envelope and its error strings.
//! - `row`: checked readers for positional rows and decimal strings.
//! - [`decode`]: one decoder per endpoint, usable on captured bodies.
//! - [`sign`]: private-API `API-Sign` and [`Credentials`].

mod api;
mod client;
pub mod config;
pub mod decode;
mod envelope;
mod row;
pub mod sign;

pub use api::{MAX_DEPTH, OHLC_INTERVALS};
pub use client::KrakenClient;
pub use config::{BreakerPolicy, KRAKEN_API_URL, KrakenConfig, RetryPolicy};
pub use sign::{Credentials, api_sign};
