//! Names and meaning of every technical feature, in row order.
//!
//! Every feature is scale-free: a ratio of prices, a return, a bounded oscillator, or a
//! volume ratio. Multiplying every price of a pair by a constant leaves the row unchanged, so
//! one model serves BTC at 60,000 and PEPE at 0.00001.

/// Number of features in a row.
pub const N_FEATURES: usize = 26;

/// One row: the features of one pair at one hour's close, in [`TECHNICAL_FEATURES`] order.
pub type TechRow = [f64; N_FEATURES];

/// Feature names, in row order; `TECHNICAL_FEATURES[idx::RSI14] == "rsi14"`.
pub const TECHNICAL_FEATURES: [&str; N_FEATURES] = [
    "ret_1h",
    "ret_4h",
    "ret_24h",
    "ret_7d",
    "ema10_rel",
    "ema50_rel",
    "sma20_rel",
    "ema10_50",
    "rsi14",
    "macd_rel",
    "macd_signal_rel",
    "macd_hist_rel",
    "bb_pctb",
    "bb_width",
    "natr14",
    "adx14",
    "obv_flow_24h",
    "stoch_k",
    "stoch_d",
    "roc10",
    "rv_24h",
    "rv_7d",
    "volume_z",
    "hl_range",
    "regime_trend",
    "regime_high_vol",
];

/// Index of each feature in a [`TechRow`]. `close` is the close of the row's candle and
/// every indicator is the TA-Lib-exact one of this crate, on 1-hour candles.
pub mod idx {
    /// `close_t / close_{t-1} - 1`: the last hour's simple return.
    pub const RET_1H: usize = 0;
    /// `close_t / close_{t-4} - 1`.
    pub const RET_4H: usize = 1;
    /// `close_t / close_{t-24} - 1`.
    pub const RET_24H: usize = 2;
    /// `close_t / close_{t-168} - 1`: the week's return; the longest look-back in the row,
    /// and why the warm-up is 169 candles.
    pub const RET_7D: usize = 3;
    /// `ema10 / close - 1`: where price sits against its fast average.
    pub const EMA10_REL: usize = 4;
    /// `ema50 / close - 1`.
    pub const EMA50_REL: usize = 5;
    /// `sma20 / close - 1` (the Bollinger middle band).
    pub const SMA20_REL: usize = 6;
    /// `ema10 / ema50 - 1`: the fast/slow average crossover as a signed distance.
    pub const EMA10_50: usize = 7;
    /// Wilder RSI(14), 0..=100 (already unit-free). A perfectly flat 14-hour window reads 0,
    /// TA-Lib 0.8.1's answer.
    pub const RSI14: usize = 8;
    /// `macd / close`: MACD(12,26,9) is a price difference, so it is divided by price.
    pub const MACD_REL: usize = 9;
    /// `macd_signal / close`.
    pub const MACD_SIGNAL_REL: usize = 10;
    /// `macd_hist / close`.
    pub const MACD_HIST_REL: usize = 11;
    /// `(close - lower) / (upper - lower)` of Bollinger(20, 2): 0 on the lower band, 1 on
    /// the upper. A zero-width band (20 equal closes, so close == middle) gives 0.5, the
    /// middle, instead of 0/0.
    pub const BB_PCTB: usize = 12;
    /// `(upper - lower) / middle`: band width relative to price.
    pub const BB_WIDTH: usize = 13;
    /// `atr14 / close`: normalised ATR as a fraction (TA-Lib's NATR is this times 100).
    pub const NATR14: usize = 14;
    /// ADX(14), 0..=100: trend strength, direction-free.
    pub const ADX14: usize = 15;
    /// `(obv_t - obv_{t-24}) / (sum of the last 24 volumes)`, in -1..=1: the share of the
    /// day's volume that traded on up-closes minus down-closes. The OBV difference cancels
    /// where OBV started; dividing by volume cancels the pair's size. 0 when the day had no
    /// volume at all.
    pub const OBV_FLOW_24H: usize = 16;
    /// Slow stochastic %K (14, 3 SMA), 0..=100.
    pub const STOCH_K: usize = 17;
    /// Slow stochastic %D (3 SMA of %K), 0..=100.
    pub const STOCH_D: usize = 18;
    /// ROC(10) in percent: `(close_t / close_{t-10} - 1) * 100`, TA-Lib's unit.
    pub const ROC10: usize = 19;
    /// Realised volatility over 24 hours: the root mean square of the last 24 hourly log
    /// returns `ln(close_j / close_{j-1})` (not demeaned, not annualised).
    pub const RV_24H: usize = 20;
    /// Realised volatility over 168 hours (7 days), same definition.
    pub const RV_7D: usize = 21;
    /// `(volume_t - mean) / std` over the last 168 volumes including this one, population
    /// std. When the window is constant (std 0, in practice a market with no trades for a
    /// week) the answer is 0: this hour's volume then IS the mean, so "no surprise" is
    /// exact, while a NaN or infinity would poison every model that reads the row.
    pub const VOLUME_Z: usize = 22;
    /// `(high - low) / close` of the row's candle.
    pub const HL_RANGE: usize = 23;
    /// 1.0 if `adx14 >= 25` (Wilder's threshold for a trending market), else 0.0.
    pub const REGIME_TREND: usize = 24;
    /// 1.0 if `rv_24h > rv_7d` (the last day moved more than the week's norm), else 0.0.
    pub const REGIME_HIGH_VOL: usize = 25;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_constants_name_their_column() {
        let pairs = [
            (idx::RET_1H, "ret_1h"),
            (idx::RET_4H, "ret_4h"),
            (idx::RET_24H, "ret_24h"),
            (idx::RET_7D, "ret_7d"),
            (idx::EMA10_REL, "ema10_rel"),
            (idx::EMA50_REL, "ema50_rel"),
            (idx::SMA20_REL, "sma20_rel"),
            (idx::EMA10_50, "ema10_50"),
            (idx::RSI14, "rsi14"),
            (idx::MACD_REL, "macd_rel"),
            (idx::MACD_SIGNAL_REL, "macd_signal_rel"),
            (idx::MACD_HIST_REL, "macd_hist_rel"),
            (idx::BB_PCTB, "bb_pctb"),
            (idx::BB_WIDTH, "bb_width"),
            (idx::NATR14, "natr14"),
            (idx::ADX14, "adx14"),
            (idx::OBV_FLOW_24H, "obv_flow_24h"),
            (idx::STOCH_K, "stoch_k"),
            (idx::STOCH_D, "stoch_d"),
            (idx::ROC10, "roc10"),
            (idx::RV_24H, "rv_24h"),
            (idx::RV_7D, "rv_7d"),
            (idx::VOLUME_Z, "volume_z"),
            (idx::HL_RANGE, "hl_range"),
            (idx::REGIME_TREND, "regime_trend"),
            (idx::REGIME_HIGH_VOL, "regime_high_vol"),
        ];
        assert_eq!(pairs.len(), N_FEATURES);
        for (i, name) in pairs {
            assert_eq!(TECHNICAL_FEATURES[i], name);
        }
    }
}
