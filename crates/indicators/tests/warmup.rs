//! Warm-up: our `is_ready()` is false exactly on the rows where TA-Lib returns NaN, and
//! `reset` starts a fresh warm-up.

use cst_indicators::{Ema, Indicator, Macd, Rsi};

use crate::{stubs::FIXTURES, talib_parity::ours};

#[test]
fn not_ready_exactly_where_talib_is_nan() {
    for fixture in FIXTURES {
        let (reference, candles) = fixture.load();
        for col in ours(&candles) {
            let talib = reference.column(col.name);
            for (i, (&ready, t)) in col.ready.iter().zip(talib).enumerate() {
                assert_eq!(
                    ready,
                    !t.is_nan(),
                    "{} {} row {i}: is_ready {ready}, TA-Lib {t}",
                    reference.name,
                    col.name
                );
            }
            let warm_up = talib.iter().take_while(|v| v.is_nan()).count();
            assert!(
                talib[warm_up..].iter().all(|v| !v.is_nan()),
                "NaN after warm-up"
            );
        }
    }
}

#[test]
fn lookback_constants_are_talibs() {
    // TA-Lib's *_Lookback() for the periods the service uses.
    assert_eq!(Ema::<10>::LOOKBACK, 9);
    assert_eq!(Ema::<50>::LOOKBACK, 49);
    assert_eq!(Rsi::<14>::LOOKBACK, 14);
    assert_eq!(Macd::<12, 26, 9>::LOOKBACK, 33);
    assert_eq!(cst_indicators::Adx::<14>::LOOKBACK, 27);
    assert_eq!(cst_indicators::Stoch::<14, 3, 3>::LOOKBACK, 17);
    assert_eq!(cst_indicators::Atr::<14>::LOOKBACK, 14);
    assert_eq!(cst_indicators::Bollinger::<20>::LOOKBACK, 19);
    assert_eq!(cst_indicators::Roc::<10>::LOOKBACK, 10);
    assert_eq!(cst_indicators::Obv::LOOKBACK, 0);
}

#[test]
fn reset_warms_up_again_and_then_agrees_with_a_fresh_indicator() {
    let (_, candles) = FIXTURES[0].load();
    let mut used = Macd::<12, 26, 9>::new();
    for c in &candles[..100] {
        used.update(c.close);
    }
    assert!(used.is_ready());
    used.reset();
    assert!(!used.is_ready());
    let mut fresh = Macd::<12, 26, 9>::new();
    for (i, c) in candles[100..].iter().enumerate() {
        let (a, b) = (used.update(c.close), fresh.update(c.close));
        assert_eq!(a, b, "row {i} after reset");
        assert_eq!(a.is_some(), i >= 33);
    }
}
