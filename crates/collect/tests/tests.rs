//! One collection run against a loopback server answering with Kraken's real captured
//! responses (../shared/data/kraken-api, 2025-11-11, XBT/USDT), read in place.

use std::sync::Arc;

use axum::{Router, extract::Path as UrlPath, routing::get};
use cst_clock::SimClock;
use cst_config::{Config, Home};
use cst_store::{CandleKey, Store};

fn capture(name: &str) -> String {
    let path = cst_testkit::data("kraken-api").join(name);
    std::fs::read_to_string(path).unwrap()
}

/// Serves the captures; ignores query parameters, like a server that always returns the
/// same recorded page.
async fn kraken_capture() -> String {
    let files: Arc<Vec<(&str, String)>> = Arc::new(
        [
            ("AssetPairs", "http_asset_pairs.json"),
            ("OHLC", "http_ohlc.json"),
            ("Trades", "http_trades.json"),
            ("Depth", "http_order_book.json"),
            ("Time", "http_server_time.json"),
        ]
        .into_iter()
        .map(|(endpoint, file)| (endpoint, capture(file)))
        .collect(),
    );
    let app = Router::new().route(
        "/0/public/{endpoint}",
        get(move |UrlPath(endpoint): UrlPath<String>| {
            let files = files.clone();
            async move {
                files
                    .iter()
                    .find(|(e, _)| *e == endpoint)
                    .map(|(_, body)| body.clone())
                    .unwrap_or_default()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn config(url: &str) -> Config {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = cst_config::load(&Home::new(dir.path()), None).unwrap();
    cfg.collector.base_url = url.to_string();
    cfg.collector.quotes = vec!["USDT".into()];
    cfg.collector.min_request_interval = std::time::Duration::ZERO;
    cfg
}

#[tokio::test]
async fn a_run_on_real_captures_stores_trades_and_depth_and_refuses_one_minute_candles() {
    let url = kraken_capture().await;
    let cfg = config(&url);
    let client = cst_exchange::KrakenClient::new({
        let mut k = cst_exchange::KrakenConfig::new(url.clone());
        k.min_interval = std::time::Duration::ZERO;
        k
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("cst.db")).unwrap();
    // The captures were taken at 2025-11-11 00:17 UTC.
    let clock = SimClock::new(1_762_820_248);

    let report = cst_collect::run_cycle(&client, &mut store, &clock, &cfg.collector)
        .await
        .unwrap();
    assert_eq!(report.live, 1);
    assert_eq!(report.listing.added, ["XBT/USDT"]);
    // The captured OHLC is 1-minute candles: refused as a page, nothing stored as hours.
    assert!(
        report
            .failed
            .iter()
            .any(|(p, why)| p == "XBT/USDT" && why.contains("not 1-hour candles")),
        "{:?}",
        report.failed
    );
    let key = CandleKey::new("kraken", "XBT/USDT", cst_market::Timeframe::H1);
    assert_eq!(store.candle_count(&key).unwrap(), 0);
    // 1,000 real trades stored, the cursor at Kraken's `last`.
    assert_eq!(report.trades_inserted, 1000);
    assert_eq!(
        store.trade_cursor("kraken", "XBT/USDT").unwrap(),
        Some(1_762_820_035_982_277_754)
    );
    // Every page was full (1,000 trades), so the collector never saw the end of the
    // exchange's trades: nothing is claimed complete yet.
    assert_eq!(store.trade_coverage("kraken", "XBT/USDT").unwrap(), None);
    let trades = store
        .trades_between("kraken", "XBT/USDT", 0, i64::MAX)
        .unwrap();
    assert_eq!(
        (trades.first().unwrap().id, trades.last().unwrap().id),
        (10218208, 10219207)
    );
    assert_eq!(trades[0].price, 105433.6);
    // One depth snapshot with the captured best ask.
    let depth = store.latest_depth("kraken", "XBT/USDT").unwrap().unwrap();
    assert_eq!(depth.asks[0].price, 105944.3);
    assert_eq!(depth.at, 1_762_820_248);
    // Coverage tells the truth: the one live pair has no candles.
    let audit = report.coverage.unwrap();
    assert_eq!((audit.live, audit.covered), (1, 0));
    assert!(audit.missing[0].contains("no candles stored"));

    // A second run resumes from the cursor; the server repeats its page, nothing is doubled.
    let again = cst_collect::run_cycle(&client, &mut store, &clock, &cfg.collector)
        .await
        .unwrap();
    assert_eq!(again.trades_inserted, 0);
    assert_eq!(
        store
            .trades_between("kraken", "XBT/USDT", 0, i64::MAX)
            .unwrap()
            .len(),
        1000
    );
}

/// Hourly (open, high, low, close, volume, count) computed straight from the capture file,
/// independently of the store's SQL.
fn hours_from_capture() -> Vec<(i64, [f64; 5], u64)> {
    let json: serde_json::Value = serde_json::from_str(&capture("http_trades.json")).unwrap();
    let rows = json["result"]["XBTUSDT"].as_array().unwrap();
    let mut hours: std::collections::BTreeMap<i64, ([f64; 5], u64)> = Default::default();
    for r in rows {
        let price: f64 = r[0].as_str().unwrap().parse().unwrap();
        let volume: f64 = r[1].as_str().unwrap().parse().unwrap();
        let hour = (r[2].as_f64().unwrap() as i64).div_euclid(3600) * 3600;
        let e = hours
            .entry(hour)
            .or_insert(([price, price, price, price, 0.0], 0));
        e.0[1] = e.0[1].max(price);
        e.0[2] = e.0[2].min(price);
        e.0[3] = price;
        e.0[4] += volume;
        e.1 += 1;
    }
    hours.into_iter().map(|(h, (v, n))| (h, v, n)).collect()
}

#[tokio::test]
async fn backfill_rebuilds_older_hours_from_real_trades_and_stops_where_it_planned() {
    let url = kraken_capture().await;
    let mut cfg = config(&url);
    cfg.collector.trades = false;
    cfg.collector.depth_levels = 0;
    cfg.collector.backfill_hours = 6;
    let client = cst_exchange::KrakenClient::new({
        let mut k = cst_exchange::KrakenConfig::new(url.clone());
        k.min_interval = std::time::Duration::ZERO;
        k
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("cst.db")).unwrap();
    let key = CandleKey::new("kraken", "XBT/USDT", cst_market::Timeframe::H1);
    let hours = hours_from_capture();
    // The exchange's own candle history begins at 23:00 (the capture's hourly aggregate
    // stands in for it): the backfill must end exactly there.
    let (h, v, n) = *hours.iter().find(|(h, _, _)| *h == 1_762_815_600).unwrap();
    let exchange_candle = cst_market::Candle {
        open_time: h,
        open: v[0],
        high: v[1],
        low: v[2],
        close: v[3],
        volume: v[4],
        trades: Some(n),
    };
    store
        .insert_candles(&key, &[exchange_candle], "exchange")
        .unwrap();
    // 6 hours before 2025-11-11 00:17 is 18:17, so the backfill starts at 18:00; the
    // capture's first trade is at 17:23, and the partial 17:00 hour must not be built.
    let clock = SimClock::new(1_762_820_248);
    let report = cst_collect::run_cycle(&client, &mut store, &clock, &cfg.collector)
        .await
        .unwrap();
    let expected: Vec<_> = hours
        .into_iter()
        .filter(|(h, _, _)| (1_762_797_600..1_762_815_600).contains(h))
        .collect();
    assert_eq!(expected.len(), 5, "{expected:?}");
    assert_eq!(report.backfilled, 5);
    let stored = store.candles_between(&key, 0, 1_762_815_600).unwrap();
    assert_eq!(stored.len(), expected.len());
    for (c, (hour, v, n)) in stored.iter().zip(&expected) {
        assert_eq!(c.open_time, *hour);
        assert_eq!(
            [c.open, c.high, c.low, c.close],
            [v[0], v[1], v[2], v[3]],
            "hour {hour}"
        );
        assert!(
            (c.volume - v[4]).abs() < 1e-9,
            "hour {hour}: {} vs {}",
            c.volume,
            v[4]
        );
        assert_eq!(c.trades, Some(*n));
    }
    let cursor = store
        .backfill_cursor("kraken", "XBT/USDT")
        .unwrap()
        .unwrap();
    assert!(cursor.done(), "{cursor:?}");
    // Done means done: the next run stores nothing new.
    let again = cst_collect::run_cycle(&client, &mut store, &clock, &cfg.collector)
        .await
        .unwrap();
    assert_eq!(again.backfilled, 0);
    assert_eq!(store.candle_count(&key).unwrap(), 6);
}
