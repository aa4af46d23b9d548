//! The technical group at each t: the pair's candles up to t streamed through the same
//! [`TechnicalEngine`] the technical agent runs incrementally, so live, training and
//! backtest values are one computation.

use std::collections::BTreeMap;

use cst_indicators::{TechRow, TechnicalEngine, WARMUP_CANDLES};
use cst_store::{CandleKey, Store};

use crate::{FeatureError, HOUR};

pub(crate) struct TechnicalSeries {
    rows: BTreeMap<i64, TechRow>,
    /// Close times of the candles read, to tell a gap from a warm-up.
    closes: BTreeMap<i64, ()>,
}

impl TechnicalSeries {
    /// Rows for every t in `[from, to]`, from all candles closed by `to`.
    pub(crate) fn load(
        store: &Store,
        key: &CandleKey,
        from: i64,
        to: i64,
    ) -> Result<TechnicalSeries, FeatureError> {
        let candles = store.candles_between(key, i64::MIN, to)?;
        let mut engine = TechnicalEngine::default();
        let mut rows = BTreeMap::new();
        let mut closes = BTreeMap::new();
        for c in &candles {
            let t = c.open_time + HOUR;
            if t >= from {
                closes.insert(t, ());
            }
            // The store holds checked candles, one per open time, in order: a refusal means
            // the database itself is damaged.
            match engine.step(c) {
                Ok(Some(row)) if t >= from => {
                    rows.insert(t, row);
                }
                Ok(_) => {}
                Err(e) => {
                    return Err(FeatureError::Candles {
                        pair: key.pair.clone(),
                        detail: e.to_string(),
                    });
                }
            }
        }
        Ok(TechnicalSeries { rows, closes })
    }

    pub(crate) fn at(&self, t: i64) -> Result<&TechRow, String> {
        match self.rows.get(&t) {
            Some(row) => Ok(row),
            None => Err(no_row_reason(self.closes.contains_key(&t))),
        }
    }
}

/// Why the technical group has no value at t: a candle closed at t but the engine is still
/// warming up, or no candle closed at t at all.
pub(crate) fn no_row_reason(candle_closed_at_t: bool) -> String {
    if candle_closed_at_t {
        format!(
            "warming up: fewer than {WARMUP_CANDLES} contiguous hourly candles end at this time"
        )
    } else {
        "no candle closed at this time (a gap, or not collected yet)".to_string()
    }
}
