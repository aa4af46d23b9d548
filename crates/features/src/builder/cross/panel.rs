//! Every pair's recent hourly candles, dense by hour, as the cross-section reads them. The
//! batch builder loads one over its whole range; the live builder keeps one for the last
//! [`KEEP_H`] hours and appends each new hour. Values at t read only the cells of the
//! [`LOOKBACK_H`] hours before t, so both give the same numbers as long as they hold the
//! same candles there.

use std::collections::BTreeMap;

use cst_indicators::WARMUP_CANDLES;
use cst_market::Candle;
use cst_store::Store;

use super::LOOKBACK_H;
use crate::{FeatureError, HOUR};

/// Hours a panel holds before the newest t it answers: the lookback, plus the contiguous
/// run that decides whether the oldest hour read is in its universe.
pub(crate) const KEEP_H: i64 = LOOKBACK_H + WARMUP_CANDLES as i64;

/// One pair's candles by open time: index i is the candle that opens at `start + i h`.
/// A missing hour is NaN in every column (a gap stays a gap).
#[derive(Debug, Clone, Default)]
pub(crate) struct Series {
    start: i64,
    close: Vec<f64>,
    high: Vec<f64>,
    low: Vec<f64>,
    /// Close times volume: the hour's dollar (quote) volume.
    dollar_volume: Vec<f64>,
    /// Contiguous candles ending at this one, counted up to the technical warm-up.
    run: Vec<u16>,
}

/// The cells of the candle that closes at t.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell {
    pub high: f64,
    pub low: f64,
    pub dollar_volume: f64,
}

impl Series {
    fn push(&mut self, c: &Candle) {
        if self.close.is_empty() {
            self.start = c.open_time;
        }
        let next = self.start + self.close.len() as i64 * HOUR;
        if c.open_time < next {
            // Older than the newest held: the store answers in order, so only a candle
            // stored late (after this hour was read) comes here; the panel keeps what it read.
            return;
        }
        while self.start + (self.close.len() as i64) * HOUR < c.open_time {
            self.close.push(f64::NAN);
            self.high.push(f64::NAN);
            self.low.push(f64::NAN);
            self.dollar_volume.push(f64::NAN);
            self.run.push(0);
        }
        let run = self.run.last().map_or(1, |r| {
            if self.close.last().is_some_and(|c| c.is_finite()) {
                r.saturating_add(1).min(WARMUP_CANDLES as u16)
            } else {
                1
            }
        });
        self.close.push(c.close);
        self.high.push(c.high);
        self.low.push(c.low);
        self.dollar_volume.push(c.close * c.volume);
        self.run.push(run);
    }

    fn index(&self, t: i64) -> Option<usize> {
        // The candle closing at t opens at t - 1 h.
        let open = t - HOUR;
        if open < self.start || (open - self.start) % HOUR != 0 {
            return None;
        }
        let i = ((open - self.start) / HOUR) as usize;
        (i < self.close.len()).then_some(i)
    }

    /// The candle that closes at `t`, if stored.
    pub(crate) fn at(&self, t: i64) -> Option<Cell> {
        let i = self.index(t)?;
        self.close[i].is_finite().then(|| Cell {
            high: self.high[i],
            low: self.low[i],
            dollar_volume: self.dollar_volume[i],
        })
    }

    /// The close at `t` (NaN when no candle closed at `t`).
    pub(crate) fn close(&self, t: i64) -> f64 {
        self.index(t).map_or(f64::NAN, |i| self.close[i])
    }

    /// Whether the pair has a complete technical row at `t`: [`WARMUP_CANDLES`] contiguous
    /// candles end at `t`, as the technical engine warms up.
    pub(crate) fn member(&self, t: i64) -> bool {
        self.index(t)
            .is_some_and(|i| usize::from(self.run[i]) >= WARMUP_CANDLES)
    }

    /// Drops the cells opened before `from`.
    fn trim(&mut self, from: i64) {
        if from <= self.start {
            return;
        }
        let n = (((from - self.start) / HOUR) as usize).min(self.close.len());
        for col in [
            &mut self.close,
            &mut self.high,
            &mut self.low,
            &mut self.dollar_volume,
        ] {
            col.drain(..n);
        }
        self.run.drain(..n);
        self.start += n as i64 * HOUR;
    }
}

/// Every pair's [`Series`], in pair-name order (the order every sum over pairs takes, so
/// the batch and live panels add in the same order).
#[derive(Debug, Clone, Default)]
pub(crate) struct Panel {
    pub(crate) pairs: BTreeMap<String, Series>,
    /// Candles with open times before this have been read.
    read_to: i64,
    /// Every candle opened from this time on is held (older ones may have been dropped).
    held_from: i64,
}

impl Panel {
    /// The candles of every pair of `exchange` that close in `(to - KEEP_H h - span, to]`,
    /// where span covers `[from, to]`: everything values in `[from, to]` read.
    pub(crate) fn load(
        store: &Store,
        exchange: &str,
        from: i64,
        to: i64,
    ) -> Result<Panel, FeatureError> {
        let mut panel = Panel {
            pairs: BTreeMap::new(),
            read_to: from - KEEP_H * HOUR,
            held_from: from - KEEP_H * HOUR,
        };
        panel.extend(store, exchange, to)?;
        Ok(panel)
    }

    /// Reads the candles closing by `t` that are newer than what was read, and drops what
    /// no value at `t` reads. Candles stored more than a day after their hour closed are not
    /// read: a live row at t is built from what was stored by then.
    pub(crate) fn extend(
        &mut self,
        store: &Store,
        exchange: &str,
        t: i64,
    ) -> Result<(), FeatureError> {
        if t <= self.read_to {
            return Ok(());
        }
        let from = self.read_to - 24 * HOUR;
        for (pair, c) in store.hourly_candles_between(exchange, from, t)? {
            self.pairs.entry(pair).or_default().push(&c);
        }
        self.read_to = t;
        Ok(())
    }

    /// Drops the cells no value at `t` or later reads (the live panel's bound on memory).
    pub(crate) fn trim_before(&mut self, t: i64) {
        let from = t - KEEP_H * HOUR;
        self.held_from = self.held_from.max(from);
        for s in self.pairs.values_mut() {
            // Trimming in chunks keeps the drain rare.
            if from - s.start > 24 * 7 * HOUR {
                s.trim(from);
            }
        }
        self.pairs.retain(|_, s| !s.close.is_empty());
    }

    /// Whether values at `t` can be read from this panel.
    pub(crate) fn covers(&self, t: i64) -> bool {
        t <= self.read_to && self.holds_lookback(t)
    }

    /// Whether every candle a value at `t` reads is held, once read.
    pub(crate) fn holds_lookback(&self, t: i64) -> bool {
        t - KEEP_H * HOUR >= self.held_from
    }
}
