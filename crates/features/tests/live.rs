//! The live path (one engine per pair, stepped with new candles) gives bit for bit the rows
//! the batch path builds from the whole history, as candles arrive hour by hour, across a
//! gap, and when asked about an hour older than its state.

use cst_features::{Built, FeatureBuilder, Group, HOUR, LiveBuilder};
use cst_market::Timeframe;
use cst_store::{CandleKey, Store};

use crate::helper::{self, EXCHANGE, same};

#[test]
fn live_rows_equal_batch_rows_hour_by_hour_across_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
    helper::insert_news(&mut s);
    let ctx = helper::ctx(&[(Group::Technical, true), (Group::Sentiment, true)]);
    let key = CandleKey::new(EXCHANGE, "BTC/USDT", Timeframe::H1);
    let pair = helper::pair("BTC/USDT");
    let candles = helper::btc_candles();
    // 10 days stored before the live builder starts; then one candle an hour, with six
    // hours left out (a gap: the engine restarts its warm-up after it).
    let (start, rest) = candles.split_at(240);
    s.insert_candles(&key, start, "test").unwrap();
    let gap = 300..306;
    let mut live = LiveBuilder::new();
    let (mut rows, mut missing) = (0, 0);
    for (i, c) in rest.iter().take(600).enumerate() {
        if !gap.contains(&i) {
            s.insert_candles(&key, std::slice::from_ref(c), "test")
                .unwrap();
        }
        let t = c.open_time + HOUR;
        let got = live.row(&s, &ctx, &pair, t).unwrap();
        let want = FeatureBuilder::new(&s, &ctx).row(&pair, t).unwrap();
        same(&got, &want);
        match got {
            Built::Row(_) => rows += 1,
            Built::NoRow { .. } => missing += 1,
        }
    }
    // Rows before and after the gap; none during it or while warming up again after it.
    assert!(rows > 300, "{rows} rows");
    assert!(missing >= 6 + 168, "{missing} hours without a row");
    // An hour older than the live state: the same answer as the batch path.
    let old = rest[100].open_time + HOUR;
    same(
        &live.row(&s, &ctx, &pair, old).unwrap(),
        &FeatureBuilder::new(&s, &ctx).row(&pair, old).unwrap(),
    );
    assert_eq!(live.len(), 1);
}

#[test]
fn live_builder_refuses_what_the_batch_path_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("cst.db")).unwrap();
    let ctx = helper::ctx(&[(Group::Technical, true)]);
    let mut live = LiveBuilder::new();
    assert!(live.row(&s, &ctx, "BTC/USDT", 1_643_673_601).is_err());
    assert!(live.row(&s, &ctx, "not a pair", 1_643_673_600).is_err());
    // Nothing stored: no row, with the batch path's reason.
    let got = live.row(&s, &ctx, "BTC/USDT", 1_643_673_600).unwrap();
    same(
        &got,
        &FeatureBuilder::new(&s, &ctx)
            .row("BTC/USDT", 1_643_673_600)
            .unwrap(),
    );
    assert!(matches!(got, Built::NoRow { .. }));
}
