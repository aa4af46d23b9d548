//! The API's handlers, one module per page's data, and what they share.
//!
//! - [`health`]: `/api/health`, `/api/readiness`.
//! - [`market`]: `/api/pairs`, `/api/coin`, `/api/data`.
//! - [`ml`]: `/api/opportunities`, `/api/predictions`, `/api/models`.
//! - [`trading`]: `/api/portfolio`, `/api/backtests`.

pub mod health;
pub mod market;
pub mod ml;
pub mod trading;

use cst_config::Config;
use cst_market::Timeframe;
use cst_store::{CandleKey, Store};

use crate::server::{ApiError, Params};

/// The pairs the service follows: the exchange's live listing and every stored hourly
/// series of the configured exchange (imported history has no listing).
pub fn known_pairs(store: &Store, config: &Config) -> Result<Vec<String>, ApiError> {
    let exchange = &config.collector.exchange;
    let mut pairs: Vec<String> = store
        .active_pairs(exchange)
        .map_err(ApiError::internal)?
        .into_iter()
        .map(|p| p.pair)
        .collect();
    pairs.extend(
        store
            .candle_keys()
            .map_err(ApiError::internal)?
            .into_iter()
            .filter(|k| &k.exchange == exchange && k.timeframe == Timeframe::H1)
            .map(|k| k.pair),
    );
    pairs.sort();
    pairs.dedup();
    Ok(pairs)
}

/// `?pair=`: present, and a pair the service knows.
pub fn pair_param(store: &Store, config: &Config, params: &Params) -> Result<String, ApiError> {
    let pair = params
        .get("pair")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                "the pair parameter is missing: ?pair=BASE/QUOTE (see /api/pairs)",
            )
        })?;
    if !known_pairs(store, config)?.contains(&pair) {
        return Err(ApiError::not_found(format!(
            "unknown pair {pair:?}: /api/pairs lists the pairs this service follows"
        )));
    }
    Ok(pair)
}

/// The hourly candle key of `pair` on the configured exchange.
pub fn hourly(config: &Config, pair: &str) -> CandleKey {
    CandleKey::new(&config.collector.exchange, pair, Timeframe::H1)
}

/// How many configured horizons have an active model.
pub fn models_active(store: &Store, config: &Config) -> Result<usize, ApiError> {
    let mut n = 0;
    for &h in &config.ml.horizons_h {
        if store.active_model(h).map_err(ApiError::internal)?.is_some() {
            n += 1;
        }
    }
    Ok(n)
}
