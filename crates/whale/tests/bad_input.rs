//! Bad input is a typed error naming the culprit, never a silently dropped row.

use cst_market::TradeRejection;
use cst_whale::{
    ConfigError, DetectorConfig, SpoofConfig, WhaleDetector, WhaleError, classify, hourly_flow,
    spoof_candidates,
};

use crate::helper::{BTC_USD_FEB_2020, eth_btc, eth_cfg, xbtusdt, xbtusdt_book};

#[test]
fn nan_and_negative_prices_or_volumes_are_refused_with_their_index() {
    let mut trades = eth_btc()[..300].to_vec();
    trades[150].price = f64::NAN;
    assert!(matches!(
        classify(&trades, BTC_USD_FEB_2020, &eth_cfg()),
        Err(WhaleError::BadTrade {
            index: 150,
            reason: TradeRejection::NotPositive { field: "price", .. },
            ..
        })
    ));
    let mut trades = eth_btc()[..300].to_vec();
    trades[7].volume = -trades[7].volume;
    assert!(matches!(
        classify(&trades, BTC_USD_FEB_2020, &eth_cfg()),
        Err(WhaleError::BadTrade {
            index: 7,
            reason: TradeRejection::NotPositive {
                field: "volume",
                ..
            },
            ..
        })
    ));
}

#[test]
fn unsorted_trades_are_refused_not_reordered() {
    let mut trades = xbtusdt();
    // Trades 5 and 6 are 8.5 s apart (trades 10 and 11 share a timestamp: equal is fine).
    trades.swap(5, 6);
    let Err(err) = classify(&trades, 1.0, &DetectorConfig::default()) else {
        panic!("unsorted trades accepted");
    };
    assert!(
        matches!(err, WhaleError::Unsorted { index: 6, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("sort trades by time"));
    let c = classify(&xbtusdt(), 1.0, &DetectorConfig::default()).unwrap();
    let mut shuffled = c.clone();
    shuffled.swap(500, 900);
    assert!(matches!(
        hourly_flow(&shuffled, 1_762_797_600),
        Err(WhaleError::Unsorted { .. })
    ));
}

#[test]
fn a_refused_trade_leaves_the_stream_intact() {
    let trades = eth_btc();
    let mut with_error = WhaleDetector::new(eth_cfg()).unwrap();
    let mut clean = WhaleDetector::new(eth_cfg()).unwrap();
    for (i, &t) in trades[..400].iter().enumerate() {
        if i == 200 {
            let bad = cst_market::Trade {
                volume: f64::INFINITY,
                ..t
            };
            assert!(with_error.push(bad, BTC_USD_FEB_2020).is_err());
            let stale = cst_market::Trade {
                time_ns: trades[0].time_ns,
                ..t
            };
            assert!(matches!(
                with_error.push(stale, BTC_USD_FEB_2020),
                Err(WhaleError::Unsorted { .. })
            ));
        }
        assert_eq!(
            with_error.push(t, BTC_USD_FEB_2020),
            clean.push(t, BTC_USD_FEB_2020)
        );
    }
}

#[test]
fn a_bad_quote_rate_is_refused() {
    for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            classify(eth_btc(), rate, &eth_cfg()),
            Err(WhaleError::BadQuoteRate(_))
        ));
        let book = xbtusdt_book();
        assert!(matches!(
            spoof_candidates(&book, &book, &[], rate, &SpoofConfig::default()),
            Err(WhaleError::BadQuoteRate(_))
        ));
    }
}

#[test]
fn a_bad_config_lists_every_problem() {
    let cfg = DetectorConfig {
        median_window: 50,
        min_history: 100,
        median_multiple: f64::NAN,
        usd_floor: -1.0,
    };
    let Err(WhaleError::Config(ConfigError(issues))) = WhaleDetector::new(cfg) else {
        panic!("config accepted");
    };
    let fields: Vec<_> = issues.iter().map(|i| i.field).collect();
    assert_eq!(fields, ["min_history", "median_multiple", "usd_floor"]);
    let spoof = SpoofConfig {
        top_n: 0,
        size_multiple: 0.0,
        usd_floor: 0.0,
        max_gap_secs: 0,
    };
    assert_eq!(spoof.validate().unwrap_err().0.len(), 3);
}

#[test]
fn an_unaligned_hour_is_refused() {
    let c = classify(&xbtusdt(), 1.0, &DetectorConfig::default()).unwrap();
    assert_eq!(
        hourly_flow(&c, 1_762_797_601),
        Err(WhaleError::UnalignedHour(1_762_797_601))
    );
}

#[test]
fn a_bad_trade_among_spoof_trades_is_refused() {
    let book = xbtusdt_book();
    let mut trades = xbtusdt();
    trades[3].price = -1.0;
    assert!(matches!(
        spoof_candidates(&book, &book, &trades, 1.0, &SpoofConfig::default()),
        Err(WhaleError::BadTrade { index: 3, .. })
    ));
}
