//! The cross-sectional group on the 33 recorded Binance pairs of Feb–Mar 2022: who is in an
//! hour's universe, what the market figures are (checked against the recording's closes
//! directly), too few peers, live = batch hour by hour, and no look-ahead through any pair.

use std::{collections::BTreeMap, sync::OnceLock};

use cst_features::{Built, CROSS_FEATURES, FeatureBuilder, Group, HOUR, LiveBuilder};
use cst_market::Timeframe;
use cst_store::{CandleKey, Store};
use proptest::prelude::*;

use crate::helper::{self, EXCHANGE, FROM, TO, same};

const TECH_CROSS: [(Group, bool); 2] = [(Group::Technical, false), (Group::Cross, false)];

fn tech_len() -> usize {
    Group::Technical.features().len()
}

fn col(name: &str) -> usize {
    tech_len() + CROSS_FEATURES.iter().position(|n| *n == name).unwrap()
}

fn full() -> &'static helper::Kept {
    static F: OnceLock<helper::Kept> = OnceLock::new();
    F.get_or_init(|| helper::Kept::build(|p| helper::cross_store(p, None)))
}

/// Every pair's build at `t`, by pair.
fn builds(store: &Store, ctx: &cst_features::BuildContext, t: i64) -> BTreeMap<String, Built> {
    let b = FeatureBuilder::new(store, ctx);
    helper::recorded_pairs()
        .iter()
        .map(|f| {
            let p = f.replace('-', "/");
            let built = b.row(&p, t).unwrap();
            (p, built)
        })
        .collect()
}

fn close_at(file: &str, t: i64) -> f64 {
    helper::candles(file, t - HOUR, t)
        .first()
        .map_or(f64::NAN, |c| c.close)
}

#[test]
fn the_universe_is_every_pair_with_a_technical_row_and_the_market_is_its_mean() {
    let s = Store::open(&full().path).unwrap();
    let ctx = helper::ctx(&TECH_CROSS);
    for t in [FROM + 10 * 86_400, FROM + 33 * 86_400 + 5 * HOUR] {
        let rows = builds(&s, &ctx, t);
        let mut members = Vec::new();
        for (pair, built) in &rows {
            let row = built.row().expect("optional groups: always a row");
            let tech = !row.absent.iter().any(|m| m.group == Group::Technical);
            let cross = !row.absent.iter().any(|m| m.group == Group::Cross);
            assert_eq!(
                tech, cross,
                "{pair} at {t}: in the universe iff it has a technical row"
            );
            if cross {
                members.push((pair.clone(), row.values.clone()));
            } else {
                let why = &row
                    .absent
                    .iter()
                    .find(|m| m.group == Group::Cross)
                    .unwrap()
                    .reason;
                assert!(why.contains("universe"), "{why}");
            }
        }
        assert!(members.len() >= 25, "{} members at {t}", members.len());
        // The market's 24 h return is the members' mean log return, from the files' closes.
        let day: Vec<f64> = members
            .iter()
            .map(|(p, _)| {
                let f = p.replace('/', "-");
                (close_at(&f, t) / close_at(&f, t - 24 * HOUR)).ln()
            })
            .collect();
        let want = day.iter().sum::<f64>() / day.len() as f64;
        let got = members[0].1[col("mkt_ret_24h")];
        assert!((got - want).abs() < 1e-12, "market 24 h {got} vs {want}");
        let btc = (close_at("BTC-USDT", t) / close_at("BTC-USDT", t - 24 * HOUR)).ln();
        assert!((members[0].1[col("btc_ret_24h")] - btc).abs() < 1e-12);
        // Ranks spread over [0, 1] with mean one half; the best 24 h return ranks 1.
        let ranks: Vec<f64> = members.iter().map(|(_, v)| v[col("xs_rank_24h")]).collect();
        let mean = ranks.iter().sum::<f64>() / ranks.len() as f64;
        assert!((mean - 0.5).abs() < 1e-12, "mean rank {mean}");
        let best = day
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0;
        assert_eq!(ranks[best], 1.0);
        for (pair, v) in &members {
            for (j, name) in CROSS_FEATURES.iter().enumerate() {
                let x = v[tech_len() + j];
                assert!(
                    x.is_finite() || cst_features::MAY_BE_UNDEFINED.contains(name),
                    "{pair} {name} = {x}"
                );
            }
            assert!(v[col("xs_high_7d")] <= 0.0 && v[col("xs_low_7d")] >= 0.0);
        }
    }
}

#[test]
fn too_few_peers_leave_the_group_missing_with_the_reason_never_zeros() {
    let s = Store::open(&full().path).unwrap();
    let t = FROM + 20 * 86_400;
    let required = helper::ctx_with_peers(&[(Group::Technical, true), (Group::Cross, true)], 40);
    for (pair, built) in builds(&s, &required, t) {
        let Built::NoRow { missing, .. } = built else {
            panic!("{pair}: a row with 33 pairs and min_peers 40");
        };
        let m = missing.iter().find(|m| m.group == Group::Cross).unwrap();
        // A pair not yet listed (APE) is not in the universe at all.
        let listed = !missing.iter().any(|m| m.group == Group::Technical);
        let why = if listed { "min_peers = 40" } else { "universe" };
        assert!(m.reason.contains(why), "{pair}: {}", m.reason);
    }
    let optional = helper::ctx_with_peers(&TECH_CROSS, 40);
    let row = FeatureBuilder::new(&s, &optional)
        .row("BTC/USDT", t)
        .unwrap()
        .row()
        .cloned()
        .unwrap();
    assert!(row.values[tech_len()..].iter().all(|v| v.is_nan()));
}

#[test]
fn live_cross_rows_equal_batch_rows_hour_by_hour_with_a_pair_gapping() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("cst.db")).unwrap();
    let ctx = helper::ctx(&TECH_CROSS);
    let start = FROM + 5 * 86_400;
    let files = helper::recorded_pairs();
    let all: Vec<(String, Vec<cst_market::Candle>)> = files
        .iter()
        .map(|f| {
            (
                f.replace('-', "/"),
                helper::candles(f, helper::CROSS_FROM, TO),
            )
        })
        .collect();
    for (p, c) in &all {
        let before: Vec<_> = c.iter().filter(|c| c.open_time < start).copied().collect();
        s.insert_candles(&CandleKey::new(EXCHANGE, p, Timeframe::H1), &before, "test")
            .unwrap();
    }
    let mut live = LiveBuilder::new();
    let gap = (start + 5 * HOUR)..(start + 8 * HOUR);
    let mut rows = 0;
    for h in 0..36 {
        let open = start + h * HOUR;
        for (p, c) in &all {
            let here: Vec<_> = c.iter().filter(|c| c.open_time == open).copied().collect();
            if p == "SOL/USDT" && gap.contains(&open) {
                continue;
            }
            s.insert_candles(&CandleKey::new(EXCHANGE, p, Timeframe::H1), &here, "test")
                .unwrap();
        }
        let t = open + HOUR;
        let batch = FeatureBuilder::new(&s, &ctx);
        for (p, _) in &all {
            let got = live.row(&s, &ctx, p, t).unwrap();
            same(&got, &batch.row(p, t).unwrap());
            if got
                .row()
                .is_some_and(|r| !r.absent.iter().any(|m| m.group == Group::Cross))
            {
                rows += 1;
            }
        }
    }
    assert!(rows > 25 * 36, "{rows} rows with the cross-section");
}

/// The row at t of `pair`, from the full store and from one where `cut` lost its records
/// from t on (`None`: every pair lost them).
fn unchanged(pair: &str, cut: Option<&str>, t: i64) -> Result<bool, TestCaseError> {
    let ctx = helper::ctx(&TECH_CROSS);
    let full_store = Store::open(&full().path).unwrap();
    let before = FeatureBuilder::new(&full_store, &ctx).row(pair, t).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.db");
    let store = match cut {
        Some(other) => helper::cross_store(&path, Some((other, t))),
        None => {
            full_store.copy_to(&path).unwrap();
            let mut s = Store::open(&path).unwrap();
            s.forget_from(t).unwrap();
            s
        }
    };
    let after = FeatureBuilder::new(&store, &ctx).row(pair, t).unwrap();
    let bits = |b: &Built| {
        b.row()
            .map(|r| r.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
    };
    prop_assert_eq!(
        bits(&before),
        bits(&after),
        "{} at {} cut {:?}",
        pair,
        t,
        cut
    );
    Ok(before
        .row()
        .is_some_and(|r| !r.absent.iter().any(|m| m.group == Group::Cross)))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 8,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn cross_rows_at_t_ignore_every_record_of_any_pair_from_t_on(
        hour in 0..((TO - FROM) / HOUR - 1),
        pair in 0usize..33,
        other in 0usize..34,
    ) {
        let files = helper::recorded_pairs();
        let name = |i: usize| files[i].replace('-', "/");
        let cut = (other < 33).then(|| name(other));
        unchanged(&name(pair), cut.as_deref(), FROM + hour * HOUR)?;
    }
}

/// The property above would hold vacuously without cross-sectional values: here there are.
#[test]
fn cross_rows_exist_where_the_property_is_checked() {
    let t = FROM + 12 * 86_400 + 3 * HOUR;
    assert!(unchanged("ETH/USDT", Some("BTC/USDT"), t).unwrap());
    assert!(unchanged("BTC/USDT", None, t).unwrap());
}
