//! Unusable numbers in candle rows are rejected with the pair and field named.

use cst_exchange::kraken::decode;
use cst_exchange::{Endpoint, Exchange, ExchangeError};

use crate::helper::stub::{Reply, Stub};
use crate::helper::{client, config};

/// Two real rows from `http_ohlc.json` (the second is the unfinished candle), with `field`
/// at `position` of the first row replaced by `value` (raw JSON).
fn ohlc_with(position: usize, value: &str) -> String {
    let mut row = [
        "1762777200",
        r#""106038.1""#,
        r#""106044.3""#,
        r#""106038.1""#,
        r#""106040.1""#,
        r#""106039.6""#,
        r#""0.08317981""#,
        "3",
    ];
    row[position] = value;
    format!(
        r#"{{"error":[],"result":{{"XXBTZUSD":[[{}],[1762777260,"106040.1","106040.1","106040.1","106040.1","0.0","0.00000000",0]],"last":1762777200}}}}"#,
        row.join(",")
    )
}

fn rejected(body: &str) -> (String, &'static str, String, &'static str) {
    match decode::ohlc(body.as_bytes(), "XBTUSD") {
        Err(ExchangeError::InvalidNumber {
            endpoint: Endpoint::Ohlc,
            pair,
            field,
            value,
            problem,
        }) => (pair, field, value, problem),
        other => panic!("expected InvalidNumber, got {other:?}"),
    }
}

#[test]
fn the_unmodified_fixture_decodes() {
    let page = decode::ohlc(ohlc_with(0, "1762777200").as_bytes(), "XBTUSD").unwrap();
    assert_eq!((page.closed.len(), page.closed[0].count), (1, 3));
    assert_eq!(page.unfinished.map(|r| r.time), Some(1_762_777_260));
}

#[test]
fn nan_infinity_text_and_negatives_are_rejected() {
    let cases = [
        (1, r#""NaN""#, "open", "not finite"),
        (2, r#""inf""#, "high", "not finite"),
        (3, r#""abc""#, "low", "not a number"),
        (4, r#""""#, "close", "not a number"),
        (4, r#""-106040.1""#, "close", "negative"),
        (5, r#""-0.0""#, "vwap", "negative"),
        (6, r#"" 1.0""#, "volume", "not a number"),
        (6, "0.08317981", "volume", "not a decimal string"),
        (0, r#""1762777200""#, "time", "not an integer"),
        (7, "-3", "count", "not a non-negative integer"),
        (7, "3.5", "count", "not a non-negative integer"),
    ];
    for (position, value, field, problem) in cases {
        let (pair, got_field, got_value, got_problem) = rejected(&ohlc_with(position, value));
        assert_eq!(pair, "XXBTZUSD");
        assert_eq!((got_field, got_problem), (field, problem), "value {value}");
        assert_eq!(got_value, value);
    }
}

#[test]
fn a_short_row_is_a_shape_error() {
    let body = r#"{"error":[],"result":{"XXBTZUSD":[[1762777200,"1","1","1"]],"last":1}}"#;
    let err = decode::ohlc(body.as_bytes(), "XBTUSD").unwrap_err();
    assert!(
        matches!(
            err,
            ExchangeError::Shape {
                endpoint: Endpoint::Ohlc,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn the_message_names_pair_field_and_value() {
    let err = decode::ohlc(ohlc_with(1, r#""NaN""#).as_bytes(), "XBTUSD").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"OHLC: pair XXBTZUSD: field open is "NaN": not finite; the response is rejected"#
    );
}

#[tokio::test]
async fn through_the_client_a_bad_row_is_not_retried() {
    let stub = Stub::start(vec![Reply::ok(ohlc_with(3, r#""abc""#))]).await;
    let mut cfg = config(&stub.base_url);
    cfg.retry.max_retries = 3;
    let err = client(cfg).ohlc("XBTUSD", 1, None).await.unwrap_err();
    assert!(
        matches!(err, ExchangeError::InvalidNumber { field: "low", .. }),
        "{err}"
    );
    assert_eq!(stub.count(), 1);
    assert_eq!(
        stub.seen()[0].target,
        "/0/public/OHLC?pair=XBTUSD&interval=1"
    );
}
