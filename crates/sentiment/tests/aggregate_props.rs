//! Property tests of the hourly aggregate: the future cannot leak into the past.

use cst_sentiment::{CoinId, Direction, LlmScore, ScoredItem, hourly};
use proptest::prelude::*;

const T: i64 = 1_650_002_400; // an hour boundary

fn coin() -> impl Strategy<Value = CoinId> {
    prop_oneof![Just("BTC"), Just("ETH"), Just("XDG")].prop_map(CoinId::canonical)
}

fn llm() -> impl Strategy<Value = Option<LlmScore>> {
    let direction = prop_oneof![
        Just(Direction::Bull),
        Just(Direction::Bear),
        Just(Direction::Neutral)
    ];
    proptest::option::of((direction, 0.0..=1.0f64, 1u32..=720).prop_map(
        |(direction, magnitude, half_life_h)| LlmScore {
            direction,
            magnitude,
            half_life_h,
        },
    ))
}

fn item(published: impl Strategy<Value = i64>) -> impl Strategy<Value = ScoredItem> {
    (
        published,
        proptest::collection::vec(coin(), 1..3),
        -1.0..=1.0f64,
        llm(),
    )
        .prop_map(|(published, coins, score, llm)| ScoredItem {
            published,
            coins,
            score,
            llm,
        })
}

proptest! {
    #[test]
    fn items_published_at_or_after_t_never_change_the_result(
        past in proptest::collection::vec(item(prop_oneof![Just(T - 1), Just(T - 3_600), T - 3 * 86_400..T]), 0..40),
        future in proptest::collection::vec(item(prop_oneof![Just(T), Just(T + 1), T..T + 3 * 86_400]), 1..40),
        insert_at in proptest::collection::vec(any::<prop::sample::Index>(), 1..40),
        half_life in 0.5..48.0f64,
    ) {
        let btc = CoinId::canonical("XBT");
        let before = hourly(&past, &btc, T, half_life);
        let mut mixed = past.clone();
        for (item, at) in future.into_iter().zip(insert_at.iter().cycle()) {
            let i = at.index(mixed.len() + 1);
            mixed.insert(i, item);
        }
        // Same items before t in the same order, so even float sums match exactly.
        prop_assert_eq!(hourly(&mixed, &btc, T, half_life), before);
    }

    #[test]
    fn counts_and_mean_stay_consistent(
        items in proptest::collection::vec(item(T - 2 * 86_400..T + 3_600), 0..60),
    ) {
        let btc = CoinId::canonical("BTC");
        let s = hourly(&items, &btc, T, 6.0);
        prop_assert!(s.count_1h <= s.count_24h);
        prop_assert_eq!(s.mean_score_1h.is_some(), s.count_1h > 0);
        if let Some(mean) = s.mean_score_1h {
            prop_assert!((-1.0..=1.0).contains(&mean));
        }
        let earlier: Vec<_> = items.iter().filter(|i| i.published < T && i.coins.contains(&btc)).collect();
        prop_assert!(s.decayed.abs() <= earlier.len() as f64 + 1e-9);
        prop_assert_eq!(s.llm_decayed.is_some(), earlier.iter().any(|i| i.llm.is_some()));
    }
}
