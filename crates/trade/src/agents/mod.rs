//! The risk and portfolio agents: thin shells that read the store, call the same gate and
//! portfolio step as `cst backtest`, and record what they did.
//!
//! - [`risk`]: each decision hour's predictions through the gate, with the health agent's
//!   verdict as GO; candidates and rejections stored; `candidates.updated`.
//! - [`portfolio`]: on `candidates.updated`, one [`crate::Engine::step`] on the paper account,
//!   recorded in one transaction with the account; `portfolio.updated`; `risk.halted` while
//!   the kill switch is on.

pub mod portfolio;
pub mod risk;

use cst_store::Store;

use crate::{Fees, HOUR};

/// The data's own clock: the close of the newest stored hourly candle of `exchange`.
pub fn data_now(store: &Store, exchange: &str) -> Result<Option<i64>, cst_store::StoreError> {
    Ok(store
        .newest_open_time(exchange, cst_market::Timeframe::H1)?
        .map(|open| open + HOUR))
}

/// The deployment's fees: each listed pair's taker fee from the exchange's schedule, the
/// configured fee for pairs without one.
pub fn fees(store: &Store, config: &cst_config::Config) -> Result<Fees, cst_store::StoreError> {
    let mut fees = Fees::new(config.portfolio.taker_fee_bps);
    for p in store.active_pairs(&config.collector.exchange)? {
        if let Some(pct) = p.taker_fee_pct {
            fees.schedule(&p.pair, pct);
        }
    }
    Ok(fees)
}
