//! Ticker: one entry per requested pair, keyed by Kraken's pair name.

use serde::Deserialize;
use serde_json::Value;

use crate::kraken::envelope;
use crate::kraken::row::Ctx;
use crate::model::Ticker;
use crate::{Endpoint, ExchangeError};

/// Kraken's single-letter fields; each is `[today, last 24 hours]` or `[price, volume, ...]`.
#[derive(Deserialize)]
struct Raw {
    a: Vec<Value>,
    b: Vec<Value>,
    c: Vec<Value>,
    v: Vec<Value>,
    p: Vec<Value>,
    t: Vec<Value>,
    l: Vec<Value>,
    h: Vec<Value>,
    o: Value,
}

/// `requested` is the comma-separated pair list as sent. Sorted by pair.
pub fn ticker(body: &[u8], requested: &str) -> Result<Vec<Ticker>, ExchangeError> {
    let endpoint = Endpoint::Ticker;
    let result = envelope::open(endpoint, requested, body)?;
    let map: std::collections::BTreeMap<String, Raw> = super::typed(endpoint, result)?;
    map.into_iter()
        .map(|(pair, raw)| one(Ctx::new(endpoint, &pair), &raw).map(|t| Ticker { pair, ..t }))
        .collect()
}

fn one(ctx: Ctx<'_>, raw: &Raw) -> Result<Ticker, ExchangeError> {
    Ok(Ticker {
        pair: String::new(),
        ask: ctx.num(&raw.a, 0, "ask")?,
        ask_volume: ctx.num(&raw.a, 2, "ask_volume")?,
        bid: ctx.num(&raw.b, 0, "bid")?,
        bid_volume: ctx.num(&raw.b, 2, "bid_volume")?,
        last: ctx.num(&raw.c, 0, "last")?,
        last_volume: ctx.num(&raw.c, 1, "last_volume")?,
        volume_today: ctx.num(&raw.v, 0, "volume_today")?,
        volume_24h: ctx.num(&raw.v, 1, "volume_24h")?,
        vwap_today: ctx.num(&raw.p, 0, "vwap_today")?,
        vwap_24h: ctx.num(&raw.p, 1, "vwap_24h")?,
        trades_today: ctx.count(&raw.t, 0, "trades_today")?,
        trades_24h: ctx.count(&raw.t, 1, "trades_24h")?,
        low_today: ctx.num(&raw.l, 0, "low_today")?,
        low_24h: ctx.num(&raw.l, 1, "low_24h")?,
        high_today: ctx.num(&raw.h, 0, "high_today")?,
        high_24h: ctx.num(&raw.h, 1, "high_24h")?,
        open_today: ctx.num(std::slice::from_ref(&raw.o), 0, "open_today")?,
    })
}
