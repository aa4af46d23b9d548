//! Depth: an order-book snapshot for one pair.

use serde_json::Value;

use super::single_pair;
use crate::kraken::envelope;
use crate::kraken::row::Ctx;
use crate::model::{BookLevel, OrderBook};
use crate::{Endpoint, ExchangeError};

pub fn depth(body: &[u8], requested: &str) -> Result<OrderBook, ExchangeError> {
    let endpoint = Endpoint::Depth;
    let result = envelope::open(endpoint, requested, body)?;
    let (pair, book, _) = single_pair(endpoint, requested, result)?;
    let ctx = Ctx::new(endpoint, &pair);
    let side = |name: &str| -> Result<Vec<BookLevel>, ExchangeError> {
        let rows = book.get(name).and_then(Value::as_array);
        let rows = rows.ok_or_else(|| ctx.shape(format_args!("{name} is missing")))?;
        rows.iter()
            .map(|level| {
                let row = ctx.row(level, 3, name)?;
                Ok(BookLevel {
                    price: ctx.num(row, 0, "price")?,
                    volume: ctx.num(row, 1, "volume")?,
                    time: ctx.int(row, 2, "time")?,
                })
            })
            .collect()
    };
    let (asks, bids) = (side("asks")?, side("bids")?);
    Ok(OrderBook { pair, asks, bids })
}
