//! Where the engine's orders go. The engine decides every order the same way in paper, live
//! and backtest; a venue only fills them:
//!
//! - [`Paper`] fills from the market data ([`exec`](crate::exec)): the portfolio agent in
//!   paper mode and `cst backtest`. Stops and take-profits are simulated on the bars.
//! - [`LiveVenue`](crate::live::LiveVenue) sends them to Kraken. The stop-loss rests on the
//!   exchange (placed with the entry), so a position stays protected while the service is
//!   down; the engine learns of a fired stop from the exchange, and sells at market for the
//!   take-profit and the horizon.
//!
//! Venue calls are synchronous: the engine is a plain function the backtester runs in a
//! loop; the live venue blocks on its runtime (the portfolio agent steps on a blocking
//! thread).

use crate::{
    account::Position,
    exec::{self, Fill, FillSpec},
    market::Quote,
};

/// Why a venue did not fill an order; its text is what the order's record says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VenueError {
    /// The service is not GO: live entries are refused (exits still go out).
    #[error("live entries need GO: {0}")]
    NoGo(String),
    /// A call to the exchange failed (transport, timeout, the exchange's own refusal).
    #[error("{0}")]
    Exchange(String),
    /// The order, the pair's rules or the exchange's record of the order rule the fill out.
    #[error("{0}")]
    Order(String),
}

/// One order the engine wants filled.
#[derive(Debug, Clone, Copy)]
pub struct OrderSpec<'a> {
    /// The service's client order id: the same decision always has the same id.
    pub client_id: &'a str,
    pub pair: &'a str,
    pub qty: f64,
    /// Taker fee as a fraction (what paper charges; live is charged by the exchange).
    pub fee_rate: f64,
}

pub trait Venue {
    /// True when stops and take-profits are simulated on the bars; false when the venue
    /// holds the stop itself and reports when it fired.
    fn simulated(&self) -> bool;

    /// An entry; `stop` is the stop-loss a venue that holds stops places with it.
    fn buy(&mut self, o: &OrderSpec<'_>, q: &Quote, stop: f64) -> Result<Fill, VenueError>;

    /// An exit of `pos` (all of `o.qty`); a held stop is cancelled first.
    fn sell(&mut self, o: &OrderSpec<'_>, pos: &Position, q: &Quote) -> Result<Fill, VenueError>;

    /// The position's held stop, if it has fired: when (unix seconds) and its fill.
    fn stop_fired(&mut self, pos: &Position) -> Result<Option<(i64, Fill)>, VenueError>;
}

/// Paper fills: a book walk where a recorded book exists, the candle model otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Paper(pub FillSpec);

impl Venue for Paper {
    fn simulated(&self) -> bool {
        true
    }

    fn buy(&mut self, o: &OrderSpec<'_>, q: &Quote, _stop: f64) -> Result<Fill, VenueError> {
        Ok(exec::buy(q, o.qty, o.fee_rate, &self.0))
    }

    fn sell(&mut self, o: &OrderSpec<'_>, _pos: &Position, q: &Quote) -> Result<Fill, VenueError> {
        Ok(exec::sell(q, o.qty, o.fee_rate, &self.0))
    }

    fn stop_fired(&mut self, _pos: &Position) -> Result<Option<(i64, Fill)>, VenueError> {
        Ok(None)
    }
}
