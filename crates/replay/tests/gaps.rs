//! The 2021 recording has real exchange outages (2021-08-13 01:00–04:00 UTC is missing for
//! every pair): the replay serves them as gaps, never as filled candles.

use cst_exchange::Exchange;

use crate::helper::{HOUR, Server, Y2021, recorded};

/// The last candle before the outage and the first after it.
const BEFORE: i64 = 1_628_816_400;
const AFTER: i64 = 1_628_834_400;

async fn server(start: i64) -> Server {
    Server::start(&[(Y2021, "BTC-USDT.csv")], start, 0.0).await
}

#[tokio::test]
async fn during_an_outage_there_is_no_unfinished_row() {
    let recorded = recorded(Y2021, "BTC-USDT.csv");
    assert!(
        (BEFORE + HOUR..AFTER)
            .step_by(3600)
            .all(|t| !recorded.contains_key(&t))
    );
    let now = BEFORE + 2 * HOUR + 900;
    let server = server(now).await;
    let body = server.json("/0/public/OHLC?pair=BTCUSDT&interval=60").await;
    let rows = body["result"]["BTCUSDT"].as_array().unwrap();
    let times: Vec<i64> = rows.iter().map(|r| r[0].as_i64().unwrap()).collect();
    assert_eq!(*times.last().unwrap(), BEFORE, "no row for a missing hour");
    assert_eq!(body["result"]["last"], BEFORE);
    assert!(times.iter().all(|t| recorded.contains_key(t)));
    // The client decodes it; together its rows are exactly the recorded ones.
    let page = server.client().ohlc("BTCUSDT", 60, None).await.unwrap();
    let served: Vec<i64> = page
        .closed
        .iter()
        .chain(&page.unfinished)
        .map(|r| r.time)
        .collect();
    assert_eq!(served, times);
    assert_eq!(page.last, BEFORE);
}

#[tokio::test]
async fn after_an_outage_the_gap_stays_a_gap() {
    let server = server(AFTER + 1800).await;
    let page = server
        .client()
        .ohlc("BTCUSDT", 60, Some(BEFORE - HOUR))
        .await
        .unwrap();
    let times: Vec<i64> = page.closed.iter().map(|r| r.time).collect();
    assert_eq!(times, [BEFORE], "the four missing hours have no row");
    assert_eq!(page.unfinished.map(|r| r.time), Some(AFTER));
    assert_eq!(page.last, BEFORE);
    // The ticker's last trade is still the close before the outage: nothing is carried over.
    let ticker = server.client().ticker(&["BTCUSDT"]).await.unwrap();
    let recorded = recorded(Y2021, "BTC-USDT.csv");
    assert_eq!(ticker[0].last, recorded[&BEFORE].close);
}
