//! [`Exchange`] for [`KrakenClient`]: arguments are checked before any request is spent on
//! them, then each endpoint is one [`KrakenClient::call`] with its decoder.

use super::{KrakenClient, decode};
use crate::model::{AssetPairs, OhlcPage, OrderBook, ServerTime, SystemStatus, Ticker, TradesPage};
use crate::{Endpoint, Exchange, ExchangeError};

/// The candle sizes Kraken serves; anything else is `EGeneral:Invalid arguments`.
pub const OHLC_INTERVALS: [u32; 9] = [1, 5, 15, 30, 60, 240, 1440, 10080, 21600];

/// Kraken's depth limit per side.
pub const MAX_DEPTH: u32 = 500;

fn invalid(endpoint: Endpoint, detail: String) -> ExchangeError {
    ExchangeError::InvalidArguments { endpoint, detail }
}

impl Exchange for KrakenClient {
    async fn server_time(&self) -> Result<ServerTime, ExchangeError> {
        self.call(Endpoint::Time, &[], decode::server_time).await
    }

    async fn system_status(&self) -> Result<SystemStatus, ExchangeError> {
        self.call(Endpoint::SystemStatus, &[], decode::system_status)
            .await
    }

    async fn asset_pairs(&self, quotes: &[&str]) -> Result<AssetPairs, ExchangeError> {
        let pairs = self
            .call(Endpoint::AssetPairs, &[], |body| {
                decode::asset_pairs(body, quotes)
            })
            .await?;
        tracing::info!(
            ?quotes,
            kept = pairs.pairs.len(),
            skipped = pairs.skipped.len(),
            "asset pairs listed"
        );
        Ok(pairs)
    }

    async fn ticker(&self, pairs: &[&str]) -> Result<Vec<Ticker>, ExchangeError> {
        if pairs.is_empty() {
            return Err(invalid(Endpoint::Ticker, "no pairs given".into()));
        }
        let joined = pairs.join(",");
        let query = [("pair", joined.clone())];
        self.call(Endpoint::Ticker, &query, |body| {
            decode::ticker(body, &joined)
        })
        .await
    }

    async fn depth(&self, pair: &str, count: u32) -> Result<OrderBook, ExchangeError> {
        if !(1..=MAX_DEPTH).contains(&count) {
            let detail = format!("count {count} is outside 1..={MAX_DEPTH}");
            return Err(invalid(Endpoint::Depth, detail));
        }
        let query = [("pair", pair.to_owned()), ("count", count.to_string())];
        self.call(Endpoint::Depth, &query, |body| decode::depth(body, pair))
            .await
    }

    async fn trades(&self, pair: &str, since_ns: Option<i64>) -> Result<TradesPage, ExchangeError> {
        let mut query = vec![("pair", pair.to_owned())];
        query.extend(since_ns.map(|s| ("since", s.to_string())));
        self.call(Endpoint::Trades, &query, |body| decode::trades(body, pair))
            .await
    }

    async fn ohlc(
        &self,
        pair: &str,
        interval_minutes: u32,
        since: Option<i64>,
    ) -> Result<OhlcPage, ExchangeError> {
        if !OHLC_INTERVALS.contains(&interval_minutes) {
            let detail = format!("interval {interval_minutes} is not one of {OHLC_INTERVALS:?}");
            return Err(invalid(Endpoint::Ohlc, detail));
        }
        let mut query = vec![
            ("pair", pair.to_owned()),
            ("interval", interval_minutes.to_string()),
        ];
        query.extend(since.map(|s| ("since", s.to_string())));
        self.call(Endpoint::Ohlc, &query, |body| decode::ohlc(body, pair))
            .await
    }
}
