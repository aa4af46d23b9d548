//! The technical engine on real series: rebuild equals live stepping, gaps reset, bad
//! candles are refused without side effects, and the row means what its names say.

use cst_indicators::{
    StepError, TECHNICAL_FEATURES, TechRow, TechnicalEngine, WARMUP_CANDLES, rebuild, rebuild_all,
    technical::features::idx,
};
use cst_market::{Candle, Rejection};

use crate::stubs::{FIXTURES, load_candles};

const BTC_2024: &str = "ohlcv-1h/binance-2024/BTC-USDT.csv";
const BTC_2021: &str = "ohlcv-1h/binance-2021-2022/BTC-USDT.csv";

fn step_all(engine: &mut TechnicalEngine, candles: &[Candle]) -> Vec<(i64, TechRow)> {
    candles
        .iter()
        .filter_map(|c| engine.step(c).unwrap().map(|row| (c.open_time + 3600, row)))
        .collect()
}

fn assert_bitwise(a: &[(i64, TechRow)], b: &[(i64, TechRow)]) {
    assert_eq!(a.len(), b.len());
    for ((ta, ra), (tb, rb)) in a.iter().zip(b) {
        assert_eq!(ta, tb);
        for (f, (x, y)) in ra.iter().zip(rb).enumerate() {
            assert_eq!(x.to_bits(), y.to_bits(), "t={ta} {}", TECHNICAL_FEATURES[f]);
        }
    }
}

#[test]
fn stepping_live_equals_rebuild_bitwise() {
    let candles = load_candles(BTC_2024, false, None);
    let mut engine = TechnicalEngine::new();
    let live = step_all(&mut engine, &candles);
    assert_eq!(live.len(), candles.len() - (WARMUP_CANDLES - 1));
    assert_bitwise(&live, &rebuild(&candles));
    let c = engine.counters();
    assert_eq!(
        (c.candles, c.rows, c.gap_resets),
        (candles.len() as u64, live.len() as u64, 0)
    );
}

#[test]
fn first_row_is_the_169th_candle_and_belongs_to_its_close() {
    let candles = load_candles(BTC_2024, false, Some(200));
    let mut engine = TechnicalEngine::new();
    for (i, c) in candles.iter().enumerate() {
        assert_eq!(engine.is_warm(), i >= WARMUP_CANDLES - 1, "candle {i}");
        let row = engine.step(c).unwrap();
        assert_eq!(row.is_some(), i + 1 >= WARMUP_CANDLES, "candle {i}");
        if let Some(row) = row {
            assert!(row.iter().all(|v| v.is_finite()), "candle {i}: {row:?}");
        }
    }
    assert_eq!(WARMUP_CANDLES, 169);
    assert_eq!(rebuild(&candles)[0].0, candles[168].open_time + 3600);
}

/// Binance was down on 2021-08-13 from 02:00 to 05:00 UTC: the 01:00 candle is followed by
/// the 06:00 one. The engine must not bridge it.
#[test]
fn a_real_exchange_outage_resets_and_warms_up_again() {
    let candles = load_candles(BTC_2021, false, Some(2400));
    let gap = candles
        .windows(2)
        .position(|w| w[1].open_time - w[0].open_time != 3600)
        .unwrap()
        + 1;
    assert_eq!(
        (candles[gap - 1].open_time, candles[gap].open_time),
        (1628816400, 1628834400)
    );

    let mut engine = TechnicalEngine::new();
    let rows = step_all(&mut engine, &candles);
    assert_eq!(engine.counters().gap_resets, 1);

    let last_before = candles[gap - 1].open_time + 3600;
    let first_after = candles[gap + WARMUP_CANDLES - 1].open_time + 3600;
    assert!(
        rows.iter().any(|(t, _)| *t == last_before),
        "rows stop only at the gap"
    );
    assert!(
        !rows
            .iter()
            .any(|(t, _)| *t > last_before && *t < first_after),
        "a row was produced before the engine was warm again"
    );
    // After the gap, the rows are those of a series that starts at the gap: nothing from
    // before it leaks through.
    let after: Vec<_> = rows
        .iter()
        .filter(|(t, _)| *t >= first_after)
        .cloned()
        .collect();
    assert_eq!(after[0].0, first_after);
    assert_bitwise(&after, &rebuild(&candles[gap..]));
}

#[test]
fn out_of_order_and_repeated_candles_are_refused_and_change_nothing() {
    let candles = load_candles(BTC_2024, false, Some(400));
    let mut clean = TechnicalEngine::new();
    let mut poked = TechnicalEngine::new();
    for c in &candles[..250] {
        clean.step(c).unwrap();
        poked.step(c).unwrap();
    }
    let previous = candles[249].open_time;
    for bad in [&candles[249], &candles[100], &candles[0]] {
        assert_eq!(
            poked.step(bad),
            Err(StepError::OutOfOrder {
                previous,
                got: bad.open_time
            })
        );
    }
    assert_eq!(poked.counters().out_of_order, 3);
    assert_eq!(poked.last_open_time(), Some(previous));
    assert_bitwise(
        &step_all(&mut poked, &candles[250..]),
        &step_all(&mut clean, &candles[250..]),
    );
    assert_eq!(poked.counters().gap_resets, 0);
}

#[test]
fn invalid_candles_are_refused_with_their_reason() {
    let candles = load_candles(BTC_2024, false, Some(300));
    let mut clean = TechnicalEngine::new();
    let mut poked = TechnicalEngine::new();
    for c in &candles[..200] {
        clean.step(c).unwrap();
        poked.step(c).unwrap();
    }
    let next = candles[200];
    let broken = [
        Candle {
            close: f64::NAN,
            ..next
        },
        Candle { low: 0.0, ..next },
        Candle {
            open_time: next.open_time + 1,
            ..next
        },
    ];
    for bad in broken {
        match poked.step(&bad) {
            Err(StepError::InvalidCandle { open_time, reason }) => {
                assert_eq!(open_time, bad.open_time);
                assert!(matches!(
                    reason,
                    Rejection::NotFinite { .. }
                        | Rejection::NonPositivePrice { .. }
                        | Rejection::OffBoundary { .. }
                ));
            }
            other => panic!("{bad:?} accepted: {other:?}"),
        }
    }
    assert_eq!(poked.counters().invalid, 3);
    assert_bitwise(
        &step_all(&mut poked, &candles[200..]),
        &step_all(&mut clean, &candles[200..]),
    );
}

#[test]
fn regime_flags_follow_their_rules_and_take_both_values() {
    let rows = rebuild(&load_candles(BTC_2024, false, None));
    let mut seen = [[0usize; 2]; 2];
    for (t, r) in &rows {
        let trend = r[idx::ADX14] >= 25.0;
        let high_vol = r[idx::RV_24H] > r[idx::RV_7D];
        assert_eq!(r[idx::REGIME_TREND], if trend { 1.0 } else { 0.0 }, "t={t}");
        assert_eq!(
            r[idx::REGIME_HIGH_VOL],
            if high_vol { 1.0 } else { 0.0 },
            "t={t}"
        );
        seen[0][trend as usize] += 1;
        seen[1][high_vol as usize] += 1;
    }
    assert!(
        seen.iter().flatten().all(|&n| n > 100),
        "a flag never or rarely flips: {seen:?}"
    );
}

/// The row's indicator features are TA-Lib's values put in scale-free form, and the
/// window features are what a two-pass computation over the raw candles gives.
#[test]
fn row_features_match_talib_and_a_two_pass_recomputation() {
    let (reference, candles) = FIXTURES[0].load();
    let col = |n: &str| reference.column(n).to_vec();
    let (ema10, ema50, sma20, rsi, adx) = (
        col("ema_10"),
        col("ema_50"),
        col("sma_20"),
        col("rsi_14"),
        col("adx_14"),
    );
    let (macd, signal, hist) = (col("macd"), col("macd_signal"), col("macd_hist"));
    let (upper, lower, atr, obv) = (col("bb_upper"), col("bb_lower"), col("atr_14"), col("obv"));
    let (k, d, roc) = (col("stoch_k"), col("stoch_d"), col("roc_10"));
    let rows = rebuild(&candles);
    assert_eq!(rows.len(), candles.len() - 168);
    for (j, (_, r)) in rows.iter().enumerate() {
        let i = j + 168;
        let c = &candles[i];
        let close = c.close;
        let near = |got: f64, want: f64, what: &str| {
            assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                "candle {i} {what}: {got} vs {want}"
            )
        };
        near(r[idx::RET_1H], close / candles[i - 1].close - 1.0, "ret_1h");
        near(r[idx::RET_4H], close / candles[i - 4].close - 1.0, "ret_4h");
        near(
            r[idx::RET_24H],
            close / candles[i - 24].close - 1.0,
            "ret_24h",
        );
        near(
            r[idx::RET_7D],
            close / candles[i - 168].close - 1.0,
            "ret_7d",
        );
        near(r[idx::EMA10_REL], ema10[i] / close - 1.0, "ema10_rel");
        near(r[idx::EMA50_REL], ema50[i] / close - 1.0, "ema50_rel");
        near(r[idx::SMA20_REL], sma20[i] / close - 1.0, "sma20_rel");
        near(r[idx::EMA10_50], ema10[i] / ema50[i] - 1.0, "ema10_50");
        near(r[idx::RSI14], rsi[i], "rsi14");
        near(r[idx::MACD_REL], macd[i] / close, "macd_rel");
        near(
            r[idx::MACD_SIGNAL_REL],
            signal[i] / close,
            "macd_signal_rel",
        );
        near(r[idx::MACD_HIST_REL], hist[i] / close, "macd_hist_rel");
        near(
            r[idx::BB_PCTB],
            (close - lower[i]) / (upper[i] - lower[i]),
            "bb_pctb",
        );
        near(
            r[idx::BB_WIDTH],
            (upper[i] - lower[i]) / sma20[i],
            "bb_width",
        );
        near(r[idx::NATR14], atr[i] / close, "natr14");
        near(r[idx::ADX14], adx[i], "adx14");
        let day_volume: f64 = candles[i - 23..=i].iter().map(|c| c.volume).sum();
        near(
            r[idx::OBV_FLOW_24H],
            (obv[i] - obv[i - 24]) / day_volume,
            "obv_flow_24h",
        );
        near(r[idx::STOCH_K], k[i], "stoch_k");
        near(r[idx::STOCH_D], d[i], "stoch_d");
        near(r[idx::ROC10], roc[i], "roc10");
        let rms = |n: usize| {
            let s: f64 = (i + 1 - n..=i)
                .map(|j| (candles[j].close / candles[j - 1].close).ln().powi(2))
                .sum();
            (s / n as f64).sqrt()
        };
        near(r[idx::RV_24H], rms(24), "rv_24h");
        near(r[idx::RV_7D], rms(168), "rv_7d");
        let week = &candles[i - 167..=i];
        let mean = week.iter().map(|c| c.volume).sum::<f64>() / 168.0;
        let var = week.iter().map(|c| (c.volume - mean).powi(2)).sum::<f64>() / 168.0;
        near(r[idx::VOLUME_Z], (c.volume - mean) / var.sqrt(), "volume_z");
        near(r[idx::HL_RANGE], (c.high - c.low) / close, "hl_range");
    }
}

#[test]
fn rebuild_all_keeps_each_pair_in_its_place() {
    let series: Vec<Vec<Candle>> = ["BTC-USDT", "PEPE-USDT", "DOGS-USDT", "ETH-USDT"]
        .iter()
        .map(|p| load_candles(&format!("ohlcv-1h/binance-2024/{p}.csv"), false, None))
        .collect();
    let slices: Vec<&[Candle]> = series.iter().map(Vec::as_slice).collect();
    let all = rebuild_all(&slices);
    assert_eq!(all.len(), series.len());
    for (rows, candles) in all.iter().zip(&series) {
        assert_bitwise(rows, &rebuild(candles));
    }
    assert!(rebuild_all(&[]).is_empty());
}
