//! The stub's books: balances, orders and their fills, and the answers of each private
//! method in Kraken's shapes.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::{Call, Fault, Order};

#[derive(Debug)]
pub(super) struct Books {
    pub(super) key: String,
    pub(super) secret: String,
    pub(super) last_nonce: u64,
    pub(super) fee: f64,
    pub(super) slippage: f64,
    /// Request name (`XBTUSD`) → (base asset, quote asset, price).
    pub(super) pairs: BTreeMap<String, (String, String, f64)>,
    pub(super) balances: BTreeMap<String, f64>,
    pub(super) orders: BTreeMap<String, Order>,
    pub(super) next_txid: u64,
    pub(super) faults: BTreeMap<String, Vec<Fault>>,
    pub(super) calls: Vec<Call>,
    pub(super) rejected: Vec<String>,
    /// Public method (`AssetPairs`) → the body it answers with.
    pub(super) public: BTreeMap<String, Vec<u8>>,
}

/// The exchange's own timestamps (`opentm`, `closetm`) are wall-clock time, as Kraken's are.
#[allow(clippy::disallowed_methods)]
pub(super) fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl Books {
    pub(super) fn txid(&mut self) -> String {
        let n = self.next_txid;
        self.next_txid += 1;
        format!(
            "OSTUB{n:01}-{:05}-{:06}",
            n * 7 % 100_000,
            n * 13 % 1_000_000
        )
    }

    /// Fills `vol` of an order at the pair's price, moving balances.
    pub(super) fn execute(&mut self, txid: &str, vol: f64) {
        let Some(o) = self.orders.get(txid) else {
            return;
        };
        let Some(&(_, _, price)) = self.pairs.get(&o.pair) else {
            return;
        };
        self.execute_at(txid, vol, price);
    }

    /// Fills `vol` of an order at `price` (before slippage), moving balances.
    pub(super) fn execute_at(&mut self, txid: &str, vol: f64, price: f64) {
        let Some(o) = self.orders.get(txid).cloned() else {
            return;
        };
        let Some((base, quote, _)) = self.pairs.get(&o.pair).cloned() else {
            return;
        };
        let buy = o.side == "buy";
        let px = if buy {
            price * (1.0 + self.slippage)
        } else {
            price * (1.0 - self.slippage)
        };
        let cost = vol * px;
        let fee = cost * self.fee;
        let sign = if buy { 1.0 } else { -1.0 };
        *self.balances.entry(base).or_default() += sign * vol;
        *self.balances.entry(quote).or_default() -= sign * cost + fee;
        let o = self.orders.get_mut(txid).expect("order exists");
        o.vol_exec = vol;
        o.cost = cost;
        o.fee = fee;
        o.status = "closed";
        o.closetm = Some(now());
        // A conditional close rests from the moment its entry fills.
        let children: Vec<String> = self
            .orders
            .values()
            .filter(|c| c.refid.as_deref() == Some(txid) && c.status == "pending")
            .map(|c| c.txid.clone())
            .collect();
        for c in children {
            if let Some(c) = self.orders.get_mut(&c) {
                c.status = "open";
                c.vol = vol;
            }
        }
    }

    pub(super) fn add_order(&mut self, p: &BTreeMap<String, String>) -> Result<Value, String> {
        let pair = p.get("pair").ok_or("EGeneral:Invalid arguments:pair")?;
        let Some((base, quote, _)) = self.pairs.get(pair).cloned() else {
            return Err("EQuery:Unknown asset pair".into());
        };
        if p.get("ordertype").map(String::as_str) != Some("market") {
            return Err("EGeneral:Invalid arguments:ordertype".into());
        }
        let side = match p.get("type").map(String::as_str) {
            Some("buy") => "buy",
            Some("sell") => "sell",
            _ => return Err("EGeneral:Invalid arguments:type".into()),
        };
        let vol: f64 = p
            .get("volume")
            .and_then(|v| v.parse().ok())
            .filter(|v: &f64| v.is_finite() && *v > 0.0)
            .ok_or("EGeneral:Invalid arguments:volume")?;
        let cl = p.get("cl_ord_id").cloned();
        if let Some(id) = &cl
            && self
                .orders
                .values()
                .any(|o| o.cl_ord_id.as_ref() == Some(id) && o.status == "open")
        {
            return Err("EOrder:Duplicate order".into());
        }
        let price = self.pairs[pair].2;
        let enough = if side == "buy" {
            self.balances.get(&quote).copied().unwrap_or(0.0)
                >= vol * price * (1.0 + self.slippage) * (1.0 + self.fee)
        } else {
            self.balances.get(&base).copied().unwrap_or(0.0) >= vol * (1.0 - 1e-12)
        };
        if !enough {
            return Err("EOrder:Insufficient funds".into());
        }
        let txid = self.txid();
        self.orders.insert(
            txid.clone(),
            Order {
                txid: txid.clone(),
                cl_ord_id: cl,
                refid: None,
                status: "open",
                pair: pair.clone(),
                side,
                ordertype: "market",
                vol,
                vol_exec: 0.0,
                cost: 0.0,
                fee: 0.0,
                stopprice: 0.0,
                opentm: now(),
                closetm: None,
            },
        );
        if p.get("close[ordertype]").map(String::as_str) == Some("stop-loss") {
            let stop: f64 = p
                .get("close[price]")
                .and_then(|v| v.parse().ok())
                .ok_or("EGeneral:Invalid arguments:close[price]")?;
            let child = self.txid();
            self.orders.insert(
                child.clone(),
                Order {
                    txid: child,
                    cl_ord_id: None,
                    refid: Some(txid.clone()),
                    status: "pending",
                    pair: pair.clone(),
                    side: if side == "buy" { "sell" } else { "buy" },
                    ordertype: "stop-loss",
                    vol,
                    vol_exec: 0.0,
                    cost: 0.0,
                    fee: 0.0,
                    stopprice: stop,
                    opentm: now(),
                    closetm: None,
                },
            );
        }
        self.execute(&txid, vol);
        Ok(json!({
            "descr": {"order": format!("{side} {vol:.8} {pair} @ market")},
            "txid": [txid],
        }))
    }

    pub(super) fn call(
        &mut self,
        method: &str,
        p: &BTreeMap<String, String>,
    ) -> Result<Value, String> {
        match method {
            "AddOrder" => self.add_order(p),
            "QueryOrders" => {
                let ids = p.get("txid").ok_or("EGeneral:Invalid arguments:txid")?;
                let mut out = serde_json::Map::new();
                for id in ids.split(',') {
                    let o = self.orders.get(id).ok_or("EOrder:Unknown order")?;
                    out.insert(id.into(), shape(o));
                }
                Ok(Value::Object(out))
            }
            "OpenOrders" => {
                Ok(json!({ "open": self.listed(|o| matches!(o.status, "open" | "pending")) }))
            }
            "ClosedOrders" => {
                let cl = p.get("cl_ord_id");
                let start: f64 = p.get("start").and_then(|s| s.parse().ok()).unwrap_or(0.0);
                Ok(json!({ "closed": self.listed(|o| {
                    !matches!(o.status, "open" | "pending")
                        && cl.is_none_or(|c| o.cl_ord_id.as_ref() == Some(c))
                        && o.opentm > start
                }), "count": 0 }))
            }
            "CancelOrder" => {
                let id = p.get("txid").ok_or("EGeneral:Invalid arguments:txid")?;
                let o = self.orders.get_mut(id).ok_or("EOrder:Unknown order")?;
                if matches!(o.status, "open" | "pending") {
                    o.status = "canceled";
                    o.closetm = Some(now());
                    Ok(json!({"count": 1}))
                } else {
                    Ok(json!({"count": 0}))
                }
            }
            "Balance" => Ok(Value::Object(
                self.balances
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(format!("{v:.10}"))))
                    .collect(),
            )),
            _ => Err("EGeneral:Unknown method".into()),
        }
    }

    pub(super) fn listed(&self, keep: impl Fn(&Order) -> bool) -> Value {
        Value::Object(
            self.orders
                .values()
                .filter(|o| keep(o))
                .map(|o| (o.txid.clone(), shape(o)))
                .collect(),
        )
    }
}

/// An order as Kraken shows it (the fields of `http_closed_orders.json`).
pub(super) fn shape(o: &Order) -> Value {
    let price = if o.vol_exec > 0.0 {
        o.cost / o.vol_exec
    } else {
        0.0
    };
    json!({
        "refid": o.refid,
        "cl_ord_id": o.cl_ord_id,
        "userref": 0,
        "status": o.status,
        "reason": null,
        "opentm": o.opentm,
        "closetm": o.closetm,
        "starttm": 0,
        "expiretm": 0,
        "descr": {
            "pair": o.pair,
            "type": o.side,
            "ordertype": o.ordertype,
            "price": "0",
            "price2": "0",
            "leverage": "none",
            "order": format!("{} {:.8} {} @ {}", o.side, o.vol, o.pair, o.ordertype),
            "close": ""
        },
        "vol": format!("{:.8}", o.vol),
        "vol_exec": format!("{:.8}", o.vol_exec),
        "cost": format!("{:.10}", o.cost),
        "fee": format!("{:.10}", o.fee),
        "price": format!("{price:.10}"),
        "stopprice": format!("{:.10}", o.stopprice),
        "limitprice": "0.00000",
        "misc": "",
        "oflags": "fciq"
    })
}
