//! Market data: the pairs, a pair's candles with its sentiment and whale series, and data
//! coverage with the data-quality rejections.

use std::sync::Arc;

use axum::{Json, extract::State};
use cst_features::{BuildContext, Built, Group, stored};
use serde_json::{Value, json};

use super::{hourly, known_pairs, pair_param};
use crate::server::{ApiError, Params, Shared};

use cst_market::HOUR;

pub async fn pairs(State(shared): State<Arc<Shared>>) -> Result<Json<Value>, ApiError> {
    shared
        .read(|store, config| {
            Ok(Json(json!({
                "exchange": config.collector.exchange,
                "pairs": known_pairs(store, config)?,
            })))
        })
        .await
}

/// `?pair=P&hours=N`: the last N (default 720, at most 8760) hourly candles and, where the
/// deployment's FeatureSet has them, the decayed news sentiment and the 24 h whale net flow
/// at each candle's close (the feature builder's own values: what the models saw).
pub async fn coin(
    State(shared): State<Arc<Shared>>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let hours: i64 = match params.get("hours") {
        None => 720,
        Some(h) => h
            .parse()
            .ok()
            .filter(|h| (1..=8760).contains(h))
            .ok_or_else(|| {
                ApiError::bad_request(format!("hours {h:?} is not a whole number from 1 to 8760"))
            })?,
    };
    shared
        .read(move |store, config| {
            let pair = pair_param(store, config, &params)?;
            let key = hourly(config, &pair);
            let Some(newest) = store.latest_open_time(&key).map_err(ApiError::internal)? else {
                return Ok(Json(json!({
                    "pair": pair, "candles": [], "sentiment": [], "whale": [],
                    "note": "no hourly candle stored for this pair yet",
                })));
            };
            let from = newest - (hours - 1) * HOUR;
            let candles = store
                .candles_between(&key, from, newest + HOUR)
                .map_err(ApiError::internal)?;
            let rows: Vec<Value> = candles
                .iter()
                .map(|c| {
                    json!({"t": c.open_time, "open": c.open, "high": c.high,
                           "low": c.low, "close": c.close, "volume": c.volume})
                })
                .collect();
            let (sentiment, whale, note) = overlays(store, config, &pair, from, newest)?;
            Ok(Json(json!({
                "pair": pair, "candles": rows, "sentiment": sentiment, "whale": whale,
                "note": note,
            })))
        })
        .await
}

/// Sentiment and whale series, and a note naming what the deployment does not compute.
type Overlays = (Vec<Value>, Vec<Value>, Option<String>);

/// The sentiment and whale columns of the pair's feature rows, at candle open times (the
/// row at a candle's close describes the hour before it).
fn overlays(
    store: &cst_store::Store,
    config: &cst_config::Config,
    pair: &str,
    from: i64,
    newest: i64,
) -> Result<Overlays, ApiError> {
    let ctx = BuildContext::for_deployment(config, &config.collector.exchange, store)
        .map_err(ApiError::internal)?;
    let column = |group: Group, name: &str| {
        ctx.set
            .has(group)
            .then(|| ctx.set.names().iter().position(|n| *n == name))
            .flatten()
    };
    let (sent, whale) = (
        column(Group::Sentiment, "sent_decayed"),
        column(Group::Whale, "whale_net_flow_24h"),
    );
    let absent: Vec<&str> = [("sentiment", sent), ("whale", whale)]
        .iter()
        .filter(|(_, c)| c.is_none())
        .map(|(n, _)| *n)
        .collect();
    let note = (!absent.is_empty()).then(|| {
        format!(
            "{} not in this deployment's feature set ([features] groups)",
            absent.join(" and ")
        )
    });
    if sent.is_none() && whale.is_none() {
        return Ok((Vec::new(), Vec::new(), note));
    }
    // The rows the models were served where the service built them live; history before
    // that is built now by the same builder.
    let built = stored::read_or_build_rows(store, &ctx, pair, from + HOUR, newest + HOUR)
        .map_err(ApiError::internal)?;
    let series = |col: Option<usize>| -> Vec<Value> {
        let Some(col) = col else {
            return Vec::new();
        };
        built
            .iter()
            .filter_map(|(b, _)| match b {
                Built::Row(r) if r.values[col].is_finite() => {
                    Some(json!({"t": r.t - HOUR, "value": r.values[col]}))
                }
                _ => None,
            })
            .collect()
    };
    Ok((series(sent), series(whale), note))
}

pub async fn data(State(shared): State<Arc<Shared>>) -> Result<Json<Value>, ApiError> {
    shared
        .read(|store, config| {
            let coverage = store
                .latest_coverage(&config.collector.exchange)
                .map_err(ApiError::internal)?
                .map(|a| {
                    let missing: Vec<Value> = a
                        .missing
                        .iter()
                        .map(|m| match m.split_once(": ") {
                            Some((pair, reason)) => json!({"pair": pair, "reason": reason}),
                            None => json!({"pair": m, "reason": null}),
                        })
                        .collect();
                    json!({"at": a.at, "live": a.live, "covered": a.covered,
                           "fraction": a.fraction(), "missing": missing})
                });
            let mut rejections = Vec::new();
            let mut candles = Vec::new();
            for pair in known_pairs(store, config)? {
                let key = hourly(config, &pair);
                for (reason, count) in store.rejection_counts(&key).map_err(ApiError::internal)? {
                    rejections.push(json!({"pair": pair, "reason": reason, "count": count}));
                }
                candles.push(json!({
                    "pair": pair,
                    "count": store.candle_count(&key).map_err(ApiError::internal)?,
                    "first": store.earliest_open_time(&key).map_err(ApiError::internal)?,
                    "last": store.latest_open_time(&key).map_err(ApiError::internal)?,
                    "gaps": store.gaps(&key).map_err(ApiError::internal)?.len(),
                }));
            }
            Ok(Json(json!({
                "exchange": config.collector.exchange,
                "coverage": coverage,
                "rejections": rejections,
                "candles": candles,
            })))
        })
        .await
}
