//! The cross-sectional group: a pair at hour t against every pair of the exchange with a
//! complete technical row at t (t's universe). Point in time: a pair listed later, or
//! delisted earlier, is simply not in t's universe; every value reads candles closed by t.
//! With fewer than `[features] min_peers` pairs in the universe the group is missing at t,
//! with that reason — never zeros.
//!
//! [`Cross`] answers the values for any pair at any t its [`Panel`] covers. The batch
//! builder loads one over its range; the live builder keeps one current hour by hour. Both
//! run the same code over the same cells (sums over pairs in pair-name order), so their
//! values are bit-identical (`tests/live.rs`).

mod panel;
mod universe;
mod values;

use std::{collections::HashMap, sync::Arc};

use cst_store::Store;

pub(crate) use panel::Panel;
use universe::{BETA_H, Universe, market_1h};

use crate::{FeatureError, HOUR};

/// The return windows ranked, in hours: 1 h, 4 h, 24 h, 3 d, 7 d, 14 d, 28 d.
pub(crate) const WINDOWS_H: [i64; 7] = [1, 4, 24, 72, 168, 336, 672];

/// Hours of candles before t that a value at t reads (the volume shock's 30 days).
pub(crate) const LOOKBACK_H: i64 = 720;

#[derive(Debug)]
pub(crate) struct Cross {
    panel: Panel,
    min_peers: usize,
    market_1h: HashMap<i64, f64>,
    universes: HashMap<i64, Result<Arc<Universe>, String>>,
}

impl Cross {
    /// What values in `[from, to]` read, from the store.
    pub(crate) fn load(
        store: &Store,
        exchange: &str,
        from: i64,
        to: i64,
        min_peers: usize,
    ) -> Result<Cross, FeatureError> {
        Ok(Cross {
            panel: Panel::load(store, exchange, from, to)?,
            min_peers,
            market_1h: HashMap::new(),
            universes: HashMap::new(),
        })
    }

    /// Whether values at `t` can be answered without reading the store.
    pub(crate) fn covers(&self, t: i64) -> bool {
        self.panel.covers(t)
    }

    /// Whether the candles of the weeks before `t` are still held (false for an hour
    /// older than what the live panel keeps).
    pub(crate) fn holds_lookback(&self, t: i64) -> bool {
        self.panel.holds_lookback(t)
    }

    /// Reads the candles closed by `t` and forgets what no later hour reads (live).
    pub(crate) fn advance(
        &mut self,
        store: &Store,
        exchange: &str,
        t: i64,
    ) -> Result<(), FeatureError> {
        self.panel.extend(store, exchange, t)?;
        self.panel.trim_before(t);
        let oldest = t - 2 * BETA_H * HOUR;
        self.market_1h.retain(|s, _| *s >= oldest);
        self.universes.retain(|s, _| *s >= oldest);
        Ok(())
    }

    /// The group's values for `pair` at `t`, or why it has none.
    pub(crate) fn values(&mut self, pair: &str, t: i64) -> Result<Vec<f64>, String> {
        let member = self.panel.pairs.get(pair).is_some_and(|s| s.member(t));
        if !member {
            return Err(format!(
                "not in this hour's universe: no complete technical row (fewer than {} \
                 contiguous hourly candles end at this time)",
                cst_indicators::WARMUP_CANDLES
            ));
        }
        let uni = self.universe(t)?;
        Ok(values::values(&self.panel.pairs[pair], t, &uni))
    }

    fn universe(&mut self, t: i64) -> Result<Arc<Universe>, String> {
        if let Some(u) = self.universes.get(&t) {
            return u.clone();
        }
        let (panel, min_peers, memo) = (&self.panel, self.min_peers, &mut self.market_1h);
        let u = Universe::at(panel, t, min_peers, &mut |s| {
            *memo
                .entry(s)
                .or_insert_with(|| market_1h(panel, s, min_peers))
        })
        .map(Arc::new);
        self.universes.insert(t, u.clone());
        u
    }
}
