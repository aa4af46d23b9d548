//! The private order calls: what is sent (an [`OrderRequest`]) and what the exchange says
//! about an order ([`OrderInfo`]), with every number checked like market data.

use super::Side;

/// A market order, optionally with a stop-loss the exchange creates when it fills.
///
/// Volumes and prices are decimal strings already rounded to the pair's `lot_decimals`
/// and `pair_decimals`: the caller knows the pair, the client only sends.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRequest {
    /// The request name (`XBTUSD`).
    pub pair: String,
    pub side: Side,
    pub volume: String,
    /// Kraken's `cl_ord_id`: the service derives it from its own client order id, so a
    /// resubmission after a lost answer is recognised (see [`cl_ord_id`]).
    pub cl_ord_id: String,
    /// `close[ordertype]=stop-loss` at this trigger price: the exchange holds the stop, so a
    /// position stays protected while the service is down.
    pub close_stop: Option<String>,
}

/// AddOrder's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub txids: Vec<String>,
    /// Kraken's own description (`buy 0.01000000 XBTUSD @ market`).
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    Pending,
    Open,
    Closed,
    Canceled,
    Expired,
}

impl OrderStatus {
    /// No further fills can come.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Closed | Self::Canceled | Self::Expired)
    }
}

/// One order as the exchange reports it (QueryOrders, OpenOrders, ClosedOrders).
#[derive(Debug, Clone, PartialEq)]
pub struct OrderInfo {
    pub txid: String,
    pub cl_ord_id: Option<String>,
    /// The order that created this one: a conditional close points at its entry.
    pub refid: Option<String>,
    pub status: OrderStatus,
    pub pair: String,
    pub side: Side,
    /// `market`, `limit`, `stop-loss`, ...
    pub ordertype: String,
    pub vol: f64,
    pub vol_exec: f64,
    /// Quote value of the executed volume, fee excluded.
    pub cost: f64,
    pub fee: f64,
    /// Average fill price (0 when nothing executed).
    pub price: f64,
    pub stopprice: f64,
    pub opentm: f64,
    pub closetm: Option<f64>,
    /// Why it closed (`User requested`, `Insufficient funds`, ...).
    pub reason: Option<String>,
}

/// Kraken's `cl_ord_id` for one of the service's client order ids: a UUID made from its
/// SHA-256, because Kraken takes free text only up to 18 characters and the service's ids
/// (`cst-<hour>-<pair>-<h>h[-exit]`) are longer. The same id always gives the same UUID.
pub fn cl_ord_id(client_id: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(client_id.as_bytes());
    let h: String = d[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
