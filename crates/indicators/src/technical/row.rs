//! From indicator readings to the feature row: pure arithmetic, no state.

use super::features::{TechRow, idx};
use crate::{momentum::MacdOutput, volatility::BollingerOutput};

/// Everything one row is computed from, all taken at the same candle.
#[derive(Debug, Clone, Copy)]
pub struct Readings {
    pub high: f64,
    pub low: f64,
    pub close: f64,
    pub volume: f64,
    /// Closes 1, 4, 24 and 168 hours before this one.
    pub close_1h: f64,
    pub close_4h: f64,
    pub close_24h: f64,
    pub close_7d: f64,
    pub ema10: f64,
    pub ema50: f64,
    pub sma20: f64,
    pub rsi14: f64,
    pub macd: MacdOutput,
    pub bb: BollingerOutput,
    pub atr14: f64,
    pub adx14: f64,
    /// OBV now and 24 hours before.
    pub obv: f64,
    pub obv_24h: f64,
    pub stoch_k: f64,
    pub stoch_d: f64,
    pub roc10: f64,
    /// Sums of squared hourly log returns over the last 24 and 168 hours.
    pub sq_returns_24h: f64,
    pub sq_returns_7d: f64,
    pub volume_sum_24h: f64,
    pub volume_mean_7d: f64,
    pub volume_var_7d: f64,
}

/// ADX at or above this is a trending market (Wilder).
pub const TREND_ADX: f64 = 25.0;

/// The row for one candle; see [`super::features::idx`] for each definition.
#[inline]
pub fn row(r: &Readings) -> TechRow {
    let inv_close = 1.0 / r.close;
    let mut row = [0.0; super::features::N_FEATURES];
    row[idx::RET_1H] = r.close / r.close_1h - 1.0;
    row[idx::RET_4H] = r.close / r.close_4h - 1.0;
    row[idx::RET_24H] = r.close / r.close_24h - 1.0;
    row[idx::RET_7D] = r.close / r.close_7d - 1.0;
    row[idx::EMA10_REL] = r.ema10 * inv_close - 1.0;
    row[idx::EMA50_REL] = r.ema50 * inv_close - 1.0;
    row[idx::SMA20_REL] = r.sma20 * inv_close - 1.0;
    row[idx::EMA10_50] = r.ema10 / r.ema50 - 1.0;
    row[idx::RSI14] = r.rsi14;
    row[idx::MACD_REL] = r.macd.macd * inv_close;
    row[idx::MACD_SIGNAL_REL] = r.macd.signal * inv_close;
    row[idx::MACD_HIST_REL] = r.macd.hist * inv_close;
    let width = r.bb.upper - r.bb.lower;
    row[idx::BB_PCTB] = if width > 0.0 {
        (r.close - r.bb.lower) / width
    } else {
        0.5
    };
    row[idx::BB_WIDTH] = width / r.bb.middle;
    row[idx::NATR14] = r.atr14 * inv_close;
    row[idx::ADX14] = r.adx14;
    row[idx::OBV_FLOW_24H] = if r.volume_sum_24h > 0.0 {
        (r.obv - r.obv_24h) / r.volume_sum_24h
    } else {
        0.0
    };
    row[idx::STOCH_K] = r.stoch_k;
    row[idx::STOCH_D] = r.stoch_d;
    row[idx::ROC10] = r.roc10;
    // A windowed sum of squares can round a hair below zero; the root must not be NaN.
    let rv_24h = (r.sq_returns_24h.max(0.0) * (1.0 / 24.0)).sqrt();
    let rv_7d = (r.sq_returns_7d.max(0.0) * (1.0 / 168.0)).sqrt();
    row[idx::RV_24H] = rv_24h;
    row[idx::RV_7D] = rv_7d;
    row[idx::VOLUME_Z] = if r.volume_var_7d > 0.0 {
        (r.volume - r.volume_mean_7d) / r.volume_var_7d.sqrt()
    } else {
        0.0
    };
    row[idx::HL_RANGE] = (r.high - r.low) * inv_close;
    row[idx::REGIME_TREND] = if r.adx14 >= TREND_ADX { 1.0 } else { 0.0 };
    row[idx::REGIME_HIGH_VOL] = if rv_24h > rv_7d { 1.0 } else { 0.0 };
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BTC-USDT 2024-01-01 07:00 (binance-2024) prices, with the window quantities set to
    /// the degenerate values a halted market would give.
    fn halted() -> Readings {
        let p = 42494.07;
        Readings {
            high: p,
            low: p,
            close: p,
            volume: 0.0,
            close_1h: p,
            close_4h: p,
            close_24h: p,
            close_7d: p,
            ema10: p,
            ema50: p,
            sma20: p,
            rsi14: 0.0,
            macd: MacdOutput {
                macd: 0.0,
                signal: 0.0,
                hist: 0.0,
            },
            bb: BollingerOutput {
                upper: p,
                middle: p,
                lower: p,
            },
            atr14: 0.0,
            adx14: 0.0,
            obv: 1271.68108,
            obv_24h: 1271.68108,
            stoch_k: 0.0,
            stoch_d: 0.0,
            roc10: 0.0,
            sq_returns_24h: 0.0,
            sq_returns_7d: 0.0,
            volume_sum_24h: 0.0,
            volume_mean_7d: 0.0,
            volume_var_7d: 0.0,
        }
    }

    #[test]
    fn degenerate_windows_have_defined_finite_answers() {
        let r = row(&halted());
        assert!(r.iter().all(|v| v.is_finite()), "{r:?}");
        assert_eq!(r[idx::BB_PCTB], 0.5, "zero-width band: the middle");
        assert_eq!(r[idx::VOLUME_Z], 0.0, "constant volume: no surprise");
        assert_eq!(r[idx::OBV_FLOW_24H], 0.0, "no volume: no flow");
        assert_eq!((r[idx::REGIME_TREND], r[idx::REGIME_HIGH_VOL]), (0.0, 0.0));
    }

    #[test]
    fn a_rounding_residue_below_zero_does_not_make_volatility_nan() {
        let r = row(&Readings {
            sq_returns_24h: -1e-22,
            ..halted()
        });
        assert_eq!(r[idx::RV_24H], 0.0);
    }

    #[test]
    fn regime_flags_switch_exactly_at_their_thresholds() {
        let at = |adx14, sq_24h: f64, sq_7d: f64| {
            row(&Readings {
                adx14,
                sq_returns_24h: sq_24h,
                sq_returns_7d: sq_7d,
                ..halted()
            })
        };
        assert_eq!(at(25.0, 0.0, 0.0)[idx::REGIME_TREND], 1.0);
        assert_eq!(at(24.999999, 0.0, 0.0)[idx::REGIME_TREND], 0.0);
        // Equal mean squares: not higher, so not a high-volatility regime.
        assert_eq!(at(0.0, 24e-4, 168e-4)[idx::REGIME_HIGH_VOL], 0.0);
        assert_eq!(at(0.0, 25e-4, 168e-4)[idx::REGIME_HIGH_VOL], 1.0);
    }
}
