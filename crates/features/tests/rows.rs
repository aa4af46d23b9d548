//! What a feature row holds, and when a pair gets none.

use std::sync::OnceLock;

use cst_features::{Built, FeatureBuilder, FeatureError, Group, HOUR};
use cst_market::Timeframe;
use cst_store::{CandleKey, Store};

use crate::helper::{self, EXCHANGE, FROM};

fn store() -> &'static (tempfile::TempDir, std::path::PathBuf) {
    static S: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cst.db");
        drop(helper::store(&path));
        (dir, path)
    })
}

fn open() -> Store {
    Store::open(&store().1).unwrap()
}

const T: i64 = FROM + 20 * 86_400 + 13 * HOUR;

#[test]
fn technical_values_are_the_engine_over_the_stored_history() {
    let s = open();
    let ctx = helper::ctx(&[(Group::Technical, true)]);
    let built = FeatureBuilder::new(&s, &ctx)
        .row(&helper::pair("BTC-USDT"), T)
        .unwrap();
    let row = built.row().expect("a row 20 days into the candles");
    let key = CandleKey::new(EXCHANGE, "BTC/USDT", Timeframe::H1);
    let candles = s.candles_between(&key, i64::MIN, T).unwrap();
    let (t, expected) = *cst_indicators::rebuild(&candles).last().unwrap();
    assert_eq!(t, T);
    assert_eq!(row.values, expected.to_vec());
    assert_eq!(row.version, ctx.set.version());
    assert_eq!(row.values.len(), ctx.set.names().len());
}

#[test]
fn sentiment_counts_the_real_news_about_the_coin_published_in_the_day_before_t() {
    let s = open();
    let ctx = helper::ctx(&[(Group::Sentiment, true)]);
    let row = FeatureBuilder::new(&s, &ctx)
        .row(&helper::pair("BTC/USDT"), T)
        .unwrap();
    let row = row.row().expect("news was read over the whole day");
    let btc = helper::mapper().coin_of_base("BTC").unwrap();
    let news = helper::news();
    let in_window = |from: i64| {
        news.iter()
            .filter(|n| n.published >= from && n.published < T)
            .filter(|n| n.coins.iter().any(|c| c == btc.as_str()))
            .collect::<Vec<_>>()
    };
    let names = ctx.set.names();
    let col = |name: &str| row.values[names.iter().position(|n| *n == name).unwrap()];
    let day = in_window(T - 24 * HOUR);
    assert!(
        day.len() > 5,
        "Bitcoin is in the news every day: {}",
        day.len()
    );
    assert_eq!(col("sent_count_24h"), day.len() as f64);
    let hour = in_window(T - HOUR);
    assert_eq!(col("sent_count_1h"), hour.len() as f64);
    if hour.is_empty() {
        assert!(
            col("sent_mean_1h").is_nan(),
            "no items: undefined, not neutral"
        );
    } else {
        let mean = hour.iter().map(|n| n.score).sum::<f64>() / hour.len() as f64;
        assert!((col("sent_mean_1h") - mean).abs() < 1e-12);
    }
    assert!(
        col("sent_llm_decayed").is_nan(),
        "no LLM configured: missing"
    );
}

#[test]
fn a_missing_required_group_gives_no_row_and_a_missing_optional_one_gives_nan() {
    let s = open();
    let pair = helper::pair("BTC/USDT");
    // No trades of BTC/USDT are stored: the whale group cannot be built.
    let required = helper::ctx(&[(Group::Technical, true), (Group::Whale, true)]);
    match FeatureBuilder::new(&s, &required).row(&pair, T).unwrap() {
        Built::NoRow { missing, .. } => {
            assert_eq!(missing.len(), 1);
            assert_eq!(missing[0].group, Group::Whale);
            assert!(
                missing[0].reason.contains("trades"),
                "{}",
                missing[0].reason
            );
        }
        Built::Row(r) => panic!("a row without its required whale group: {r:?}"),
    }
    let optional = helper::ctx(&[(Group::Technical, true), (Group::Whale, false)]);
    let built = FeatureBuilder::new(&s, &optional).row(&pair, T).unwrap();
    let row = built.row().expect("whale is optional here");
    let n_tech = Group::Technical.features().len();
    assert!(row.values[..n_tech].iter().all(|v| v.is_finite()));
    assert!(
        row.values[n_tech..].iter().all(|v| v.is_nan()),
        "missing, never zero"
    );
    assert_eq!(row.absent.len(), 1);
    assert_eq!(row.absent[0].group, Group::Whale);
}

#[test]
fn before_warm_up_and_before_the_news_was_read_there_is_no_row_and_it_says_why() {
    let s = open();
    let ctx = helper::ctx(&[(Group::Technical, true), (Group::Sentiment, true)]);
    let built = FeatureBuilder::new(&s, &ctx)
        .row(&helper::pair("BTC/USDT"), FROM + 10 * HOUR)
        .unwrap();
    let Built::NoRow { missing, .. } = built else {
        panic!("ten hours of candles cannot warm 7-day features: {built:?}")
    };
    let reasons: Vec<_> = missing
        .iter()
        .map(|m| (m.group, m.reason.as_str()))
        .collect();
    assert!(
        reasons
            .iter()
            .any(|(g, r)| *g == Group::Technical && r.contains("warming")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|(g, r)| *g == Group::Sentiment && r.contains("read")),
        "{reasons:?}"
    );
    // After the last stored candle: not collected yet, not a stale copy of the last row.
    let built = FeatureBuilder::new(&s, &ctx)
        .row(&helper::pair("BTC/USDT"), helper::TO + 5 * HOUR)
        .unwrap();
    assert!(built.row().is_none());
}

#[test]
fn whale_flow_is_the_detector_over_the_real_trades() {
    let s = open();
    let ctx = helper::ctx(&[(Group::Whale, true)]);
    let trades = helper::eth_btc_trades();
    let classified = cst_whale::classify(
        &trades,
        1.0,
        &cst_whale::DetectorConfig {
            median_window: 500,
            min_history: 100,
            median_multiple: 50.0,
            usd_floor: 5.0,
        },
    )
    .unwrap();
    let first_hour = trades[0].time_ns.div_euclid(3_600_000_000_000) * HOUR;
    let mut rows = 0;
    let mut whales_seen = 0.0;
    for t in (first_hour + 25 * HOUR..first_hour + 84 * HOUR).step_by(HOUR as usize) {
        let built = FeatureBuilder::new(&s, &ctx)
            .row(&helper::pair("ETH/XBT"), t)
            .unwrap();
        let Some(row) = built.row() else { continue };
        rows += 1;
        let in_hour: Vec<_> = classified
            .iter()
            .filter(|c| {
                c.trade.time_ns >= (t - HOUR) * 1_000_000_000 && c.trade.time_ns < t * 1_000_000_000
            })
            .collect();
        let whales = in_hour
            .iter()
            .filter(|c| c.is_whale() == Some(true))
            .count() as f64;
        assert_eq!(row.values[0], whales, "whale_count_1h at {t}");
        assert_eq!(row.values[4], in_hour.len() as f64, "trades_1h at {t}");
        whales_seen += whales;
    }
    assert!(rows > 40, "rows for most covered hours: {rows}");
    assert!(whales_seen > 0.0);
    // Past the last catch-up the trades are not known complete: no row.
    let late = FeatureBuilder::new(&s, &ctx)
        .row(&helper::pair("ETH/XBT"), first_hour + 100 * HOUR)
        .unwrap();
    assert!(late.row().is_none());
}

#[test]
fn a_time_off_the_hour_or_a_bad_pair_is_refused() {
    let s = open();
    let ctx = helper::ctx(&[(Group::Technical, true)]);
    let b = FeatureBuilder::new(&s, &ctx);
    assert!(matches!(
        b.row("BTC/USDT", T + 60),
        Err(FeatureError::NotOnBoundary(_))
    ));
    assert!(matches!(
        b.row("not a pair!", T),
        Err(FeatureError::BadPair(_))
    ));
}
