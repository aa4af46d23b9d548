//! Refusals: Kraken's envelopes, mapped by the real client to its typed errors.

use cst_exchange::{Exchange, ExchangeError};

use crate::helper::{JUNE_1030, Server};

#[tokio::test]
async fn depth_and_trades_are_not_recorded() {
    let server = Server::y2024(JUNE_1030).await;
    let client = server.client();
    let expected =
        r#"{"error":["EGeneral:Invalid arguments:no recorded order book/trades in this replay"]}"#;
    for path in [
        "/0/public/Depth?pair=BTCUSDT",
        "/0/public/Trades?pair=BTCUSDT",
    ] {
        assert_eq!(server.get(path).await, (200, expected.to_owned()), "{path}");
    }
    let depth = client.depth("BTCUSDT", 10).await.unwrap_err();
    let trades = client.trades("BTCUSDT", None).await.unwrap_err();
    for err in [depth, trades] {
        match err {
            ExchangeError::InvalidArguments { detail, .. } => {
                assert_eq!(detail, "no recorded order book/trades in this replay")
            }
            other => panic!("expected InvalidArguments, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_unknown_pair_is_kraken_unknown_asset_pair() {
    let server = Server::y2024(JUNE_1030).await;
    let client = server.client();
    let expected = r#"{"error":["EQuery:Unknown asset pair"]}"#;
    for path in [
        "/0/public/OHLC?pair=NOPEUSDT&interval=60",
        "/0/public/Ticker?pair=BTCUSDT,NOPEUSDT",
        "/0/public/AssetPairs?pair=NOPEUSDT",
    ] {
        assert_eq!(server.get(path).await, (200, expected.to_owned()), "{path}");
    }
    let ohlc = client.ohlc("NOPEUSDT", 60, None).await.unwrap_err();
    assert!(matches!(ohlc, ExchangeError::UnknownPair { ref pair, .. } if pair == "NOPEUSDT"));
    let ticker = client.ticker(&["BTCUSDT", "NOPEUSDT"]).await.unwrap_err();
    assert!(
        matches!(ticker, ExchangeError::UnknownPair { .. }),
        "{ticker:?}"
    );
}

#[tokio::test]
async fn bad_arguments_and_unknown_paths() {
    let server = Server::y2024(JUNE_1030).await;
    for (path, expected) in [
        (
            "/0/public/OHLC?interval=60",
            "EGeneral:Invalid arguments:pair",
        ),
        (
            "/0/public/OHLC?pair=BTCUSDT&interval=60&since=yesterday",
            "EGeneral:Invalid arguments:since",
        ),
        ("/0/public/Ticker?pair=", "EGeneral:Invalid arguments:pair"),
    ] {
        let body = server.json(path).await;
        assert_eq!(body["error"][0], expected, "{path}");
        assert!(body.get("result").is_none(), "{path}");
    }
    assert_eq!(server.get("/0/public/Nope").await.0, 404);
    assert_eq!(server.get("/0/private/Balance").await.0, 404);
}
