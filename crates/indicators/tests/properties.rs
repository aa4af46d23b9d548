//! Property tests. The inputs are never invented: proptest picks a real pair, a window of
//! its real candles, a split point and a power-of-two price scale, and the properties must
//! hold on every such choice.

use std::sync::OnceLock;

use cst_indicators::{TechnicalEngine, rebuild, technical::features::idx};
use cst_market::Candle;
use proptest::prelude::*;

use crate::stubs::load_candles;

/// Big and tiny price levels, a stablecoin, a new listing, and two 2021-2022 series that
/// contain real exchange-outage gaps.
const PAIRS: [&str; 6] = [
    "ohlcv-1h/binance-2024/BTC-USDT.csv",
    "ohlcv-1h/binance-2024/PEPE-USDT.csv",
    "ohlcv-1h/binance-2024/EURI-USDT.csv",
    "ohlcv-1h/binance-2024/WIF-USDT.csv",
    "ohlcv-1h/binance-2021-2022/SOL-USDT.csv",
    "ohlcv-1h/binance-2021-2022/FTT-USDT.csv",
];

fn series() -> &'static [Vec<Candle>] {
    static SERIES: OnceLock<Vec<Vec<Candle>>> = OnceLock::new();
    SERIES.get_or_init(|| PAIRS.iter().map(|p| load_candles(p, false, None)).collect())
}

/// A real window: (pair, start, len), with len enough for a few rows.
fn window() -> impl Strategy<Value = (usize, usize, usize)> {
    (0..series().len(), 0.0..1.0f64, 170usize..700).prop_map(|(p, at, len)| {
        let n = series()[p].len();
        let len = len.min(n);
        (p, ((n - len) as f64 * at) as usize, len)
    })
}

proptest! {
    // No regression files: a failure prints its real (pair, start, len) to rerun by hand.
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_feature_is_finite_and_in_its_range((p, start, len) in window()) {
        for (t, r) in rebuild(&series()[p][start..start + len]) {
            prop_assert!(r.iter().all(|v| v.is_finite()), "t={t}: {r:?}");
            // 0..=100 up to the residue TA-Lib's SMA running total carries: three %K of
            // exactly 100 can average to 100.00000000000004, in TA-Lib as here.
            for i in [idx::RSI14, idx::ADX14, idx::STOCH_K, idx::STOCH_D] {
                prop_assert!((-1e-9..=100.0 + 1e-9).contains(&r[i]), "t={t} feature {i}: {}", r[i]);
            }
            prop_assert!(r[idx::OBV_FLOW_24H].abs() <= 1.0 + 1e-12);
            prop_assert!(r[idx::RV_24H] >= 0.0 && r[idx::RV_7D] >= 0.0);
            prop_assert!(r[idx::BB_WIDTH] >= 0.0 && r[idx::NATR14] >= 0.0 && r[idx::HL_RANGE] >= 0.0);
        }
    }

    /// Stopping anywhere, cloning the engine, and going on gives what one pass gives:
    /// a backtest can fork state, a live agent can restart from a checkpoint copy.
    #[test]
    fn pausing_and_cloning_anywhere_changes_nothing(
        (p, start, len) in window(),
        split in 0.0..1.0f64,
    ) {
        let candles = &series()[p][start..start + len];
        let m = (candles.len() as f64 * split) as usize;
        let mut first = TechnicalEngine::new();
        let mut rows = Vec::new();
        for c in &candles[..m] {
            if let Some(r) = first.step(c).unwrap() { rows.push(r); }
        }
        let mut forked = first.clone();
        for c in &candles[m..] {
            if let Some(r) = forked.step(c).unwrap() { rows.push(r); }
        }
        let whole: Vec<_> = rebuild(candles).into_iter().map(|(_, r)| r).collect();
        prop_assert_eq!(rows.len(), whole.len());
        for (a, b) in rows.iter().zip(&whole) {
            prop_assert!(a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()));
        }
    }

    #[test]
    fn power_of_two_price_scaling_changes_no_bit(
        (p, start, len) in window(),
        exponent in -40i32..40,
    ) {
        let candles = &series()[p][start..start + len];
        let factor = 2f64.powi(exponent);
        let scaled: Vec<Candle> = candles.iter().map(|c| Candle {
            open: c.open * factor, high: c.high * factor, low: c.low * factor,
            close: c.close * factor, ..*c
        }).collect();
        let (a, b) = (rebuild(candles), rebuild(&scaled));
        prop_assert_eq!(a.len(), b.len());
        for ((_, x), (_, y)) in a.iter().zip(&b) {
            prop_assert!(x.iter().zip(y).all(|(u, v)| u.to_bits() == v.to_bits()));
        }
    }
}
