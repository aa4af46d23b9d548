//! `OHLC`: the recorded 1-hour candles up to the simulated now, in Kraken's row format.
//!
//! - Closed rows: candles that opened in the 720 hours before the current one (Kraken keeps
//!   720 intervals reachable over REST; `http_ohlc.json` has 720 closed rows plus the
//!   current one), after `since` when given. Hours the recording lacks have no row.
//! - The last row is the current hour's candle, **the full recorded candle**, not a partial
//!   one: its high, low, close and volume are where the hour will end, which a live
//!   exchange could not know yet. The client splits it off as unfinished and the service
//!   never stores it; nothing else may read it as the present price. If the recording has
//!   no candle for the current hour (an outage), there is no unfinished row.
//! - `vwap` is `"0.0"` and `count` 0: the recording has neither. The client reads count 0
//!   as "no vwap" (`OhlcRow::vwap` is `None`), which is the truth here; but count 0 does
//!   not mean "no trades" in a replay.
//! - `last`: the open time of the newest closed candle in the window, the cursor to pass as
//!   `since`; if the window has none, `since` as given, else the hour before the current.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use cst_market::Candle;
use serde_json::{Map, Value, json};

use super::reply::{Params, Reply, UNKNOWN_PAIR, error, invalid, ok, params};
use crate::Replay;
use crate::clock::hour_of;
use crate::series::Series;

/// Closed hours reachable before the current one.
pub const WINDOW_HOURS: i64 = 720;

use cst_market::HOUR;

pub async fn ohlc(
    State(replay): State<Arc<Replay>>,
    query: Result<Query<Params>, QueryRejection>,
) -> Reply {
    let params = match params(query) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let Some(name) = params.pair.as_deref() else {
        return invalid("pair");
    };
    // Kraken's default interval is 1 minute; a 1-hour recording can serve only 60.
    if params.interval.as_deref().unwrap_or("1").trim() != "60" {
        return invalid("interval: this replay records 60-minute candles only");
    }
    let since = match params.since.as_deref().map(|s| s.trim().parse::<i64>()) {
        None => None,
        Some(Ok(since)) => Some(since),
        Some(Err(_)) => return invalid("since"),
    };
    let now = replay.now();
    let Some(series) = replay.find(name, now) else {
        return error(UNKNOWN_PAIR);
    };
    let current = hour_of(now);
    let window = current - WINDOW_HOURS * HOUR;
    let from = since.map_or(window, |s| window.max(s.saturating_add(1)));
    let closed = series.between(from, current);
    let unfinished = series.at(current).filter(|c| c.open_time >= from);
    let last = series
        .between(window, current)
        .last()
        .map(|c| c.open_time)
        .or(since)
        .unwrap_or(current - HOUR);
    let rows: Vec<Value> = closed
        .iter()
        .chain(unfinished)
        .map(|c| row(series, c))
        .collect();
    let mut result = Map::new();
    result.insert(series.altname(), Value::Array(rows));
    result.insert("last".into(), json!(last));
    ok(Value::Object(result))
}

/// `[time, open, high, low, close, vwap, volume, count]`, strings where Kraken uses them.
fn row(series: &Series, c: &Candle) -> Value {
    json!([
        c.open_time,
        series.price(c.open),
        series.price(c.high),
        series.price(c.low),
        series.price(c.close),
        "0.0",
        series.volume(c.volume),
        0
    ])
}
