//! A row waits for the sources it reads to be read through its time, and not for a source
//! that can never cover it.

use cst_features::{Awaited, Group, HOUR};
use cst_store::Store;

use crate::helper;

const DAY: i64 = 24 * HOUR;

#[test]
fn a_row_waits_for_news_read_through_its_time_and_not_for_news_that_cannot_come() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
    let ctx = helper::ctx(&[(Group::Technical, true), (Group::Sentiment, true)]);
    let news = Awaited {
        news: true,
        trades: false,
        peers: false,
    };
    let t = helper::FROM + 10 * DAY;
    let pair = helper::pair("BTC/USDT");
    // No source read yet: it may be starting, so the row waits.
    assert_eq!(
        news.not_in(&s, &ctx, &pair, t).unwrap(),
        vec![Group::Sentiment]
    );
    // Read up to an hour before t: still waiting.
    s.extend_news_coverage("feeds", t - 2 * DAY, t - HOUR, 0)
        .unwrap();
    assert_eq!(
        news.not_in(&s, &ctx, &pair, t).unwrap(),
        vec![Group::Sentiment]
    );
    // Read through t: in.
    s.extend_news_coverage("feeds", t - HOUR, t, 0).unwrap();
    assert!(news.not_in(&s, &ctx, &pair, t).unwrap().is_empty());
    // Not waited for: a deployment without a news source, or an hour before any reading
    // began (it can never be covered).
    let none = Awaited {
        news: false,
        trades: false,
        peers: false,
    };
    assert!(
        none.not_in(&s, &ctx, &pair, t + 5 * HOUR)
            .unwrap()
            .is_empty()
    );
    assert!(
        news.not_in(&s, &ctx, &pair, t - 3 * DAY)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_row_waits_for_the_pairs_trades_caught_up_through_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let s = helper::store(&dir.path().join("cst.db"));
    let ctx = helper::ctx(&[(Group::Technical, true), (Group::Whale, true)]);
    let trades = Awaited {
        news: false,
        trades: true,
        peers: false,
    };
    let recorded = helper::eth_btc_trades();
    let first = recorded.first().unwrap().time_ns / 1_000_000_000;
    // Checked through the last trade + 1 ns (helper::store).
    let checked = recorded.last().unwrap().time_ns / 1_000_000_000;
    let hour = |x: i64| x.div_euclid(HOUR) * HOUR;
    let eth = helper::pair("ETH/XBT");
    assert!(
        trades
            .not_in(&s, &ctx, &eth, hour(checked))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        trades
            .not_in(&s, &ctx, &eth, hour(checked) + 2 * HOUR)
            .unwrap(),
        vec![Group::Whale],
        "the collector has not caught up through t yet"
    );
    // Before the first stored trade: never coverable, not waited for.
    assert!(
        trades
            .not_in(&s, &ctx, &eth, hour(first) - HOUR)
            .unwrap()
            .is_empty()
    );
    // A pair whose trades were never caught up: the collector may be starting.
    assert_eq!(
        trades
            .not_in(&s, &ctx, &helper::pair("BTC/USDT"), hour(checked))
            .unwrap(),
        vec![Group::Whale]
    );
}

#[test]
fn an_hour_waits_for_every_peer_that_traded_the_hour_before_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
    let ctx = helper::ctx(&[(Group::Technical, true), (Group::Cross, true)]);
    let peers = Awaited {
        news: false,
        trades: false,
        peers: true,
    };
    let t = helper::FROM + 10 * DAY;
    let put = |s: &mut Store, file: &str, from: i64, to: i64| {
        let key = cst_store::CandleKey::new(
            helper::EXCHANGE,
            &file.replace('-', "/"),
            cst_market::Timeframe::H1,
        );
        s.insert_candles(&key, &helper::candles(file, from, to), "test")
            .unwrap();
    };
    // BTC and ETH closed t - 1 h; only BTC has closed t. XRP stopped a day earlier.
    put(&mut s, "BTC-USDT", t - DAY, t);
    put(&mut s, "ETH-USDT", t - DAY, t - HOUR);
    put(&mut s, "XRP-USDT", t - 3 * DAY, t - 2 * DAY);
    assert_eq!(
        peers.peers_not_in(&s, &ctx, t).unwrap(),
        vec!["ETH/USDT".to_string()]
    );
    put(&mut s, "ETH-USDT", t - HOUR, t);
    assert!(peers.peers_not_in(&s, &ctx, t).unwrap().is_empty());
    // A deployment without the cross-sectional group waits for no peer.
    let none = Awaited {
        peers: false,
        ..peers
    };
    assert!(none.peers_not_in(&s, &ctx, t + HOUR).unwrap().is_empty());
    assert_eq!(peers.peers_not_in(&s, &ctx, t + HOUR).unwrap().len(), 2);
    // Once a pair's candle of the next hour is in, a peer still without t's has a gap.
    put(&mut s, "BTC-USDT", t, t + 2 * HOUR);
    assert!(peers.peers_not_in(&s, &ctx, t + HOUR).unwrap().is_empty());
}
