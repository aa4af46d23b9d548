//! Whale classification on real ETH/BTC and XBTUSDT trades.

use cst_whale::{DetectorConfig, Verdict, classify};

use crate::helper::{BTC_USD_FEB_2020, eth_btc, eth_cfg, eth_naive, naive_whales, xbtusdt};

#[test]
fn eth_btc_whales_are_exactly_the_trades_above_the_naive_threshold() {
    let trades = eth_btc();
    assert_eq!(trades.len(), 13_814);
    let got = classify(trades, BTC_USD_FEB_2020, &eth_cfg()).unwrap();
    let want = eth_naive();
    for (i, (c, w)) in got.iter().zip(want).enumerate() {
        match (c.verdict, w) {
            (Verdict::Warmup { history, needed }, None) => assert_eq!((history, needed), (i, 100)),
            (Verdict::Whale { threshold_usd }, Some((true, t)))
            | (Verdict::Ordinary { threshold_usd }, Some((false, t))) => {
                assert_eq!(threshold_usd, *t, "trade {i}")
            }
            other => panic!("trade {i}: {other:?}"),
        }
    }
    let whales = got.iter().filter(|c| c.is_whale() == Some(true)).count();
    // Reference count from an independent Python recomputation (statistics.median).
    assert_eq!(whales, 168);
    for c in got.iter().filter(|c| c.is_whale() == Some(true)) {
        assert!(
            c.notional_usd > 10_000.0,
            "a whale is above the floor: {c:?}"
        );
    }
}

#[test]
fn the_biggest_trade_of_the_file_is_a_whale() {
    let trades = eth_btc();
    let got = classify(trades, BTC_USD_FEB_2020, &eth_cfg()).unwrap();
    let biggest = got
        .iter()
        .max_by(|a, b| a.notional_usd.total_cmp(&b.notional_usd))
        .unwrap();
    // 382.97 ETH at 0.02693 BTC, a market buy on 2020-02-20.
    assert_eq!(
        (biggest.trade.price, biggest.trade.volume),
        (0.02693, 382.97)
    );
    assert!(biggest.trade.taker_buy);
    assert_eq!(biggest.is_whale(), Some(true));

    let xbt = classify(&xbtusdt(), 1.0, &DetectorConfig::default()).unwrap();
    let biggest = xbt
        .iter()
        .max_by(|a, b| a.notional_usd.total_cmp(&b.notional_usd))
        .unwrap();
    assert!(biggest.notional_usd > 150_000.0);
    assert_eq!(biggest.is_whale(), Some(true));
}

#[test]
fn no_verdict_before_min_history_and_unknown_is_not_no() {
    let got = classify(eth_btc(), BTC_USD_FEB_2020, &eth_cfg()).unwrap();
    for (i, c) in got[..100].iter().enumerate() {
        assert_eq!(
            c.verdict,
            Verdict::Warmup {
                history: i,
                needed: 100
            }
        );
        assert_eq!(c.is_whale(), None);
    }
    assert!(got[100].is_whale().is_some());
}

#[test]
fn verdicts_never_look_ahead() {
    // Classifying a prefix must give the same verdicts as classifying the whole file: no
    // trade's threshold may depend on itself or on later trades.
    let trades = eth_btc();
    let full = classify(trades, BTC_USD_FEB_2020, &eth_cfg()).unwrap();
    let biggest = (0..trades.len())
        .max_by(|&a, &b| full[a].notional_usd.total_cmp(&full[b].notional_usd))
        .unwrap();
    let prefix = classify(&trades[..=biggest], BTC_USD_FEB_2020, &eth_cfg()).unwrap();
    assert_eq!(prefix[..], full[..=biggest]);
    // Its own 382.97 ETH would drag a median that included it upward; the threshold
    // equals the naive one over the 500 trades strictly before it.
    assert_eq!(
        eth_naive()[biggest].unwrap().1,
        match full[biggest].verdict {
            Verdict::Whale { threshold_usd } => threshold_usd,
            v => panic!("{v:?}"),
        }
    );
}

#[test]
fn xbtusdt_whales_match_the_naive_rule_too() {
    let trades = xbtusdt();
    let cfg = DetectorConfig {
        median_window: 200,
        min_history: 50,
        median_multiple: 20.0,
        usd_floor: 5_000.0,
    };
    let got = classify(&trades, 1.0, &cfg).unwrap();
    let want = naive_whales(&trades, 1.0, &cfg);
    let got: Vec<Option<bool>> = got.iter().map(|c| c.is_whale()).collect();
    let want: Vec<Option<bool>> = want.iter().map(|w| w.map(|(b, _)| b)).collect();
    assert_eq!(got, want);
    assert!(got.iter().filter(|w| **w == Some(true)).count() > 0);
}

#[test]
fn a_larger_k_or_floor_only_removes_whales() {
    let trades = eth_btc();
    let base = classify(trades, BTC_USD_FEB_2020, &eth_cfg()).unwrap();
    for stricter in [
        DetectorConfig {
            median_multiple: 100.0,
            ..eth_cfg()
        },
        DetectorConfig {
            usd_floor: 25_000.0,
            ..eth_cfg()
        },
    ] {
        let s = classify(trades, BTC_USD_FEB_2020, &stricter).unwrap();
        let (mut kept, mut before) = (0, 0);
        for (a, b) in base.iter().zip(&s) {
            before += usize::from(a.is_whale() == Some(true));
            if b.is_whale() == Some(true) {
                assert_eq!(a.is_whale(), Some(true), "stricter rule found a new whale");
                kept += 1;
            }
        }
        assert!(0 < kept && kept < before, "{kept} of {before}");
    }
}
