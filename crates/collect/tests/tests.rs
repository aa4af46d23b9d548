//! One collection run against a loopback server answering with Kraken's real captured
//! responses (../shared/data/kraken-api, 2025-11-11, XBT/USDT), read in place.

use std::{path::PathBuf, sync::Arc};

use axum::{Router, extract::Path as UrlPath, routing::get};
use cst_clock::SimClock;
use cst_config::{Config, Home};
use cst_store::{CandleKey, Store};

fn capture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/kraken-api")
        .join(name);
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
