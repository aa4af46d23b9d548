//! Taker fees per pair: the exchange's fee schedule where the collector stored one (the
//! first tier of AssetPairs' `fees`), otherwise `portfolio.taker_fee_bps` — and every
//! report can say which pairs paid which.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fees {
    scheduled: BTreeMap<String, f64>,
    configured: f64,
}

impl Fees {
    /// The deployment's fees: each listed pair's taker fee from the exchange's schedule, the
    /// configured fee for pairs without one.
    pub fn for_deployment(
        store: &cst_store::Store,
        config: &cst_config::Config,
    ) -> Result<Fees, cst_store::StoreError> {
        let mut fees = Fees::new(config.portfolio.taker_fee_bps);
        for p in store.active_pairs(&config.collector.exchange)? {
            if let Some(pct) = p.taker_fee_pct {
                fees.schedule(&p.pair, pct);
            }
        }
        Ok(fees)
    }

    /// `configured_bps` for every pair without a schedule.
    pub fn new(configured_bps: f64) -> Fees {
        Fees {
            scheduled: BTreeMap::new(),
            configured: configured_bps / 1e4,
        }
    }

    /// The pair's taker fee from its exchange schedule, in percent (AssetPairs' unit).
    pub fn schedule(&mut self, pair: &str, percent: f64) {
        self.scheduled.insert(pair.to_string(), percent / 100.0);
    }

    /// One side's taker fee, as a fraction.
    pub fn rate(&self, pair: &str) -> f64 {
        self.scheduled.get(pair).copied().unwrap_or(self.configured)
    }

    /// "schedule" or "config".
    pub fn source(&self, pair: &str) -> &'static str {
        if self.scheduled.contains_key(pair) {
            "schedule"
        } else {
            "config"
        }
    }
}
