//! What the client makes of Kraken error envelopes and of bodies that are not responses.

use cst_exchange::{Endpoint, Exchange, ExchangeError};

use crate::helper::stub::{Reply, Stub};
use crate::helper::{client, config, read};

async fn ticker_error(body: &str) -> ExchangeError {
    let stub = Stub::start(vec![Reply::ok(body.to_owned())]).await;
    client(config(&stub.base_url))
        .ticker(&["NOPEEUR"])
        .await
        .unwrap_err()
}

#[tokio::test]
async fn each_kraken_error_string_maps_to_its_variant() {
    use ExchangeError as E;
    type Check = fn(&E) -> bool;
    let cases: [(&str, Check); 11] = [
        ("EAPI:Rate limit exceeded", |e| {
            matches!(e, E::RateLimited { .. })
        }),
        (
            "EQuery:Unknown asset pair",
            |e| matches!(e, E::UnknownPair { pair, .. } if pair == "NOPEEUR"),
        ),
        ("EGeneral:Invalid arguments", |e| {
            matches!(e, E::InvalidArguments { .. })
        }),
        (
            "EGeneral:Invalid arguments:volume",
            |e| matches!(e, E::InvalidArguments { detail, .. } if detail == "volume"),
        ),
        ("EService:Unavailable", |e| {
            matches!(e, E::ServiceUnavailable { .. })
        }),
        ("EService:Busy", |e| matches!(e, E::Busy { .. })),
        ("EGeneral:Temporary lockout", |e| {
            matches!(e, E::TemporaryLockout { .. })
        }),
        ("EAPI:Invalid key", |e| matches!(e, E::InvalidKey { .. })),
        ("EAPI:Invalid signature", |e| {
            matches!(e, E::InvalidSignature { .. })
        }),
        ("EAPI:Invalid nonce", |e| {
            matches!(e, E::InvalidNonce { .. })
        }),
        (
            "EOrder:Insufficient funds",
            |e| matches!(e, E::Other { message, .. } if message == "EOrder:Insufficient funds"),
        ),
    ];
    for (text, expected) in cases {
        // Kraken sends unknown-pair errors without a result, and key errors with `{}`.
        for body in [
            format!(r#"{{"error":["{text}"]}}"#),
            format!(r#"{{"error":["{text}"],"result":{{}}}}"#),
        ] {
            let err = ticker_error(&body).await;
            assert!(expected(&err), "{text} became {err:?}");
            assert!(err.to_string().starts_with("Ticker: "), "{err}");
        }
    }
}

#[tokio::test]
async fn a_warning_alone_does_not_fail_the_call() {
    let body = String::from_utf8(read("kraken-api/http_server_time.json")).unwrap();
    let warned = body.replacen(
        r#""error": []"#,
        r#""error": ["WGeneral:Something odd"]"#,
        1,
    );
    assert_ne!(warned, body);
    let stub = Stub::start(vec![Reply::ok(warned)]).await;
    let time = client(config(&stub.base_url)).server_time().await.unwrap();
    assert_eq!(time.unixtime, 1_762_820_224);
}

#[tokio::test]
async fn truncated_malformed_and_empty_bodies_are_decode_errors() {
    let ohlc = read("kraken-api/http_ohlc.json");
    let bodies = [
        ohlc[..ohlc.len() / 2].to_vec(),
        b"<html>502 Bad Gateway</html>".to_vec(),
        Vec::new(),
        b"[1,2]".to_vec(),
    ];
    for body in bodies {
        let stub = Stub::start(vec![Reply::ok(body)]).await;
        let mut cfg = config(&stub.base_url);
        cfg.retry.max_retries = 2;
        let err = client(cfg).ohlc("XBTUSDT", 1, None).await.unwrap_err();
        assert!(
            matches!(
                err,
                ExchangeError::Decode {
                    endpoint: Endpoint::Ohlc,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(stub.count(), 1, "a garbled body is not retried");
    }
}

#[tokio::test]
async fn a_body_without_error_or_result_is_missing_result() {
    for body in [
        r#"{"unixtime":1}"#,
        r#"{"error":[]}"#,
        r#"{"error":[],"result":null}"#,
    ] {
        let stub = Stub::start(vec![Reply::ok(body)]).await;
        let err = client(config(&stub.base_url))
            .server_time()
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                ExchangeError::MissingResult {
                    endpoint: Endpoint::Time
                }
            ),
            "{body}: {err}"
        );
    }
}

#[tokio::test]
async fn a_transfer_cut_short_is_a_retryable_transport_error() {
    let stub = Stub::start(vec![
        Reply::ok(read("kraken-api/http_ohlc.json")[..500].to_vec()).announce_len(5_000),
    ])
    .await;
    let mut cfg = config(&stub.base_url);
    cfg.retry.max_retries = 1;
    let err = client(cfg).ohlc("XBTUSDT", 1, None).await.unwrap_err();
    assert!(
        matches!(
            err,
            ExchangeError::Transport {
                endpoint: Endpoint::Ohlc,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(stub.count(), 2);
}

#[tokio::test]
async fn other_http_statuses_are_not_retried() {
    let stub = Stub::start(vec![Reply::status(404, "not found")]).await;
    let mut cfg = config(&stub.base_url);
    cfg.retry.max_retries = 3;
    let err = client(cfg).system_status().await.unwrap_err();
    assert!(
        matches!(err, ExchangeError::Http { status: 404, .. }),
        "{err}"
    );
    assert_eq!(stub.count(), 1);
}
