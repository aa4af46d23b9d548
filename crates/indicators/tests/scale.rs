//! Scale-freeness: the same candles at another price level give the same features, so one
//! model can serve every pair.

use cst_indicators::{TECHNICAL_FEATURES, TechRow, rebuild};
use cst_market::Candle;

use crate::stubs::load_candles;

fn scaled(candles: &[Candle], factor: f64) -> Vec<Candle> {
    candles
        .iter()
        .map(|c| Candle {
            open: c.open * factor,
            high: c.high * factor,
            low: c.low * factor,
            close: c.close * factor,
            ..*c
        })
        .collect()
}

type Rows = Vec<(i64, TechRow)>;

/// Rows of a real pair, as quoted and with every price times `factor`.
fn rows(rel: &str, factor: f64) -> (Rows, Rows) {
    let candles = load_candles(rel, false, None);
    (rebuild(&candles), rebuild(&scaled(&candles, factor)))
}

/// ×1000 is not a power of two, so every scaled price rounds differently and the features
/// can only agree approximately: to 1e-9, with 1 as the floor for features near zero.
/// (BTC and ETH: on coins quoted in ticks of 1e-8, ×1000 can break an exact +DM/-DM tie in
/// ADX that the original prices had, flipping one bar's direction; that is rounding of the
/// inputs, not a scale dependence, which the power-of-two test below rules out exactly.)
#[test]
fn prices_times_1000_give_the_same_features() {
    for pair in ["BTC-USDT", "ETH-USDT"] {
        let (base, big) = rows(&format!("ohlcv-1h/binance-2024/{pair}.csv"), 1000.0);
        assert_eq!(base.len(), big.len());
        assert!(base.len() > 5000);
        for ((t, a), (tb, b)) in base.iter().zip(&big) {
            assert_eq!(t, tb);
            for (f, (x, y)) in a.iter().zip(b).enumerate() {
                assert!(
                    (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                    "{pair} t={t} {}: {x} vs {y}",
                    TECHNICAL_FEATURES[f]
                );
            }
        }
    }
}

/// Multiplying by a power of two is exact, so any difference would be a constant hidden in
/// the arithmetic (TA-Lib's old fixed 1e-8 zero bands were exactly that). None: the rows
/// are bitwise identical, from PEPE at 1e-6 USDT up to BTC, shrunk or grown a million-fold.
#[test]
fn power_of_two_scaling_is_bitwise_invisible_on_every_price_level() {
    for pair in [
        "BTC-USDT",
        "PEPE-USDT",
        "BONK-USDT",
        "SHIB-USDT",
        "EURI-USDT",
    ] {
        let candles = load_candles(&format!("ohlcv-1h/binance-2024/{pair}.csv"), false, None);
        let base = rebuild(&candles);
        for factor in [2f64.powi(-20), 1024.0, 2f64.powi(20)] {
            let other = rebuild(&scaled(&candles, factor));
            assert_eq!(base.len(), other.len());
            for ((t, a), (_, b)) in base.iter().zip(&other) {
                for (f, (x, y)) in a.iter().zip(b).enumerate() {
                    assert_eq!(
                        x.to_bits(),
                        y.to_bits(),
                        "{pair} ×{factor} t={t} {}",
                        TECHNICAL_FEATURES[f]
                    );
                }
            }
        }
    }
}
