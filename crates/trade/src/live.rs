//! The live venue: the engine's orders as market orders on Kraken's private API.
//!
//! - **Idempotent.** Every order carries a `cl_ord_id` made from the service's client order
//!   id. Before sending, the venue looks the id up on the exchange and takes an order it
//!   finds instead of sending a second one; after a lost answer (timeout, cut connection) it
//!   looks again before reporting a failure. A portfolio agent killed between the exchange's
//!   fill and its own commit therefore steps the hour again and finds its fills, never
//!   doubling them.
//! - **The stop rests on the exchange**, placed with the entry as a conditional close; a
//!   take-profit or horizon exit cancels it before selling.
//! - **Entries only when GO** at the moment of sending (exits are always allowed: closing
//!   reduces risk).
//! - Volumes are floored to the pair's lot decimals and checked against its minimum; an
//!   order too small for the exchange is refused here with the reason.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use cst_exchange::{
    AssetPair, ExchangeError, OrderInfo, OrderRequest, OrderStatus, PrivateClient, Side, cl_ord_id,
};
use tokio::runtime::Handle;

use crate::{
    account::Position,
    exec::Fill,
    market::{Quote, Source},
    venue::{OrderSpec, Venue, VenueError},
};

/// What the venue needs to know of a pair to send a valid order.
#[derive(Debug, Clone, PartialEq)]
pub struct PairSpec {
    /// The request name (`XBTUSD`).
    pub altname: String,
    pub lot_decimals: u32,
    pub pair_decimals: u32,
    pub ordermin: Option<f64>,
}

impl From<&AssetPair> for PairSpec {
    fn from(p: &AssetPair) -> Self {
        Self {
            altname: p.altname.clone(),
            lot_decimals: p.lot_decimals,
            pair_decimals: p.pair_decimals,
            ordermin: p.ordermin,
        }
    }
}

#[derive(Debug)]
pub struct LiveVenue {
    client: Arc<PrivateClient>,
    rt: Handle,
    /// Keyed by the service's pair name (`XBT/USD`, the listing's `wsname`).
    pairs: BTreeMap<String, PairSpec>,
    /// Why entries are refused now (`None`: the service is GO).
    no_go: Option<String>,
    /// How often, and how many times, an order is asked about until it is final.
    pub poll_every: Duration,
    pub polls: u32,
    /// Entry client id → its exchange txid, so a stop is found without asking twice.
    entries: BTreeMap<String, String>,
}

impl LiveVenue {
    pub fn new(client: Arc<PrivateClient>, rt: Handle, pairs: BTreeMap<String, PairSpec>) -> Self {
        Self {
            client,
            rt,
            pairs,
            no_go: Some("no health status received yet".into()),
            poll_every: Duration::from_millis(250),
            polls: 40,
            entries: BTreeMap::new(),
        }
    }

    /// `None` when the service is GO; otherwise why not (entries are refused with it).
    pub fn set_no_go(&mut self, why: Option<String>) {
        self.no_go = why;
    }

    fn spec(&self, pair: &str) -> Result<&PairSpec, VenueError> {
        self.pairs.get(pair).ok_or_else(|| {
            VenueError::Order(format!(
                "{pair} is not listed on the exchange (or its listing was not loaded)"
            ))
        })
    }

    fn block<T>(
        &self,
        f: impl std::future::Future<Output = Result<T, ExchangeError>>,
    ) -> Result<T, VenueError> {
        self.rt
            .block_on(f)
            .map_err(|e| VenueError::Exchange(e.to_string()))
    }

    /// The order with this service client id, open or closed, if the exchange has one.
    fn find(&self, client_id: &str) -> Result<Option<OrderInfo>, VenueError> {
        let cl = cl_ord_id(client_id);
        let mine = |o: &OrderInfo| o.cl_ord_id.as_deref() == Some(cl.as_str());
        if let Some(o) = self
            .block(self.client.open_orders())?
            .into_iter()
            .find(mine)
        {
            return Ok(Some(o));
        }
        let closed = self.block(self.client.closed_orders(Some(&cl), None))?;
        Ok(closed.into_iter().find(mine))
    }

    /// Sends the order unless the exchange already has it; returns it once final.
    fn place(&self, client_id: &str, req: OrderRequest) -> Result<OrderInfo, VenueError> {
        let txid = match self.find(client_id)? {
            Some(o) => {
                tracing::warn!(
                    client_id,
                    txid = o.txid,
                    "order already on the exchange: not sent again"
                );
                o.txid
            }
            None => match self.block(self.client.add_order(&req)) {
                Ok(placed) => placed.txids[0].clone(),
                Err(e) => match self.find(client_id)? {
                    // The answer was lost, the order was not.
                    Some(o) => o.txid,
                    None => return Err(VenueError::Order(format!("order not placed: {e}"))),
                },
            },
        };
        self.settle(&txid)
    }

    /// Asks until the order is final; a market order still open after the polls is
    /// cancelled, keeping what it filled.
    fn settle(&self, txid: &str) -> Result<OrderInfo, VenueError> {
        let ids = [txid.to_string()];
        for _ in 0..self.polls {
            let got = self.block(self.client.query_orders(&ids))?;
            match got.into_iter().find(|o| o.txid == txid) {
                Some(o) if o.status.is_final() => return Ok(o),
                Some(_) => std::thread::sleep(self.poll_every),
                None => {
                    return Err(VenueError::Order(format!(
                        "the exchange does not know order {txid}"
                    )));
                }
            }
        }
        self.block(self.client.cancel_order(txid))?;
        let got = self.block(self.client.query_orders(&ids))?;
        got.into_iter()
            .find(|o| o.txid == txid)
            .ok_or_else(|| VenueError::Order(format!("the exchange does not know order {txid}")))
    }

    fn entry_txid(&mut self, pos: &Position) -> Result<String, VenueError> {
        if let Some(t) = self.entries.get(&pos.client_id) {
            return Ok(t.clone());
        }
        let o = self.find(&pos.client_id)?.ok_or_else(|| {
            VenueError::Order(format!("the exchange has no entry order {}", pos.client_id))
        })?;
        self.entries.insert(pos.client_id.clone(), o.txid.clone());
        Ok(o.txid)
    }

    /// The stop orders the entry created, open and closed.
    fn stops(&mut self, pos: &Position) -> Result<(Vec<OrderInfo>, Vec<OrderInfo>), VenueError> {
        let entry = self.entry_txid(pos)?;
        let child = |o: &OrderInfo| o.refid.as_deref() == Some(entry.as_str());
        let open = self.block(self.client.open_orders())?;
        let closed = self.block(self.client.closed_orders(None, Some(pos.entry_t - 3600)))?;
        Ok((
            open.into_iter().filter(child).collect(),
            closed.into_iter().filter(child).collect(),
        ))
    }
}

/// The exchange's account of an order as a fill.
fn fill_of(o: &OrderInfo, q: &Quote) -> Fill {
    let price = if o.vol_exec > 0.0 {
        o.cost / o.vol_exec
    } else {
        0.0
    };
    Fill {
        ordered: o.vol,
        qty: o.vol_exec,
        price,
        mid: q.mid,
        fee: o.fee,
        source: Source::Exchange,
    }
}

fn floor_to(x: f64, decimals: u32) -> f64 {
    let f = 10f64.powi(decimals as i32);
    // A quantity already on the lot grid (a fill being sold) must stay on it: x * f can
    // land a hair below the integer it stands for.
    (x * f + 1e-6).floor() / f
}

impl Venue for LiveVenue {
    fn simulated(&self) -> bool {
        false
    }

    fn buy(&mut self, o: &OrderSpec<'_>, q: &Quote, stop: f64) -> Result<Fill, VenueError> {
        if let Some(why) = &self.no_go {
            return Err(VenueError::NoGo(why.clone()));
        }
        let spec = self.spec(o.pair)?.clone();
        let volume = floor_to(o.qty, spec.lot_decimals);
        if let Some(min) = spec.ordermin
            && volume < min
        {
            return Err(VenueError::Order(format!(
                "{volume} {} is below the exchange's minimum order {min}",
                o.pair
            )));
        }
        if !(volume > 0.0) || !(stop > 0.0) {
            return Err(VenueError::Order(format!(
                "volume {volume} or stop {stop} is not positive"
            )));
        }
        let req = OrderRequest {
            pair: spec.altname.clone(),
            side: Side::Buy,
            volume: format!("{volume:.*}", spec.lot_decimals as usize),
            cl_ord_id: cl_ord_id(o.client_id),
            close_stop: Some(format!("{stop:.*}", spec.pair_decimals as usize)),
        };
        let done = self.place(o.client_id, req)?;
        self.entries
            .insert(o.client_id.to_string(), done.txid.clone());
        if done.status != OrderStatus::Closed && done.vol_exec <= 0.0 {
            return Err(VenueError::Order(format!(
                "order {} ended {:?} unfilled ({})",
                done.txid,
                done.status,
                done.reason.as_deref().unwrap_or("no reason given")
            )));
        }
        Ok(fill_of(&done, q))
    }

    fn sell(&mut self, o: &OrderSpec<'_>, pos: &Position, q: &Quote) -> Result<Fill, VenueError> {
        let spec = self.spec(o.pair)?.clone();
        let (open, closed) = self.stops(pos)?;
        if let Some(fired) = closed.iter().find(|s| s.vol_exec > 0.0) {
            return Err(VenueError::Order(format!(
                "the exchange stop {} already sold the position; recorded as its stop-loss",
                fired.txid
            )));
        }
        for s in &open {
            self.block(self.client.cancel_order(&s.txid))?;
        }
        // A stop that fired while it was being cancelled sold the position already.
        if !open.is_empty() {
            let ids: Vec<String> = open.iter().map(|s| s.txid.clone()).collect();
            let now = self.block(self.client.query_orders(&ids))?;
            if let Some(fired) = now.iter().find(|s| s.vol_exec > 0.0) {
                return Err(VenueError::Order(format!(
                    "the exchange stop {} fired before it was cancelled; recorded as its stop-loss",
                    fired.txid
                )));
            }
        }
        let volume = floor_to(o.qty, spec.lot_decimals);
        let req = OrderRequest {
            pair: spec.altname.clone(),
            side: Side::Sell,
            volume: format!("{volume:.*}", spec.lot_decimals as usize),
            cl_ord_id: cl_ord_id(o.client_id),
            close_stop: None,
        };
        let done = self.place(o.client_id, req)?;
        if done.vol_exec <= 0.0 {
            return Err(VenueError::Order(format!(
                "sell {} ended {:?} unfilled ({})",
                done.txid,
                done.status,
                done.reason.as_deref().unwrap_or("no reason given")
            )));
        }
        Ok(fill_of(&done, q))
    }

    fn stop_fired(&mut self, pos: &Position) -> Result<Option<(i64, Fill)>, VenueError> {
        let (open, closed) = self.stops(pos)?;
        if let Some(s) = closed.iter().find(|s| s.vol_exec > 0.0) {
            let q = Quote {
                t: 0,
                mid: s.stopprice,
                half_spread: 0.0,
                source: Source::Exchange,
                sigma_h: 0.0,
                hour_volume: 0.0,
                volume_24h: 0.0,
                book: None,
            };
            let at = s.closetm.unwrap_or(s.opentm) as i64;
            return Ok(Some((at, fill_of(s, &q))));
        }
        if open.is_empty() {
            tracing::warn!(
                pair = pos.pair,
                entry = pos.client_id,
                "the position has no resting stop on the exchange: only the hourly checks protect it"
            );
        }
        Ok(None)
    }
}
