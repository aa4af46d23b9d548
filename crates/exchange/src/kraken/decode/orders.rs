//! The private order calls: AddOrder, QueryOrders / OpenOrders / ClosedOrders, CancelOrder
//! and Balance. An order whose numbers do not parse fails the whole answer, named by its
//! txid: a half-read order book of our own is worse than none.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::kraken::envelope;
use crate::kraken::row::Ctx;
use crate::model::{OrderInfo, OrderStatus, Placed, Side};
use crate::{Endpoint, ExchangeError};

pub fn add_order(body: &[u8]) -> Result<Placed, ExchangeError> {
    let endpoint = Endpoint::AddOrder;
    let result = envelope::open(endpoint, "", body)?;
    let ctx = Ctx::new(endpoint, "");
    let txids = result
        .get("txid")
        .and_then(Value::as_array)
        .ok_or_else(|| ctx.shape("txid is not an array"))?
        .iter()
        .map(|t| t.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ctx.shape("txid is not a non-empty list of strings"))?;
    let description = result
        .pointer("/descr/order")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Ok(Placed { txids, description })
}

/// QueryOrders (result: txid → order), OpenOrders (`open`: ...) and ClosedOrders
/// (`closed`: ...); sorted by opening time, then txid.
pub fn orders(endpoint: Endpoint, body: &[u8]) -> Result<Vec<OrderInfo>, ExchangeError> {
    let result = envelope::open(endpoint, "", body)?;
    let ctx = Ctx::new(endpoint, "");
    let map = match endpoint {
        Endpoint::OpenOrders => result.get("open"),
        Endpoint::ClosedOrders => result.get("closed"),
        _ => Some(&result),
    }
    .and_then(Value::as_object)
    .ok_or_else(|| ctx.shape("the orders are not an object keyed by txid"))?;
    let mut out = map
        .iter()
        .map(|(txid, o)| order(endpoint, txid, o))
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by(|a, b| a.opentm.total_cmp(&b.opentm).then(a.txid.cmp(&b.txid)));
    Ok(out)
}

fn order(endpoint: Endpoint, txid: &str, o: &Value) -> Result<OrderInfo, ExchangeError> {
    let ctx = Ctx::new(endpoint, txid);
    let o = o
        .as_object()
        .ok_or_else(|| ctx.shape("order is not an object"))?;
    let get = |k: &'static str| -> Result<&Value, ExchangeError> {
        o.get(k)
            .ok_or_else(|| ctx.shape(format_args!("{k} is missing")))
    };
    let num = |k: &'static str| ctx.num(std::slice::from_ref(get(k)?), 0, k);
    let text = |m: &Map<String, Value>, k: &'static str| -> Option<String> {
        m.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let status = match get("status")?.as_str() {
        Some("pending") => OrderStatus::Pending,
        Some("open") => OrderStatus::Open,
        Some("closed") => OrderStatus::Closed,
        Some("canceled") => OrderStatus::Canceled,
        Some("expired") => OrderStatus::Expired,
        other => return Err(ctx.shape(format_args!("status {other:?} is unknown"))),
    };
    let descr = get("descr")?
        .as_object()
        .ok_or_else(|| ctx.shape("descr is not an object"))?;
    let side = match descr.get("type").and_then(Value::as_str) {
        Some("buy") => Side::Buy,
        Some("sell") => Side::Sell,
        other => {
            return Err(ctx.shape(format_args!("descr.type {other:?} is neither buy nor sell")));
        }
    };
    let time = |k: &'static str| -> Result<Option<f64>, ExchangeError> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => match v.as_f64() {
                Some(x) if x.is_finite() && x >= 0.0 => Ok((x > 0.0).then_some(x)),
                _ => Err(ctx.shape(format_args!("{k} is {v}, not a time"))),
            },
        }
    };
    Ok(OrderInfo {
        txid: txid.to_owned(),
        cl_ord_id: text(o, "cl_ord_id"),
        refid: text(o, "refid"),
        status,
        pair: text(descr, "pair").ok_or_else(|| ctx.shape("descr.pair is missing"))?,
        side,
        ordertype: text(descr, "ordertype")
            .ok_or_else(|| ctx.shape("descr.ordertype is missing"))?,
        vol: num("vol")?,
        vol_exec: num("vol_exec")?,
        cost: num("cost")?,
        fee: num("fee")?,
        price: num("price")?,
        stopprice: match o.get("stopprice") {
            Some(v) => ctx.num(std::slice::from_ref(v), 0, "stopprice")?,
            None => 0.0,
        },
        opentm: time("opentm")?.ok_or_else(|| ctx.shape("opentm is missing"))?,
        closetm: time("closetm")?,
        reason: text(o, "reason"),
    })
}

/// CancelOrder: how many orders were cancelled.
pub fn cancel(body: &[u8]) -> Result<u64, ExchangeError> {
    let endpoint = Endpoint::CancelOrder;
    let result = envelope::open(endpoint, "", body)?;
    result
        .get("count")
        .and_then(Value::as_u64)
        .ok_or_else(|| Ctx::new(endpoint, "").shape("count is not a non-negative integer"))
}

/// Balance: asset (Kraken's name, `ZUSD`) → amount.
pub fn balance(body: &[u8]) -> Result<BTreeMap<String, f64>, ExchangeError> {
    let endpoint = Endpoint::Balance;
    let result = envelope::open(endpoint, "", body)?;
    let map = result
        .as_object()
        .ok_or_else(|| Ctx::new(endpoint, "").shape("balances are not an object"))?;
    map.iter()
        .map(|(asset, v)| {
            let n = Ctx::new(endpoint, asset).num(std::slice::from_ref(v), 0, "balance")?;
            Ok((asset.clone(), n))
        })
        .collect()
}
