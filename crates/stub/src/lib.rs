//! A local stand-in for Kraken's private REST API, for tests of live trading: nothing in the
//! repository talks to the real exchange.
//!
//! It checks what Kraken checks (the `API-Key`, the `API-Sign` of every body, nonces that
//! increase, `cl_ord_id` unique among open orders, enough funds) and answers in the shapes
//! of the captures in `../shared/data/kraken-api/private-shapes`. Market orders fill at once
//! at the price the test sets, plus `slippage`, paying `fee`. A conditional stop-loss
//! (`close[ordertype]=stop-loss`) rests as its own order pointing at its entry (`refid`) and
//! fires when the test moves the price to or through it: at the stop when the price passed
//! through it, at the new price when it gapped from below the stop already.
//!
//! Public calls answer with the bodies a test hands it (captured responses).
//!
//! Faults are queued per call: a late answer (the order is placed, the answer is lost to
//! the client's timeout), an HTTP status, a malformed body or a Kraken error string.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde_json::{Value, json};

/// What the next call of one method does instead of (or besides) answering normally.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Does the work, then answers only after this long.
    Late(Duration),
    /// Answers with this HTTP status and does nothing.
    Status(u16),
    /// Answers 200 with this body and does nothing.
    Body(String),
    /// Answers `{"error": [this]}` and does nothing.
    Error(String),
}

/// One order on the stub's books.
#[derive(Debug, Clone)]
pub struct Order {
    pub txid: String,
    pub cl_ord_id: Option<String>,
    pub refid: Option<String>,
    pub status: &'static str,
    pub pair: String,
    pub side: &'static str,
    pub ordertype: &'static str,
    pub vol: f64,
    pub vol_exec: f64,
    pub cost: f64,
    pub fee: f64,
    pub stopprice: f64,
    pub opentm: f64,
    pub closetm: Option<f64>,
}

/// A signed call the stub accepted (signature and nonce good), with its form fields.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub params: BTreeMap<String, String>,
}

#[derive(Debug)]
struct Books {
    key: String,
    secret: String,
    last_nonce: u64,
    fee: f64,
    slippage: f64,
    /// Request name (`XBTUSD`) → (base asset, quote asset, price).
    pairs: BTreeMap<String, (String, String, f64)>,
    balances: BTreeMap<String, f64>,
    orders: BTreeMap<String, Order>,
    next_txid: u64,
    faults: BTreeMap<String, Vec<Fault>>,
    calls: Vec<Call>,
    rejected: Vec<String>,
    /// Public method (`AssetPairs`) → the body it answers with.
    public: BTreeMap<String, Vec<u8>>,
}

/// A running stub; dropped with the test's runtime.
#[derive(Debug, Clone)]
pub struct Stub {
    pub base_url: String,
    books: Arc<Mutex<Books>>,
}

impl Stub {
    /// Serves on `127.0.0.1:0` for the key and base64 secret given, with `cash` of `ZUSD`.
    pub async fn start(key: &str, secret_b64: &str, cash: f64) -> Stub {
        let stub = Self::empty(key, secret_b64).await;
        stub.fund("ZUSD", cash);
        stub
    }

    /// Serves with no funds at all.
    pub async fn empty(key: &str, secret_b64: &str) -> Stub {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
        let books = Arc::new(Mutex::new(Books {
            key: key.into(),
            secret: secret_b64.into(),
            last_nonce: 0,
            fee: 0.0026,
            slippage: 0.0,
            pairs: BTreeMap::new(),
            balances: BTreeMap::new(),
            orders: BTreeMap::new(),
            next_txid: 1,
            faults: BTreeMap::new(),
            calls: Vec::new(),
            rejected: Vec::new(),
            public: BTreeMap::new(),
        }));
        let app = Router::new()
            .route("/0/private/{method}", post(private))
            .route("/0/public/{method}", get(public))
            .with_state(books.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Stub { base_url, books }
    }

    fn books(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Lists a pair (`XBTUSD`, base `XXBT`, quote `ZUSD`) at `price`.
    pub fn list(&self, pair: &str, base: &str, quote: &str, price: f64) {
        self.books()
            .pairs
            .insert(pair.into(), (base.into(), quote.into(), price));
    }

    /// Answers the public `method` (`AssetPairs`) with `body` (a captured response).
    pub fn serve_public(&self, method: &str, body: Vec<u8>) {
        self.books().public.insert(method.into(), body);
    }

    /// Adds `amount` of `asset` (`ZUSD`, `USDT`, ...) to the account.
    pub fn fund(&self, asset: &str, amount: f64) {
        *self.books().balances.entry(asset.into()).or_default() += amount;
    }

    /// Market orders pay this taker fee (a fraction) and fill this far (a fraction) past the
    /// price, against the taker.
    pub fn set_costs(&self, fee: f64, slippage: f64) {
        let mut b = self.books();
        b.fee = fee;
        b.slippage = slippage;
    }

    /// Moves a pair's price; a resting stop at or above it fires at this price.
    pub fn set_price(&self, pair: &str, price: f64) {
        let mut b = self.books();
        let Some(p) = b.pairs.get_mut(pair) else {
            return;
        };
        let before = std::mem::replace(&mut p.2, price);
        let fired: Vec<String> = b
            .orders
            .values()
            .filter(|o| {
                o.status == "open"
                    && o.pair == pair
                    && o.ordertype == "stop-loss"
                    && price <= o.stopprice
            })
            .map(|o| o.txid.clone())
            .collect();
        for txid in fired {
            let (vol, stop) = (b.orders[&txid].vol, b.orders[&txid].stopprice);
            let at = if before > stop { stop } else { price };
            b.execute_at(&txid, vol, at);
        }
    }

    /// The next call of `method` (`AddOrder`, ...) meets `fault`; queued faults apply in order.
    pub fn fault(&self, method: &str, fault: Fault) {
        self.books()
            .faults
            .entry(method.into())
            .or_default()
            .push(fault);
    }

    pub fn orders(&self) -> Vec<Order> {
        self.books().orders.values().cloned().collect()
    }

    pub fn balance(&self, asset: &str) -> f64 {
        self.books().balances.get(asset).copied().unwrap_or(0.0)
    }

    /// Accepted calls, oldest first.
    pub fn calls(&self) -> Vec<Call> {
        self.books().calls.clone()
    }

    /// How many accepted calls of `method` (`AddOrder`, ...) there were.
    pub fn count(&self, method: &str) -> usize {
        self.books()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .count()
    }

    /// Calls refused for a bad key, signature or nonce, with the error sent.
    pub fn rejected(&self) -> Vec<String> {
        self.books().rejected.clone()
    }
}

/// The exchange's own timestamps (`opentm`, `closetm`) are wall-clock time, as Kraken's are.
#[allow(clippy::disallowed_methods)]
fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl Books {
    fn txid(&mut self) -> String {
        let n = self.next_txid;
        self.next_txid += 1;
        format!(
            "OSTUB{n:01}-{:05}-{:06}",
            n * 7 % 100_000,
            n * 13 % 1_000_000
        )
    }

    /// Fills `vol` of an order at the pair's price, moving balances.
    fn execute(&mut self, txid: &str, vol: f64) {
        let Some(o) = self.orders.get(txid) else {
            return;
        };
        let Some(&(_, _, price)) = self.pairs.get(&o.pair) else {
            return;
        };
        self.execute_at(txid, vol, price);
    }

    /// Fills `vol` of an order at `price` (before slippage), moving balances.
    fn execute_at(&mut self, txid: &str, vol: f64, price: f64) {
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

    fn add_order(&mut self, p: &BTreeMap<String, String>) -> Result<Value, String> {
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

    fn call(&mut self, method: &str, p: &BTreeMap<String, String>) -> Result<Value, String> {
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

    fn listed(&self, keep: impl Fn(&Order) -> bool) -> Value {
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
fn shape(o: &Order) -> Value {
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

async fn public(State(books): State<Arc<Mutex<Books>>>, Path(method): Path<String>) -> Response {
    let b = books.lock().unwrap_or_else(|p| p.into_inner());
    match b.public.get(&method) {
        Some(body) => body.clone().into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn kraken_error(e: &str) -> Response {
    axum::Json(json!({"error": [e]})).into_response()
}

async fn private(
    State(books): State<Arc<Mutex<Books>>>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let (answer, late) = {
        let mut b = books.lock().unwrap_or_else(|p| p.into_inner());
        let params: BTreeMap<String, String> = form_urlencoded::parse(body.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let path = format!("/0/private/{method}");
        let nonce: Option<u64> = params.get("nonce").and_then(|n| n.parse().ok());
        let key_ok = headers.get("API-Key").and_then(|v| v.to_str().ok()) == Some(b.key.as_str());
        let sign = headers.get("API-Sign").and_then(|v| v.to_str().ok());
        let expected = nonce.and_then(|n| cst_exchange::api_sign(&b.secret, &path, n, &body).ok());
        let refused = if !key_ok {
            Some("EAPI:Invalid key")
        } else if sign.is_none() || sign != expected.as_deref() {
            Some("EAPI:Invalid signature")
        } else if nonce.is_none_or(|n| n <= b.last_nonce) {
            Some("EAPI:Invalid nonce")
        } else {
            None
        };
        if let Some(e) = refused {
            b.rejected.push(e.to_string());
            return kraken_error(e);
        }
        b.last_nonce = nonce.unwrap_or_default();
        let fault = b.faults.get_mut(&method).and_then(|q| {
            if q.is_empty() {
                None
            } else {
                Some(q.remove(0))
            }
        });
        match fault {
            Some(Fault::Status(s)) => {
                return StatusCode::from_u16(s)
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                    .into_response();
            }
            Some(Fault::Body(text)) => return text.into_response(),
            Some(Fault::Error(e)) => return kraken_error(&e),
            Some(Fault::Late(_)) | None => {}
        }
        b.calls.push(Call {
            method: method.clone(),
            params: params.clone(),
        });
        let answer = match b.call(&method, &params) {
            Ok(result) => axum::Json(json!({"error": [], "result": result})).into_response(),
            Err(e) => kraken_error(&e),
        };
        let late = match fault {
            Some(Fault::Late(d)) => Some(d),
            _ => None,
        };
        (answer, late)
    };
    if let Some(d) = late {
        tokio::time::sleep(d).await;
    }
    answer
}
