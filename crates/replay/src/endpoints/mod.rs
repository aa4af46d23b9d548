//! One handler per Kraken public endpoint, answering from the recording at the simulated now.
//!
//! - [`reply`]: the envelope, Kraken's error strings and the shared query parameters.
//! - [`time`] answers `Time` and `SystemStatus`.
//! - [`pairs`] answers `AssetPairs`.
//! - [`ohlc`] answers `OHLC`.
//! - [`ticker`] answers `Ticker`.
//! - `Depth` and `Trades` are refused: the recording has candles only.

pub mod ohlc;
pub mod pairs;
pub mod reply;
pub mod ticker;
pub mod time;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::Replay;
use crate::series::Series;
use reply::{Reply, UNKNOWN_PAIR, error, invalid, pair_list};

/// The detail of the refusal for order books and trades.
pub const UNRECORDED: &str = "no recorded order book/trades in this replay";

/// Kraken's public REST paths; any other path is a plain 404.
pub fn router(replay: Arc<Replay>) -> Router {
    Router::new()
        .route("/0/public/Time", get(time::time))
        .route("/0/public/SystemStatus", get(time::system_status))
        .route("/0/public/AssetPairs", get(pairs::asset_pairs))
        .route("/0/public/OHLC", get(ohlc::ohlc))
        .route("/0/public/Ticker", get(ticker::ticker))
        .route("/0/public/Depth", get(unrecorded))
        .route("/0/public/Trades", get(unrecorded))
        .with_state(replay)
}

/// `EGeneral:Invalid arguments:<why>`: not retryable and not counted against the endpoint's
/// circuit breaker by the client, and it says what is missing. An empty book or trade list
/// would look like a dead market instead.
async fn unrecorded() -> Reply {
    invalid(UNRECORDED)
}

/// Every listed pair when `pair` is absent; else the named ones, or the envelope refusing
/// the request if one of them is unknown or has not listed yet.
fn chosen_pairs<'r>(
    replay: &'r Replay,
    pair: Option<&str>,
    now: i64,
) -> Result<Vec<&'r Series>, Reply> {
    let Some(list) = pair else {
        return Ok(replay.listed(now).collect());
    };
    let names: Vec<&str> = pair_list(list).collect();
    if names.is_empty() {
        return Err(invalid("pair"));
    }
    names
        .into_iter()
        .map(|name| replay.find(name, now))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| error(UNKNOWN_PAIR))
}
