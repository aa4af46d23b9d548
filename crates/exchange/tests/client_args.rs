//! Requests the client refuses to send, and where it sends the ones it does.

use std::sync::Arc;
use std::time::Duration;

use cst_exchange::kraken::KRAKEN_API_URL;
use cst_exchange::{Exchange, ExchangeError, KrakenClient, KrakenConfig};

use crate::helper::stub::{Reply, Stub};
use crate::helper::{client, config, read};

#[tokio::test]
async fn bad_arguments_are_refused_before_any_request() {
    let stub = Stub::start(vec![Reply::ok("{}")]).await;
    let kraken = client(config(&stub.base_url));
    let checks = [
        kraken.ohlc("XBTUSD", 360, None).await.unwrap_err(),
        kraken.depth("XBTUSD", 0).await.unwrap_err(),
        kraken.depth("XBTUSD", 501).await.unwrap_err(),
        kraken.ticker(&[]).await.unwrap_err(),
    ];
    for err in checks {
        assert!(
            matches!(err, ExchangeError::InvalidArguments { .. }),
            "{err}"
        );
    }
    assert_eq!(stub.count(), 0);
}

#[tokio::test]
async fn a_base_url_prefix_is_kept_and_a_bad_one_refused() {
    let stub = Stub::start(vec![Reply::ok(read("kraken-api/http_trades.json"))]).await;
    let kraken = client(config(&format!("{}/replay/", stub.base_url)));
    let page = kraken
        .trades("XBTUSDT", Some(1_762_795_433_000_000_000))
        .await
        .unwrap();
    assert_eq!(page.trades.len(), 1000);
    assert_eq!(
        stub.seen()[0].target,
        "/replay/0/public/Trades?pair=XBTUSDT&since=1762795433000000000"
    );

    for bad in [
        "api.kraken.com",
        "ftp://api.kraken.com",
        "https://api.kraken.com/?x=1",
    ] {
        let err = KrakenClient::new(config(bad)).unwrap_err();
        assert!(
            matches!(err, ExchangeError::InvalidBaseUrl { .. }),
            "{bad}: {err}"
        );
    }
}

#[tokio::test]
async fn calls_run_on_spawned_tasks_through_the_trait() {
    async fn unixtime(exchange: Arc<impl Exchange + 'static>) -> i64 {
        let task = tokio::spawn(async move { exchange.server_time().await });
        task.await.expect("task").expect("server time").unixtime
    }
    let stub = Stub::start(vec![Reply::ok(read("kraken-api/http_server_time.json"))]).await;
    assert_eq!(
        unixtime(Arc::new(client(config(&stub.base_url)))).await,
        1_762_820_224
    );
}

#[test]
fn the_live_defaults_build_without_touching_the_network() {
    let live = KrakenConfig::new(KRAKEN_API_URL);
    assert_eq!(live.min_interval, Duration::from_secs(1));
    assert!(live.retry.jitter && live.retry.max_retries > 0);
    assert!(KrakenClient::new(live).is_ok());
}
