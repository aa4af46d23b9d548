//! The risk and portfolio agents: thin shells that read the store, call the same gate and
//! portfolio step as `cst backtest`, and record what they did.
//!
//! - [`risk`]: each decision hour's predictions through the gate, with the health agent's
//!   verdict as GO; candidates and rejections stored; `candidates.updated`.
//! - [`portfolio`]: on `candidates.updated`, one [`crate::Engine::step`] on the paper account,
//!   recorded in one transaction with the account; `risk.halted` while the kill switch is
//!   on. In live mode the orders go to the exchange through
//!   [`crate::live::LiveVenue`].

pub mod portfolio;
pub mod risk;

use std::time::Instant;

use cst_store::Store;

use crate::Fees;

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

/// GO, or why not: the health agent's latest status (`health.status`, with when it came);
/// none within `health.report_timeout` is NO-GO.
pub fn go_verdict(
    health: Option<&(String, Instant)>,
    config: &cst_config::Config,
) -> Result<(), String> {
    match health {
        Some((status, at)) if at.elapsed() <= config.health.report_timeout => {
            if status == "go" {
                Ok(())
            } else {
                Err(format!("the health agent says {}", status.to_uppercase()))
            }
        }
        Some((_, at)) => Err(format!(
            "no health verdict for {:.0} s",
            at.elapsed().as_secs_f64()
        )),
        None => Err("no health verdict yet".into()),
    }
}
