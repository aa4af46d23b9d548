//! AssetPairs: quote matching on real captures, and the skip rules on hand-trimmed pairs.

use cst_exchange::kraken::decode;
use cst_exchange::{AssetPairs, SkipReason};

use crate::helper::read;

#[test]
fn xbt_usdt_is_listed_with_its_names_and_limits() {
    let listed = decode::asset_pairs(&read("kraken-api/http_asset_pairs.json"), &["USDT"]).unwrap();
    assert_eq!((listed.pairs.len(), listed.skipped.len()), (1, 0));
    let pair = &listed.pairs[0];
    assert_eq!(pair.key, "XBTUSDT");
    assert_eq!(
        (pair.altname.as_str(), pair.wsname.as_str()),
        ("XBTUSDT", "XBT/USDT")
    );
    assert_eq!((pair.base.as_str(), pair.quote.as_str()), ("XBT", "USDT"));
    assert_eq!(pair.asset_class, "currency");
    assert_eq!(
        (pair.pair_decimals, pair.lot_decimals, pair.cost_decimals),
        (1, 8, Some(5))
    );
    assert_eq!(
        (pair.ordermin, pair.costmin, pair.tick_size),
        (Some(0.000_05), Some(0.5), Some(0.1))
    );
    // `fees` starts at [0, 0.4]: an account without volume pays 0.40% as taker.
    assert_eq!(pair.taker_fee_pct, Some(0.4));
}

#[test]
fn usd_does_not_match_usdt() {
    let listed = decode::asset_pairs(&read("kraken-api/http_asset_pairs.json"), &["USD"]).unwrap();
    assert_eq!(listed, AssetPairs::default());
}

#[test]
fn a_legacy_zusd_quote_matches_usd_and_tokenized_assets_are_marked() {
    let body = read("kraken-api/http_asset_pairs_tokenized.json");
    for quotes in [&["USD"][..], &["ZUSD"][..]] {
        let listed = decode::asset_pairs(&body, quotes).unwrap();
        assert_eq!(listed.pairs.len(), 1);
        let pair = &listed.pairs[0];
        assert_eq!(
            (pair.key.as_str(), pair.wsname.as_str()),
            ("AAPLxUSD", "AAPLx/USD")
        );
        assert_eq!((pair.base.as_str(), pair.quote.as_str()), ("AAPLx", "USD"));
        assert_eq!(pair.asset_class, "tokenized_asset");
        assert_eq!(pair.ordermin, Some(0.000_000_01));
    }
}

/// Trimmed from the real XBTUSDT entry: a dark pool, a non-online pair, a pair without a
/// wsname, one with a bad limit, one with a negative fee, and one good pair.
const MIXED: &str = r#"{"error":[],"result":{
  "XXBTZUSD":   {"altname":"XBTUSD","wsname":"XBT/USD","base":"XXBT","quote":"ZUSD","pair_decimals":1,"lot_decimals":8,"ordermin":"0.00005","status":"online"},
  "XXBTZUSD.d": {"altname":"XBTUSD.d","base":"XXBT","quote":"ZUSD","pair_decimals":1,"lot_decimals":8,"status":"online"},
  "XETHZUSD":   {"altname":"ETHUSD","wsname":"ETH/USD","base":"XETH","quote":"ZUSD","pair_decimals":2,"lot_decimals":8,"status":"cancel_only"},
  "FOOUSD":     {"altname":"FOOUSD","base":"FOO","quote":"ZUSD","pair_decimals":2,"lot_decimals":8,"status":"online"},
  "BARUSD":     {"altname":"BARUSD","wsname":"BAR/USD","base":"BAR","quote":"ZUSD","pair_decimals":2,"lot_decimals":8,"ordermin":"NaN","status":"online"},
  "XXBTZEUR":   {"altname":"XBTEUR","wsname":"XBT/EUR","base":"XXBT","quote":"ZEUR","pair_decimals":1,"lot_decimals":8,"status":"online"},
  "BAZUSD":     {"altname":"BAZUSD","wsname":"BAZ/USD","base":"BAZ","quote":"ZUSD","pair_decimals":2,"lot_decimals":8,"fees":[[0,-1.0]],"status":"online"}
}}"#;

#[test]
fn skipped_pairs_say_why() {
    let listed = decode::asset_pairs(MIXED.as_bytes(), &["USD"]).unwrap();
    let kept: Vec<_> = listed.pairs.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(kept, ["XXBTZUSD"]);
    assert_eq!(
        listed.pairs[0].asset_class, "currency",
        "absent aclass_base means currency"
    );
    let skipped: Vec<_> = listed
        .skipped
        .iter()
        .map(|s| (s.key.as_str(), &s.reason))
        .collect();
    assert_eq!(skipped.len(), 5, "{skipped:?}");
    assert!(matches!(skipped[0], ("BARUSD", SkipReason::Malformed(m)) if m.contains("ordermin")));
    assert!(
        matches!(skipped[1], ("BAZUSD", SkipReason::Malformed(m)) if m.contains("-1% is not a fee"))
    );
    assert_eq!(skipped[2], ("FOOUSD", &SkipReason::NoWsname));
    assert_eq!(
        skipped[3],
        ("XETHZUSD", &SkipReason::Status("cancel_only".into()))
    );
    assert_eq!(skipped[4], ("XXBTZUSD.d", &SkipReason::DarkPool));
    // A pair listed without `fees` has no schedule (paper fills then use the configured fee).
    assert_eq!(listed.pairs[0].taker_fee_pct, None);
}
