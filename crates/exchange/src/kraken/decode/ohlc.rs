//! OHLC: closed candles, the unfinished one split off, and the `last` cursor.

use serde_json::Value;

use super::single_pair;
use crate::kraken::envelope;
use crate::kraken::row::Ctx;
use crate::model::{OhlcPage, OhlcRow};
use crate::{Endpoint, ExchangeError};

pub fn ohlc(body: &[u8], requested: &str) -> Result<OhlcPage, ExchangeError> {
    let endpoint = Endpoint::Ohlc;
    let result = envelope::open(endpoint, requested, body)?;
    let (pair, rows, last) = single_pair(endpoint, requested, result)?;
    let ctx = Ctx::new(endpoint, &pair);
    let rows = rows
        .as_array()
        .ok_or_else(|| ctx.shape("candles are not an array"))?;
    let mut closed = rows
        .iter()
        .map(|row| candle(ctx, ctx.row(row, 8, "candle")?))
        .collect::<Result<Vec<_>, _>>()?;
    let last = last.ok_or_else(|| ctx.shape("last is missing"))?;
    let last = ctx.int(std::slice::from_ref(&last), 0, "last")?;
    // The unfinished candle is the row after `last`, the newest committed one. When the
    // exchange has no candle for the current hour (an outage), there is no such row, and
    // the newest row is a closed candle that must not be thrown away.
    // Rows after `last` are not committed: the newest is the unfinished candle, and any
    // other (should the exchange lag) is dropped rather than taken as final.
    let mut uncommitted: Vec<OhlcRow> = closed.iter().filter(|r| r.time > last).copied().collect();
    closed.retain(|r| r.time <= last);
    let unfinished = uncommitted.pop();
    Ok(OhlcPage {
        last,
        pair,
        closed,
        unfinished,
    })
}

/// `[time, open, high, low, close, vwap, volume, count]`.
fn candle(ctx: Ctx<'_>, row: &[Value]) -> Result<OhlcRow, ExchangeError> {
    let time = ctx.int(row, 0, "time")?;
    let open = ctx.num(row, 1, "open")?;
    let high = ctx.num(row, 2, "high")?;
    let low = ctx.num(row, 3, "low")?;
    let close = ctx.num(row, 4, "close")?;
    let vwap = ctx.num(row, 5, "vwap")?;
    let volume = ctx.num(row, 6, "volume")?;
    let count = ctx.count(row, 7, "count")?;
    Ok(OhlcRow {
        time,
        open,
        high,
        low,
        close,
        vwap: (count > 0).then_some(vwap),
        volume,
        count,
    })
}
