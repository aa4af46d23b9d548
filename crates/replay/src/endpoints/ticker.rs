//! `Ticker`, derived only from recorded candles that have closed by the simulated now, so it
//! never reveals the rest of the current hour.
//!
//! | field | replay value |
//! |---|---|
//! | `c` last trade | the newest closed candle's close, with that candle's whole volume |
//! | `a`, `b` ask, bid | **not recorded: there is no order book and no spread.** Both are the `c` price with volumes `"0"`, only because the client's decoder requires them; never read a spread from a replay |
//! | `v` volume | sum over closed candles of today (since 00:00 UTC) and of the last 24 closed hours |
//! | `p` vwap | Σ close×volume / Σ volume over the same candles, an approximation from hourly candles; `"0"` if the volume is 0 |
//! | `t` trades | `0, 0`: the recording has no trade counts |
//! | `l`, `h` | low and high of the same candles; `"0"` when there is no candle |
//! | `o` today's open | the open of today's first recorded candle (its first trade, already past); `"0"` if none |
//!
//! Live Kraken's 24 hours roll up to the second; here they end at the current hour. A pair
//! listed in the current hour has no closed candle yet: its `c`, `a` and `b` are the current
//! candle's open (its first trade) with volume `"0"`.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use cst_market::Candle;
use serde_json::{Map, Value, json};

use super::chosen_pairs;
use super::reply::{Params, Reply, ok, params};
use crate::Replay;
use crate::clock::hour_of;
use crate::series::Series;

use cst_market::DAY;

/// All listed pairs, or those in `pair=A,B` (one unknown pair refuses the request).
pub async fn ticker(
    State(replay): State<Arc<Replay>>,
    query: Result<Query<Params>, QueryRejection>,
) -> Reply {
    let params = match params(query) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let now = replay.now();
    let chosen = match chosen_pairs(&replay, params.pair.as_deref(), now) {
        Ok(chosen) => chosen,
        Err(reply) => return reply,
    };
    let result: Map<String, Value> = chosen
        .into_iter()
        .map(|s| (s.altname(), one(s, now)))
        .collect();
    ok(Value::Object(result))
}

fn one(series: &Series, now: i64) -> Value {
    let current = hour_of(now);
    let day = now.div_euclid(DAY) * DAY;
    let today = Window::over(series.between(day, current));
    let last_24h = Window::over(series.between(current - DAY, current));
    let (last, last_volume) = match series.before(current) {
        Some(c) => (c.close, series.volume(c.volume)),
        // Listed this hour: the current candle's open is its first trade, already past.
        None => (series.at(current).map_or(0.0, |c| c.open), "0".to_owned()),
    };
    let open_today = series
        .between(day, current + 1)
        .first()
        .map_or(0.0, |c| c.open);
    let price = |v: f64| series.price(v);
    let pair = |w: fn(&Window) -> f64| json!([price(w(&today)), price(w(&last_24h))]);
    json!({
        "a": [price(last), "0", "0"],
        "b": [price(last), "0", "0"],
        "c": [price(last), last_volume],
        "v": [series.volume(today.volume), series.volume(last_24h.volume)],
        "p": pair(Window::vwap),
        "t": [0, 0],
        "l": pair(|w| w.low),
        "h": pair(|w| w.high),
        "o": price(open_today),
    })
}

/// Totals over a run of candles; prices are 0 when there is no candle to take them from.
#[derive(Debug, Default)]
struct Window {
    volume: f64,
    /// Σ close × volume, for the vwap.
    turnover: f64,
    low: f64,
    high: f64,
}

impl Window {
    fn over(candles: &[Candle]) -> Self {
        let mut w = Window {
            low: f64::INFINITY,
            ..Window::default()
        };
        for c in candles {
            w.volume += c.volume;
            w.turnover += c.close * c.volume;
            w.low = w.low.min(c.low);
            w.high = w.high.max(c.high);
        }
        if candles.is_empty() {
            w.low = 0.0;
        }
        w
    }

    fn vwap(&self) -> f64 {
        if self.volume > 0.0 {
            self.turnover / self.volume
        } else {
            0.0
        }
    }
}
