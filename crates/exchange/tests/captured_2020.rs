//! Kraken trade rows recorded in 2020 (inside ccxt dicts): the older six-field format.

use std::io::Read;

use cst_exchange::kraken::decode;
use cst_exchange::{ExchangeError, OrderKind, Side};

use crate::helper::shared_data;

#[test]
fn trades_recorded_in_2020_have_no_trade_id() {
    let mut text = String::new();
    let gz = std::fs::File::open(shared_data("trades/ETH_BTC-trades_2020-02.json.gz")).unwrap();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut text)
        .unwrap();
    let ccxt: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(ccxt.len(), 13_814);

    // Kraken's raw rows are each entry's `info`. Only the final one has a 7th field: the
    // string page cursor the recorder attached, which is not a trade id.
    let (rows, tail) = ccxt.split_at(ccxt.len() - 1);
    let stray = &tail[0]["info"];
    assert_eq!(stray[6], "1582369061705295754");
    let body = serde_json::json!({
        "error": [],
        "result": { "XETHXXBT": rows.iter().map(|t| &t["info"]).collect::<Vec<_>>(), "last": stray[6] },
    });
    let page = decode::trades(body.to_string().as_bytes(), "ETHXBT").unwrap();
    assert_eq!(
        (page.pair.as_str(), page.trades.len()),
        ("XETHXXBT", 13_813)
    );
    assert_eq!(page.last_ns, 1_582_369_061_705_295_754);
    for (trade, ccxt) in page.trades.iter().zip(rows) {
        assert_eq!(trade.id, None);
        assert_eq!(Some(trade.price), ccxt["price"].as_f64());
        assert_eq!(Some(trade.volume), ccxt["amount"].as_f64());
        let side = if trade.side == Side::Buy {
            "buy"
        } else {
            "sell"
        };
        let kind = if trade.kind == OrderKind::Limit {
            "limit"
        } else {
            "market"
        };
        assert_eq!(
            (side, kind),
            (
                ccxt["side"].as_str().unwrap(),
                ccxt["type"].as_str().unwrap()
            )
        );
    }

    let with_stray = serde_json::json!({"error": [], "result": {"XETHXXBT": [stray], "last": "1"}});
    let err = decode::trades(with_stray.to_string().as_bytes(), "ETHXBT").unwrap_err();
    assert!(
        matches!(
            err,
            ExchangeError::InvalidNumber {
                field: "trade_id",
                ..
            }
        ),
        "{err}"
    );
}
