//! The backtest's `signal` report (../shared/SIGNAL.md): every prediction the simulated
//! service made, scored against what the pair then did, per horizon. The rows are out of
//! sample by construction (each hour is served by a model trained before it), the score is
//! the ranking model's, the absolute probability is P(up), a call is gated when the risk
//! agent's gate passed it, and the round trip is the gate's: two taker fees plus twice the
//! half-spread of the quote at t.

use std::collections::BTreeMap;

use cst_calibrate::{
    CalibError,
    signal::{EvalRow, Signal, signal},
};
use cst_store::StoredPrediction;
use cst_trade::{Candidate, Fees, HOUR, Market, market::QuoteSpec};

/// Rows gathered hour by hour, per horizon.
#[derive(Debug, Default)]
pub struct SignalRows {
    rows: BTreeMap<u32, Vec<EvalRow>>,
    /// Per horizon: Σ over rows of the serving model's training base rate of E (from its
    /// report's `signal`, at the training's round trip), and the rows that had one (for
    /// `train_base_rate`, their mean).
    base: BTreeMap<u32, (f64, u64)>,
    /// Predictions whose horizon ends after the data: no outcome yet.
    pub unresolved: u64,
    /// Predictions without a quote at t (no spread estimate, so no round trip).
    pub unpriced: u64,
    /// Predictions without a ranking score (their model had no ranking model): in the
    /// absolute figures, left out of the ranking ones.
    pub unscored: u64,
}

impl SignalRows {
    /// Scores the hour's predictions; `passed` are the gate's candidates,
    /// `base_rate(h)` the serving model's training base rate of E.
    #[allow(clippy::too_many_arguments)]
    pub fn push_hour(
        &mut self,
        t: i64,
        preds: &[StoredPrediction],
        passed: &[Candidate],
        market: &Market,
        quote: &QuoteSpec,
        fees: &Fees,
        base_rate: impl Fn(u32) -> Option<f64>,
    ) {
        for p in preds {
            let h = p.horizon_h;
            let later = market.bar_closing_at(&p.pair, t + i64::from(h) * HOUR);
            let (Some(now), Some(later)) = (market.bar_closing_at(&p.pair, t), later) else {
                self.unresolved += 1;
                continue;
            };
            let Ok(q) = market.quote(&p.pair, t, quote) else {
                self.unpriced += 1;
                continue;
            };
            let gated = passed.iter().any(|c| c.pair == p.pair && c.horizon_h == h);
            self.unscored += u64::from(p.score.is_none());
            self.rows.entry(h).or_default().push(EvalRow {
                t,
                score: p.score,
                q: Some(p.p_up),
                r: (later.close / now.close).ln(),
                cost: 2.0 * fees.rate(&p.pair) + 2.0 * q.half_spread,
                gated,
            });
            if let Some(b) = base_rate(h) {
                let e = self.base.entry(h).or_default();
                e.0 += b;
                e.1 += 1;
            }
        }
    }

    /// One `signal` object per horizon with rows, in horizon order.
    pub fn finish(&self) -> Result<Vec<Signal>, CalibError> {
        self.rows
            .iter()
            .map(|(&h, rows)| {
                let base = self
                    .base
                    .get(&h)
                    .filter(|(_, n)| *n > 0)
                    .map(|(s, n)| s / *n as f64);
                signal(h, rows, base)
            })
            .collect()
    }
}
