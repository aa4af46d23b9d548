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

mod books;
mod server;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::{
    Router,
    routing::{get, post},
};

use books::Books;
use server::{private, public};

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
