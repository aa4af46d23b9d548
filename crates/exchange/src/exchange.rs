//! The trait every market-data source implements: Kraken now, a replay exchange offline,
//! other exchanges later. Agents hold an `impl Exchange`, so live and replay share one path.

use std::future::Future;

use crate::ExchangeError;
use crate::model::{AssetPairs, OhlcPage, OrderBook, ServerTime, SystemStatus, Ticker, TradesPage};

/// Public market data. Methods return `Send` futures so callers can spawn them on tokio.
/// Pair arguments are whatever the exchange accepts (Kraken: `XBTUSD` or `XXBTZUSD`); pairs
/// in results are the exchange's own keys, as listed by [`Exchange::asset_pairs`].
pub trait Exchange: Send + Sync {
    fn server_time(&self) -> impl Future<Output = Result<ServerTime, ExchangeError>> + Send;

    fn system_status(&self) -> impl Future<Output = Result<SystemStatus, ExchangeError>> + Send;

    /// Online pairs quoted in any of `quotes` (`["USD", "EUR"]`), plus those left out and why.
    fn asset_pairs(
        &self,
        quotes: &[&str],
    ) -> impl Future<Output = Result<AssetPairs, ExchangeError>> + Send;

    /// One request for all `pairs`; one unknown pair fails the whole request.
    fn ticker(
        &self,
        pairs: &[&str],
    ) -> impl Future<Output = Result<Vec<Ticker>, ExchangeError>> + Send;

    /// Up to `count` levels per side (Kraken: 1..=500).
    fn depth(
        &self,
        pair: &str,
        count: u32,
    ) -> impl Future<Output = Result<OrderBook, ExchangeError>> + Send;

    /// Trades after `since_ns` (the previous page's `last_ns`), or the most recent ones.
    fn trades(
        &self,
        pair: &str,
        since_ns: Option<i64>,
    ) -> impl Future<Output = Result<TradesPage, ExchangeError>> + Send;

    /// Candles of `interval_minutes` after `since` (Unix seconds; the previous page's `last`).
    fn ohlc(
        &self,
        pair: &str,
        interval_minutes: u32,
        since: Option<i64>,
    ) -> impl Future<Output = Result<OhlcPage, ExchangeError>> + Send;
}

/// The exchange's time in Unix seconds: the reading a service clock following it takes.
pub async fn unix_time(exchange: &impl Exchange) -> Result<i64, TimeUnreadable> {
    exchange
        .server_time()
        .await
        .map(|t| t.unixtime)
        .map_err(TimeUnreadable)
}

/// The exchange's time could not be read (its error says why).
#[derive(Debug, thiserror::Error)]
#[error("cannot read the exchange's time: {0}")]
pub struct TimeUnreadable(#[source] pub ExchangeError);
