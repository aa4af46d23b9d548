//! The builder's row at each pair's newest hour, with the technical group kept current
//! incrementally: one [`TechnicalEngine`] per pair, stepped with the candles stored since
//! the last call. [`FeatureBuilder::rows`] streams the same candles, in the same order,
//! through the same engine from the pair's first stored candle, so both give bit-identical
//! values (`tests/live.rs`) — the live path costs O(1) per new candle instead of O(history).
//!
//! The cross-sectional group is kept current the same way: one panel of every pair's last
//! weeks of candles, extended by the candles stored since the last hour asked (one query
//! for all pairs) and read by the batch builder's code. The other groups are read from the
//! store by the same code as the batch path. A time older than the live state is answered
//! by [`FeatureBuilder::row`]: the same values, computed from history.

use std::collections::HashMap;

use cst_indicators::{TechRow, TechnicalEngine};
use cst_market::PairName;
use cst_store::{CandleKey, Store};

use super::{cross::Cross, technical::no_row_reason};
use crate::{BuildContext, Built, FeatureBuilder, FeatureError, Group, HOUR};

#[derive(Debug, Default)]
pub struct LiveBuilder {
    pairs: HashMap<String, LivePair>,
    /// Every pair's recent candles, for the cross-sectional group.
    cross: Option<Cross>,
}

#[derive(Debug, Default)]
struct LivePair {
    engine: TechnicalEngine,
    /// Open time of the last candle stepped.
    last_open: Option<i64>,
    /// The engine's row after the last candle, keyed by its time (that candle's close).
    row: Option<(i64, TechRow)>,
}

impl LiveBuilder {
    pub fn new() -> LiveBuilder {
        LiveBuilder::default()
    }

    /// The row of `pair` at `t`, exactly as [`FeatureBuilder::row`] builds it.
    pub fn row(
        &mut self,
        store: &Store,
        ctx: &BuildContext,
        pair: &str,
        t: i64,
    ) -> Result<Built, FeatureError> {
        let builder = FeatureBuilder::new(store, ctx);
        if t % HOUR != 0 {
            return Err(FeatureError::NotOnBoundary(t));
        }
        let name = PairName::parse(pair).ok_or_else(|| FeatureError::BadPair(pair.to_string()))?;
        if ctx.set.has(Group::Cross) {
            match &mut self.cross {
                // An hour whose weeks before it are no longer held: from history.
                Some(c) if !c.holds_lookback(t) => return builder.row(pair, t),
                Some(c) => c.advance(store, &ctx.exchange, t)?,
                None => self.cross = Some(Cross::load(store, &ctx.exchange, t, t, ctx.min_peers)?),
            }
        }
        let state = self.pairs.entry(name.to_string()).or_default();
        if !ctx.set.has(Group::Technical) || state.last_open.is_some_and(|o| o + HOUR > t) {
            return builder.row(pair, t);
        }
        let key = CandleKey::new(&ctx.exchange, &name.to_string(), cst_market::Timeframe::H1);
        let from = state.last_open.map_or(i64::MIN, |o| o + 1);
        for c in store.candles_between(&key, from, t)? {
            // The store holds checked candles, one per open time, in order: a refusal means
            // the database itself is damaged (as in the batch path).
            let row = state.engine.step(&c).map_err(|e| FeatureError::Candles {
                pair: key.pair.clone(),
                detail: e.to_string(),
            })?;
            state.row = row.map(|r| (c.open_time + HOUR, r));
            state.last_open = Some(c.open_time);
        }
        let state = &*state;
        let tech = |at: i64| match state.row {
            Some((rt, row)) if rt == at => Ok(row.to_vec()),
            _ => Err(no_row_reason(state.last_open == Some(at - HOUR))),
        };
        let pair = name.to_string();
        let cross = &mut self.cross;
        Ok(builder
            .assemble(&name, t, t, &tech, &mut |at| {
                cross
                    .as_mut()
                    .map_or(Err(String::new()), |c| c.values(&pair, at))
            })?
            .remove(0))
    }

    /// Gaps after which a pair's engine began its warm-up again, over all pairs.
    pub fn gap_resets(&self) -> u64 {
        self.pairs
            .values()
            .map(|p| p.engine.counters().gap_resets)
            .sum()
    }

    /// Pairs with live state.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}
