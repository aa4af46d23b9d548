//! Retries, timeouts, the circuit breaker and the rate gate, against the stub on loopback.
//!
//! These use the real clock (a paused clock would fire the request timeout while the
//! runtime waits on the socket); timing assertions are lower bounds on spacing that the
//! gate guarantees, never "it finished within".

use std::time::Duration;

use cst_exchange::{Endpoint, Exchange, ExchangeError};

use crate::helper::stub::{Reply, Stub};
use crate::helper::{client, config, read};

fn time_body() -> Vec<u8> {
    read("kraken-api/http_server_time.json")
}

#[tokio::test]
async fn http_429_then_success_is_retried() {
    let stub = Stub::start(vec![Reply::status(429, ""), Reply::ok(time_body())]).await;
    let mut cfg = config(&stub.base_url);
    cfg.retry.max_retries = 2;
    let time = client(cfg).server_time().await.unwrap();
    assert_eq!(time.unixtime, 1_762_820_224);
    assert_eq!(stub.count(), 2);
}

#[tokio::test]
async fn a_busy_envelope_is_retried_like_a_503() {
    let busy = Reply::ok(r#"{"error":["EService:Busy"]}"#);
    let stub = Stub::start(vec![busy, Reply::status(503, ""), Reply::ok(time_body())]).await;
    let mut cfg = config(&stub.base_url);
    cfg.retry.max_retries = 2;
    assert!(client(cfg).server_time().await.is_ok());
    assert_eq!(stub.count(), 3);
}

#[tokio::test]
async fn http_500_until_retries_run_out() {
    for max_retries in [0, 1, 3] {
        let stub = Stub::start(vec![Reply::status(500, "oops")]).await;
        let mut cfg = config(&stub.base_url);
        cfg.retry.max_retries = max_retries;
        let err = client(cfg).server_time().await.unwrap_err();
        assert!(
            matches!(
                err,
                ExchangeError::Server {
                    endpoint: Endpoint::Time,
                    status: 500
                }
            ),
            "{err}"
        );
        assert!(err.is_retryable());
        assert_eq!(stub.count(), max_retries + 1, "attempts = 1 + max_retries");
    }
}

#[tokio::test]
async fn a_slow_response_times_out_and_is_retried() {
    let stub = Stub::start(vec![Reply::ok(time_body()).after(Duration::from_secs(30))]).await;
    let mut cfg = config(&stub.base_url);
    cfg.timeout = Duration::from_millis(200);
    cfg.retry.max_retries = 1;
    let err = client(cfg).server_time().await.unwrap_err();
    match err {
        ExchangeError::Timeout { endpoint, after } => {
            assert_eq!(
                (endpoint, after),
                (Endpoint::Time, Duration::from_millis(200))
            );
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert_eq!(stub.count(), 2);
}

#[tokio::test]
async fn the_breaker_opens_after_repeated_failures_and_fails_fast() {
    let stub = Stub::start(vec![Reply::status(502, "")]).await;
    let mut cfg = config(&stub.base_url);
    cfg.retry.max_retries = 1;
    cfg.breaker.failure_threshold = 2;
    cfg.breaker.cooldown = Duration::from_secs(60);
    let kraken = client(cfg);
    for _ in 0..2 {
        let err = kraken.server_time().await.unwrap_err();
        assert!(
            matches!(err, ExchangeError::Server { status: 502, .. }),
            "{err}"
        );
    }
    assert_eq!(stub.count(), 4, "two calls, each retried once");
    match kraken.server_time().await.unwrap_err() {
        ExchangeError::CircuitOpen { endpoint, retry_in } => {
            assert_eq!(endpoint, Endpoint::Time);
            assert!(retry_in > Duration::from_secs(50) && retry_in <= Duration::from_secs(60));
        }
        other => panic!("expected CircuitOpen, got {other:?}"),
    }
    assert_eq!(stub.count(), 4, "an open breaker sends nothing");
    assert!(kraken.system_status().await.is_err());
    assert_eq!(stub.count(), 6, "other endpoints have their own breaker");
}

#[tokio::test]
async fn unknown_pairs_never_open_the_breaker() {
    let stub = Stub::start(vec![Reply::ok(
        r#"{"error":["EQuery:Unknown asset pair"]}"#,
    )])
    .await;
    let mut cfg = config(&stub.base_url);
    cfg.breaker.failure_threshold = 2;
    let kraken = client(cfg);
    for _ in 0..4 {
        let err = kraken.depth("NOPEEUR", 10).await.unwrap_err();
        assert!(matches!(err, ExchangeError::UnknownPair { .. }), "{err}");
    }
    assert_eq!(stub.count(), 4);
}

#[tokio::test]
async fn the_rate_gate_spaces_requests() {
    let interval = Duration::from_millis(150);
    let stub = Stub::start(vec![Reply::ok(time_body())]).await;
    let mut cfg = config(&stub.base_url);
    cfg.min_interval = interval;
    let kraken = client(cfg);
    kraken.server_time().await.unwrap();
    let (a, b, c) = tokio::join!(
        kraken.server_time(),
        kraken.server_time(),
        kraken.server_time()
    );
    assert!(a.is_ok() && b.is_ok() && c.is_ok());

    let seen = stub.seen();
    assert_eq!(seen.len(), 4);
    let mut arrivals: Vec<_> = seen.iter().map(|s| s.at).collect();
    arrivals.sort();
    // The gate spaces departures exactly (see the paused-clock tests in `limiter`); arrivals
    // shift by loopback jitter, so allow some slack but far less than an unspaced burst.
    for pair in arrivals.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap > interval / 2,
            "requests {gap:?} apart, gate is {interval:?}"
        );
    }
    let span = arrivals[3] - arrivals[0];
    assert!(
        span + Duration::from_millis(50) >= interval * 3,
        "4 requests within {span:?}"
    );
}
