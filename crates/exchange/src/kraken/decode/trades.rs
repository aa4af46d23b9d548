//! Trades: one page for one pair, plus the nanosecond cursor for the next.

use serde_json::Value;

use super::single_pair;
use crate::kraken::envelope;
use crate::kraken::row::Ctx;
use crate::model::{OrderKind, Side, Trade, TradesPage};
use crate::{Endpoint, ExchangeError};

pub fn trades(body: &[u8], requested: &str) -> Result<TradesPage, ExchangeError> {
    let endpoint = Endpoint::Trades;
    let result = envelope::open(endpoint, requested, body)?;
    let (pair, rows, last) = single_pair(endpoint, requested, result)?;
    let ctx = Ctx::new(endpoint, &pair);
    let rows = rows
        .as_array()
        .ok_or_else(|| ctx.shape("trades are not an array"))?;
    let trades = rows
        .iter()
        .map(|row| trade(ctx, ctx.row(row, 6, "trade")?))
        .collect::<Result<_, _>>()?;
    let last = last.ok_or_else(|| ctx.shape("last is missing"))?;
    Ok(TradesPage {
        last_ns: cursor(ctx, &last)?,
        pair,
        trades,
    })
}

/// `[price, volume, time, side, type, misc]`, plus a trade id in rows since 2022-ish.
fn trade(ctx: Ctx<'_>, row: &[Value]) -> Result<Trade, ExchangeError> {
    let side = match ctx.text(row, 3, "side")? {
        "b" => Side::Buy,
        "s" => Side::Sell,
        other => return Err(ctx.shape(format_args!("side {other:?} is neither b nor s"))),
    };
    let kind = match ctx.text(row, 4, "type")? {
        "m" => OrderKind::Market,
        "l" => OrderKind::Limit,
        other => return Err(ctx.shape(format_args!("type {other:?} is neither m nor l"))),
    };
    let id = match row.len() {
        6 => None,
        _ => Some(ctx.count(row, 6, "trade_id")?),
    };
    Ok(Trade {
        price: ctx.num(row, 0, "price")?,
        volume: ctx.num(row, 1, "volume")?,
        time: ctx.float(row, 2, "time")?,
        side,
        kind,
        misc: ctx.text(row, 5, "misc")?.to_owned(),
        id,
    })
}

/// `last` is a string of digits (nanoseconds); it is sent back verbatim as `since`.
fn cursor(ctx: Ctx<'_>, last: &Value) -> Result<i64, ExchangeError> {
    let parsed = match last {
        Value::String(text) if text.bytes().all(|b| b.is_ascii_digit()) => text.parse().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| ExchangeError::InvalidNumber {
        endpoint: ctx.endpoint,
        pair: ctx.pair.to_owned(),
        field: "last",
        value: last.to_string(),
        problem: "not a nanosecond cursor",
    })
}
