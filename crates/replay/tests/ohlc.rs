//! `OHLC` serves exactly the recorded candles up to the simulated now, through the real
//! client: at most 720 closed rows, then the current hour's recorded candle.

use cst_exchange::{Exchange, ExchangeError, OhlcRow};
use cst_market::Candle;

use crate::helper::{HOUR, JUNE_1030, Server, Y2024, recorded};

/// The recorded candle, as the client must have decoded it (vwap and count unknown).
fn same(row: &OhlcRow, c: &Candle) -> bool {
    (row.time, row.open, row.high, row.low, row.close, row.volume)
        == (c.open_time, c.open, c.high, c.low, c.close, c.volume)
        && row.vwap.is_none()
        && row.count == 0
}

#[tokio::test]
async fn closed_rows_and_the_current_hour_are_the_recorded_candles() {
    let server = Server::y2024(JUNE_1030).await;
    let current = JUNE_1030 - 1800;
    let recorded = recorded(Y2024, "BTC-USDT.csv");
    let page = server.client().ohlc("BTCUSDT", 60, None).await.unwrap();
    assert_eq!(page.pair, "BTCUSDT");
    assert_eq!(page.closed.len(), 720);
    assert_eq!(page.closed[0].time, current - 720 * HOUR);
    for row in &page.closed {
        assert!(row.time < current);
        assert!(same(row, &recorded[&row.time]), "{row:?}");
    }
    let unfinished = page.unfinished.expect("the current hour was recorded");
    assert!(same(&unfinished, &recorded[&current]), "{unfinished:?}");
    assert_eq!(page.last, current - HOUR);
}

#[tokio::test]
async fn since_returns_only_newer_candles() {
    let server = Server::y2024(JUNE_1030).await;
    let client = server.client();
    let current = JUNE_1030 - 1800;
    let page = client
        .ohlc("ETHUSDT", 60, Some(current - 10 * HOUR))
        .await
        .unwrap();
    let times: Vec<i64> = page.closed.iter().map(|r| r.time).collect();
    assert_eq!(
        times,
        (1..10)
            .rev()
            .map(|h| current - h * HOUR)
            .collect::<Vec<_>>()
    );
    assert_eq!(page.unfinished.map(|r| r.time), Some(current));
    // Polling again with `last`: nothing new has closed, only the current hour comes back.
    let again = client.ohlc("ETHUSDT", 60, Some(page.last)).await.unwrap();
    assert!(again.closed.is_empty());
    assert_eq!(again.unfinished.map(|r| r.time), Some(current));
    assert_eq!(again.last, page.last);
}

#[tokio::test]
async fn near_the_start_of_the_recording_there_is_less_history() {
    // 2024-01-02 05:10 UTC: 29 closed hours since the recording began.
    let start = 1_704_067_200 + 29 * HOUR + 600;
    let server = Server::y2024(start).await;
    let page = server.client().ohlc("BTCUSDT", 60, None).await.unwrap();
    assert_eq!(page.closed.len(), 29);
    assert_eq!(page.closed[0].time, 1_704_067_200);
}

#[tokio::test]
async fn only_the_60_minute_interval_is_served() {
    let server = Server::y2024(JUNE_1030).await;
    let err = server.client().ohlc("BTCUSDT", 15, None).await.unwrap_err();
    assert!(
        matches!(err, ExchangeError::InvalidArguments { .. }),
        "{err:?}"
    );
    for query in [
        "pair=BTCUSDT",
        "pair=BTCUSDT&interval=1440",
        "pair=BTCUSDT&interval=x",
    ] {
        let body = server.json(&format!("/0/public/OHLC?{query}")).await;
        let error = body["error"][0].as_str().unwrap();
        assert!(
            error.starts_with("EGeneral:Invalid arguments"),
            "{query}: {error}"
        );
    }
}

/// Kraken's row layout, strings where Kraken sends strings, fixed decimals per pair.
#[tokio::test]
async fn rows_have_kraken_s_layout() {
    let server = Server::y2024(JUNE_1030).await;
    let current = JUNE_1030 - 1800;
    let body = server
        .json(&format!(
            "/0/public/OHLC?pair=BTCUSDT&interval=60&since={}",
            current - 2 * HOUR
        ))
        .await;
    let rows = body["result"]["BTCUSDT"].as_array().unwrap();
    assert_eq!(body["error"], serde_json::json!([]));
    assert_eq!(body["result"]["last"], current - HOUR);
    assert_eq!(rows.len(), 2);
    let row = rows[0].as_array().unwrap();
    assert_eq!(row.len(), 8);
    assert_eq!(row[0], current - HOUR);
    assert!(row[1..7].iter().all(|v| v.is_string()), "{row:?}");
    assert_eq!(
        (&row[5], &row[7]),
        (&serde_json::json!("0.0"), &serde_json::json!(0))
    );
    // BTC-USDT prices have at most 2 decimals and volumes 6 in the recording.
    let (open, volume) = (row[1].as_str().unwrap(), row[6].as_str().unwrap());
    assert_eq!(open.split_once('.').unwrap().1.len(), 2, "{open}");
    assert_eq!(volume.split_once('.').unwrap().1.len(), 6, "{volume}");
}
