//! Trading, one code path for the risk agent, the portfolio agent and the backtester (their
//! shells are `agents/risk` and `agents/portfolio`)
//! (ARCHITECTURE principle 2): everything here is a pure function of its inputs (the
//! predictions, the candles and books of the store, the account), so the service in replay
//! and `cst backtest` over the same hours make the same trades.
//!
//! - [`gate`]: which predictions become candidates, and why the others do not.
//! - [`market`]: candles and books around a decision time; spread, volatility, liquidity.
//! - [`sizing`]: Kelly-lite on the calibrated probability, shrunk by the interval's width.
//! - [`risk`]: the hard limits an entry must pass, with the refusal's reason.
//! - [`fees`]: taker fees per pair, from the exchange's schedule or the configuration.
//! - [`exec`]: paper fills (book walk or candle model), fees, latency, partial fills.
//! - [`account`]: cash, positions, the equity curve, closed trades and their attribution.
//! - [`engine`]: one decision hour: mark, kill switch, exits, entries.
//! - [`venue`]: who fills the engine's orders: [`venue::Paper`] or the exchange.
//! - [`live`]: [`live::LiveVenue`], the engine's orders on Kraken's private API.
//! - [`books`]: the recorded account, a stepped hour's record, the live venue's connection.
//! - [`error`]: the [`TradeError`] type (the venue's and the books' are [`venue::VenueError`]
//!   and [`books::BooksError`]).

// Checks are written `!(x >= bar)` on purpose: a NaN then fails the check instead of
// passing it, which `x < bar` would let happen.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod account;
pub mod books;
pub mod engine;
pub mod error;
pub mod exec;
pub mod fees;
pub mod gate;
pub mod live;
pub mod market;
pub mod risk;
pub mod sizing;
pub mod venue;

pub use account::{Account, ClosedTrade, EquityPoint, Position};
pub use engine::{Engine, Step};
pub use error::TradeError;
pub use fees::Fees;
pub use gate::{Candidate, GateContext, Verdict, gate};
pub use market::{Market, Quote};
pub use risk::Refusal;

/// One hour in seconds.
pub use cst_market::HOUR;
