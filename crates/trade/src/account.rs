//! The paper (or live) account: cash, open positions, the equity high and the day's
//! opening equity the limits measure against, the kill switch, the client order ids
//! already used, and what was closed. It is plain data (serde), so the portfolio agent
//! stores it after every hour and picks up where it left off after a restart.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::{market::Source, sizing::Exits};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub pair: String,
    pub horizon_h: u32,
    pub model_id: String,
    pub client_id: String,
    /// Decision time of the entry.
    pub entry_t: i64,
    /// Exit at the horizon: the first decision time at or after this.
    pub exit_due: i64,
    pub qty: f64,
    /// Average fill price, fee excluded.
    pub entry_price: f64,
    /// The price the model decided on (close at entry_t) and the mid met at the fill.
    pub entry_decision_mid: f64,
    pub entry_fill_mid: f64,
    pub entry_fee: f64,
    /// The size a flat `max_position_frac` stake would have bought: sizing attribution.
    pub ref_qty: f64,
    pub exits: Exits,
    pub p_up: f64,
    /// Bars up to this decision time have been checked for take-profit and stop-loss.
    pub checked_until: i64,
    /// Latest close, for marking.
    pub mark: f64,
}

impl Position {
    pub fn value(&self) -> f64 {
        self.qty * self.mark
    }
}

/// A round trip, with its PnL split so that the parts sum to it:
/// alpha + sizing (the move between decision prices, on a flat stake and on the rest of
/// the size), timing (the move between decision and fill), slippage (fill against mid) and
/// fees (negative).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClosedTrade {
    pub pair: String,
    pub horizon_h: u32,
    pub model_id: String,
    pub client_id: String,
    pub entry_t: i64,
    pub exit_t: i64,
    pub qty: f64,
    pub entry_price: f64,
    pub exit_price: f64,
    /// take_profit, stop_loss, horizon or kill_switch.
    pub exit_reason: String,
    /// The exits the entry set: price levels, and the horizon's decision time.
    pub take_profit: f64,
    pub stop_loss: f64,
    pub exit_due: i64,
    pub pnl: f64,
    pub alpha: f64,
    pub sizing: f64,
    pub timing: f64,
    pub slippage: f64,
    pub fees: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EquityPoint {
    pub t: i64,
    pub cash: f64,
    pub equity: f64,
    /// Sum of the positions' values.
    pub gross: f64,
    /// Fall from the equity high, as a fraction.
    pub drawdown: f64,
    pub halted: bool,
}

/// An order as sent and as (paper-)filled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderRecord {
    pub client_id: String,
    pub t: i64,
    pub pair: String,
    pub horizon_h: u32,
    /// buy or sell.
    pub side: String,
    /// entry, take_profit, stop_loss, horizon or kill_switch.
    pub purpose: String,
    pub requested_qty: f64,
    pub filled_qty: f64,
    pub price: f64,
    pub fill_mid: f64,
    pub fee: f64,
    /// Where the fill price came from.
    pub source: Source,
    /// filled, partial, unfilled, refused, duplicate, or failed (the venue did not fill it).
    pub status: String,
    /// Why it was refused or not (fully) filled.
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub cash: f64,
    pub positions: BTreeMap<String, Position>,
    pub high_water: f64,
    /// UTC day (days since the epoch) of the last step, and the equity it opened with.
    pub day: i64,
    pub day_open_equity: f64,
    /// Set by the drawdown kill switch; only `cst risk resume` clears it.
    pub halted: Option<String>,
    /// Set by the daily loss limit; cleared at the next UTC day.
    pub day_stopped: Option<String>,
    /// Client order ids used, with their decision time (pruned after 60 days).
    pub order_ids: BTreeMap<String, i64>,
    /// Decision times of recent orders, for the rate limit.
    pub order_times: VecDeque<i64>,
    /// The last decision hour stepped; an hour is never stepped twice.
    pub last_t: Option<i64>,
    /// How many `cst risk resume` requests have been applied.
    pub resumes_applied: u64,
    /// Live books (orders on the exchange) rather than paper ones. A home keeps one kind:
    /// the portfolio agent refuses to continue either kind as the other.
    #[serde(default)]
    pub live: bool,
}

impl Account {
    pub fn new(cash: f64) -> Account {
        Account {
            cash,
            positions: BTreeMap::new(),
            high_water: cash,
            day: i64::MIN,
            day_open_equity: cash,
            halted: None,
            day_stopped: None,
            order_ids: BTreeMap::new(),
            order_times: VecDeque::new(),
            last_t: None,
            resumes_applied: 0,
            live: false,
        }
    }

    pub fn gross(&self) -> f64 {
        self.positions.values().map(Position::value).sum()
    }

    pub fn equity(&self) -> f64 {
        self.cash + self.gross()
    }

    pub fn drawdown(&self) -> f64 {
        if self.high_water > 0.0 {
            (1.0 - self.equity() / self.high_water).max(0.0)
        } else {
            0.0
        }
    }

    /// Lifts the kill switch: trading may resume, measured from today's equity.
    pub fn resume(&mut self) -> Option<String> {
        let was = self.halted.take();
        self.high_water = self.equity();
        self.resumes_applied += 1;
        was
    }

    pub fn point(&self, t: i64) -> EquityPoint {
        EquityPoint {
            t,
            cash: self.cash,
            equity: self.equity(),
            gross: self.gross(),
            drawdown: self.drawdown(),
            halted: self.halted.is_some(),
        }
    }
}
