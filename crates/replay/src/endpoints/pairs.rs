//! `AssetPairs`: the pairs whose first recorded candle opened at or before the simulated
//! now, so pairs appear as they listed.
//!
//! Only fields the recording can support are sent. Real: `altname`, `wsname`, `base`,
//! `quote` (from the file name), `pair_decimals` and `lot_decimals` (the most decimals any
//! recorded price or volume has). Structural, with the values of Kraken's own capture:
//! `aclass_base`/`aclass_quote` `currency`, `lot` `unit`, `lot_multiplier` 1, and `status`
//! `online`, since the recording cannot tell when trading was restricted. Left out because
//! the data says nothing about them and the client treats them as optional: `cost_decimals`,
//! `ordermin`, `costmin`, `tick_size`, fees, leverage and margin fields.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde_json::{Map, Value, json};

use super::chosen_pairs;
use super::reply::{Params, Reply, ok, params};
use crate::Replay;
use crate::series::Series;

/// All listed pairs, or those named in `pair=A,B`; one unknown or not yet listed pair
/// refuses the whole request, as Kraken does.
pub async fn asset_pairs(
    State(replay): State<Arc<Replay>>,
    query: Result<Query<Params>, QueryRejection>,
) -> Reply {
    let params = match params(query) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let chosen = match chosen_pairs(&replay, params.pair.as_deref(), replay.now()) {
        Ok(chosen) => chosen,
        Err(reply) => return reply,
    };
    let result: Map<String, Value> = chosen
        .into_iter()
        .map(|s| (s.altname(), describe(s)))
        .collect();
    ok(Value::Object(result))
}

fn describe(series: &Series) -> Value {
    let (base, quote) = (&series.pair.base, &series.pair.quote);
    json!({
        "altname": series.altname(),
        "wsname": format!("{base}/{quote}"),
        "aclass_base": "currency",
        "base": base,
        "aclass_quote": "currency",
        "quote": quote,
        "lot": "unit",
        "pair_decimals": series.price_decimals(),
        "lot_decimals": series.volume_decimals(),
        "lot_multiplier": 1,
        "status": "online",
    })
}
