//! No look-ahead, proved by deletion: the row at t built from the whole store equals the
//! row built after every record from t on was deleted (candles not closed by t, trades,
//! books and news from t on; coverage marks capped at t).

use std::sync::OnceLock;

use cst_features::{Built, FeatureBuilder, Group};
use cst_store::Store;
use proptest::prelude::*;

use crate::helper::{self, FROM, TO};

fn full() -> &'static helper::Kept {
    static F: OnceLock<helper::Kept> = OnceLock::new();
    F.get_or_init(|| helper::Kept::build(helper::store))
}

/// Bitwise, so NaN (an undefined mean) compares equal to NaN.
fn same(a: &Built, b: &Built) -> bool {
    match (a, b) {
        (Built::Row(a), Built::Row(b)) => {
            a.values.len() == b.values.len()
                && a.values
                    .iter()
                    .zip(&b.values)
                    .all(|(x, y)| x.to_bits() == y.to_bits())
                && a.absent == b.absent
                && a.version == b.version
        }
        (Built::NoRow { missing: a, .. }, Built::NoRow { missing: b, .. }) => a == b,
        _ => false,
    }
}

fn check(pair: &str, groups: &[(Group, bool)], t: i64) -> Result<bool, TestCaseError> {
    let full_store = Store::open(&full().path).unwrap();
    let ctx = helper::ctx(groups);
    let before = FeatureBuilder::new(&full_store, &ctx).row(pair, t).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rewound.db");
    full_store.copy_to(&path).unwrap();
    let mut rewound = Store::open(&path).unwrap();
    rewound.forget_from(t).unwrap();
    let after = FeatureBuilder::new(&rewound, &ctx).row(pair, t).unwrap();
    prop_assert!(
        same(&before, &after),
        "t={t}\nfull:    {before:?}\nrewound: {after:?}"
    );
    Ok(before.row().is_some())
}

const MARKET: [(Group, bool); 2] = [(Group::Technical, true), (Group::Sentiment, true)];
const WHALE: [(Group, bool); 1] = [(Group::Whale, true)];
/// ETH/BTC trades span 2020-02-19 02:00 .. 2020-02-22 13:00 UTC.
const TRADES_FROM: i64 = 1_582_077_600;

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn candle_and_news_features_at_t_ignore_everything_after_t(hour in 0..((TO - FROM) / 3600)) {
        check(&helper::pair("BTC/USDT"), &MARKET, FROM + hour * 3600)?;
    }

    #[test]
    fn whale_features_at_t_ignore_everything_after_t(hour in 0i64..84) {
        check(&helper::pair("ETH/XBT"), &WHALE, TRADES_FROM + hour * 3600)?;
    }
}

/// The property above would hold vacuously if no row were ever built: these times have
/// every group present, and still equal rows after deletion.
#[test]
fn rows_exist_where_the_property_is_checked() {
    for t in [FROM + 20 * 86_400, FROM + 30 * 86_400 + 7 * 3600] {
        assert!(
            check(&helper::pair("BTC/USDT"), &MARKET, t).unwrap(),
            "no row at {t}"
        );
    }
    assert!(check(&helper::pair("ETH/XBT"), &WHALE, TRADES_FROM + 48 * 3600).unwrap());
}
