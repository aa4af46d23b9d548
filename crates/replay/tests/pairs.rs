//! `AssetPairs` lists a pair from the open time of its first recorded candle.

use cst_exchange::Exchange;

use crate::helper::{BOME_FIRST, LATE, Server, Y2024, shared_data};

fn keys(pairs: &cst_exchange::AssetPairs) -> Vec<&str> {
    pairs.pairs.iter().map(|p| p.key.as_str()).collect()
}

#[tokio::test]
async fn a_late_pair_is_not_listed_before_its_first_candle() {
    let server = Server::y2024(BOME_FIRST - 1).await;
    let pairs = server.client().asset_pairs(&["USDT"]).await.unwrap();
    assert_eq!(keys(&pairs), ["BTCUSDT", "ETHUSDT"]);
    assert!(pairs.skipped.is_empty(), "{:?}", pairs.skipped);
    let body = server.json("/0/public/AssetPairs?pair=BOMEUSDT").await;
    assert_eq!(body["error"][0], "EQuery:Unknown asset pair");
    let body = server
        .json("/0/public/OHLC?pair=BOMEUSDT&interval=60")
        .await;
    assert_eq!(body["error"][0], "EQuery:Unknown asset pair");
}

#[tokio::test]
async fn a_late_pair_is_listed_from_its_first_candle() {
    let server = Server::y2024(BOME_FIRST).await;
    let client = server.client();
    let pairs = client.asset_pairs(&["USDT"]).await.unwrap();
    assert_eq!(keys(&pairs), ["BOMEUSDT", "BTCUSDT", "ETHUSDT"]);
    let bome = &pairs.pairs[0];
    assert_eq!(
        (
            bome.altname.as_str(),
            bome.wsname.as_str(),
            bome.base.as_str(),
            bome.quote.as_str()
        ),
        ("BOMEUSDT", "BOME/USDT", "BOME", "USDT")
    );
    assert_eq!(bome.asset_class, "currency");
    assert_eq!(
        (bome.pair_decimals, bome.lot_decimals),
        text_decimals(LATE),
        "decimals are what the recording implies"
    );
    assert_eq!(
        (bome.ordermin, bome.costmin, bome.tick_size),
        (None, None, None)
    );
    // Its first hour: only the current, unfinished candle exists.
    let page = client.ohlc("BOMEUSDT", 60, None).await.unwrap();
    assert!(page.closed.is_empty());
    assert_eq!(page.unfinished.map(|r| r.time), Some(BOME_FIRST));
    // The same pair by its BASE/QUOTE name, and the USD quote does not take USDT pairs.
    let body = server.json("/0/public/AssetPairs?pair=bome/usdt").await;
    assert_eq!(body["result"]["BOMEUSDT"]["wsname"], "BOME/USDT");
    assert!(client.asset_pairs(&["USD"]).await.unwrap().pairs.is_empty());
}

/// Most decimals of any price and of any volume, counted on the file's text.
fn text_decimals(file: &str) -> (u32, u32) {
    let text = std::fs::read_to_string(shared_data(Y2024).join(file)).unwrap();
    let places = |field: &str| {
        let field = field.trim();
        let field = if field.contains('.') {
            field.trim_end_matches('0')
        } else {
            field
        };
        field.split_once('.').map_or(0, |(_, f)| f.len() as u32)
    };
    let (mut price, mut volume) = (0, 0);
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        price = fields[1..5].iter().map(|f| places(f)).fold(price, u32::max);
        volume = volume.max(places(fields[5]));
    }
    (price, volume)
}
