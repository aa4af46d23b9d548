//! The collector: every run discovers the exchange's pairs, stores the candles that closed
//! since the last run (never the unfinished one), and audits coverage.
//!
//! - [`cycle`]: one collection run against any [`cst_exchange::Exchange`] (live or replay).
//! - [`flow`]: trades (resumable by cursor) and depth snapshots for the whale agent.
//! - [`backfill`]: history older than the candle limit, rebuilt from paged trades.
//! - [`coverage`]: which live pairs have fresh, complete data, and why the others do not.

pub mod backfill;
pub mod coverage;
pub mod cycle;
pub mod flow;

pub use cycle::{CycleReport, run_cycle};
