//! A row built once and read by everyone: what the technical agent stores reads back bit
//! for bit as the batch builder's row (NaN and reasons included), readers prefer it, hours
//! never built live are built and say so, and a damaged record is refused.

use cst_features::{
    Built, FeatureBuilder, FeatureError, Group, HOUR,
    stored::{self, RowWriter, Source},
};
use cst_store::StoredFeatureRow;

use crate::helper::{self, FROM, same};

#[test]
fn stored_rows_read_back_as_the_batch_rows_and_readers_prefer_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = helper::store(&dir.path().join("cst.db"));
    // BTC/USDT has no trades: the optional whale group is absent (NaN, with its reason).
    let ctx = helper::ctx(&[
        (Group::Technical, true),
        (Group::Sentiment, true),
        (Group::Whale, false),
    ]);
    let pair = helper::pair("BTC/USDT");
    // From the first candle's close: the warm-up hours have no row, and are stored so.
    let first = FROM + HOUR;
    let items: Vec<(String, i64)> = (0..240).map(|i| (pair.clone(), first + i * HOUR)).collect();
    let mut writer = RowWriter::new();
    let built = writer.build(&mut s, &ctx, &items, first + 300).unwrap();
    let (mut rows, mut no_rows) = (0, 0);
    for ((_, t), b) in items.iter().zip(&built) {
        let b = b.as_ref().unwrap();
        let want = FeatureBuilder::new(&s, &ctx).row(&pair, *t).unwrap();
        same(b, &want);
        let read = stored::read(&s, &ctx, &pair, *t).unwrap().expect("stored");
        same(&read, &want);
        match &read {
            Built::Row(r) => {
                rows += 1;
                assert_eq!(r.absent[0].group, Group::Whale);
                assert!(
                    r.values.iter().any(|v| v.is_nan()),
                    "NaN survives the store"
                );
            }
            Built::NoRow { missing, .. } => {
                no_rows += 1;
                assert_eq!(missing[0].group, Group::Technical);
            }
        }
    }
    assert!(rows > 50 && no_rows > 50, "{rows} rows, {no_rows} without");

    // Readers get the stored row and when it was built; an hour never built live is built
    // now, and says so.
    let t = first + 200 * HOUR;
    let (got, source) = stored::read_or_build(&s, &ctx, &pair, t).unwrap();
    assert_eq!(
        source,
        Source::Stored {
            built_at: first + 300
        }
    );
    same(&got, &FeatureBuilder::new(&s, &ctx).row(&pair, t).unwrap());
    let later = first + 300 * HOUR;
    let (got, source) = stored::read_or_build(&s, &ctx, &pair, later).unwrap();
    assert_eq!(source, Source::Built);
    same(
        &got,
        &FeatureBuilder::new(&s, &ctx).row(&pair, later).unwrap(),
    );
    // A range across both: stored where stored, built where not, the batch rows throughout.
    let (from, to) = (first + 230 * HOUR, first + 250 * HOUR);
    let range = stored::read_or_build_rows(&s, &ctx, &pair, from, to).unwrap();
    let batch = FeatureBuilder::new(&s, &ctx).rows(&pair, from, to).unwrap();
    assert_eq!(range.len(), batch.len());
    for ((got, source), want) in range.iter().zip(&batch) {
        same(got, want);
        let was_stored = got.t() < first + 240 * HOUR;
        assert_eq!(
            matches!(source, Source::Stored { .. }),
            was_stored,
            "{}",
            got.t()
        );
    }

    // Another FeatureSet never reads this one's rows.
    let other = helper::ctx(&[(Group::Technical, true)]);
    assert_eq!(stored::read(&s, &other, &pair, t).unwrap(), None);
}

#[test]
fn a_damaged_stored_row_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = helper::store(&dir.path().join("cst.db"));
    let ctx = helper::ctx(&[(Group::Technical, true)]);
    let pair = helper::pair("BTC/USDT");
    let t = FROM + 100 * HOUR;
    let good = FeatureBuilder::new(&s, &ctx).row(&pair, t).unwrap();
    let mut bad = stored::to_stored(&ctx.exchange, ctx.set.version(), &good, t);
    bad.row.truncate(bad.row.len() / 2);
    // A record of one hour filed under another is refused too.
    let mut moved = stored::to_stored(&ctx.exchange, ctx.set.version(), &good, t);
    moved.t = t + HOUR;
    let garbage = StoredFeatureRow {
        t: t + 2 * HOUR,
        row: vec![0xff; 7],
        ..bad.clone()
    };
    s.insert_feature_rows(&[bad, moved, garbage]).unwrap();
    for at in [t, t + HOUR, t + 2 * HOUR] {
        match stored::read(&s, &ctx, &pair, at) {
            Err(FeatureError::Corrupt(why)) => assert!(why.contains(&pair), "{why}"),
            other => panic!("hour {at}: {other:?}"),
        }
    }
}
