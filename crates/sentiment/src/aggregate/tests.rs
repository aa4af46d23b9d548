use super::*;
use crate::llm::Direction;

const T: i64 = 1_650_000_000 - 1_650_000_000 % 3_600;

fn btc() -> CoinId {
    CoinId::canonical("XBT")
}

fn item(age_s: i64, score: f64, coin: &str) -> ScoredItem {
    ScoredItem {
        published: T - age_s,
        coins: vec![CoinId::canonical(coin)],
        score,
        llm: None,
    }
}

#[test]
fn no_items_is_none_not_zero() {
    let s = hourly(&[item(600, 0.5, "ETH")], &btc(), T, 6.0);
    assert_eq!(s.mean_score_1h, None);
    assert_eq!(
        (s.count_1h, s.count_24h, s.decayed, s.llm_decayed),
        (0, 0, 0.0, None)
    );
    let neutral = hourly(&[item(600, 0.0, "BTC")], &btc(), T, 6.0);
    assert_eq!(neutral.mean_score_1h, Some(0.0), "evidence of neutral news");
}

#[test]
fn windows_are_strictly_before_t() {
    let items = [
        item(0, 1.0, "BTC"),       // exactly t: next hour
        item(-60, 1.0, "BTC"),     // after t
        item(1, 0.2, "BTC"),       // last second of the hour
        item(3_600, 0.4, "BTC"),   // first second of the hour
        item(3_601, -1.0, "BTC"),  // previous hour
        item(86_400, -1.0, "BTC"), // first second of the day
        item(86_401, -1.0, "BTC"), // older than a day
    ];
    let s = hourly(&items, &btc(), T, 6.0);
    assert_eq!(s.count_1h, 2);
    assert!((s.mean_score_1h.unwrap() - 0.3).abs() < 1e-12);
    assert_eq!(s.count_24h, 4);
    let later = hourly(&items, &btc(), T + 3_600, 6.0);
    assert_eq!(later.count_1h, 2, "the item stamped t counts at t + 1h");
}

#[test]
fn decay_halves_per_half_life() {
    let fresh = hourly(&[item(1, 1.0, "BTC")], &btc(), T, 6.0).decayed;
    let old = hourly(&[item(6 * 3_600 + 1, 1.0, "BTC")], &btc(), T, 6.0).decayed;
    assert!((old / fresh - 0.5).abs() < 1e-9, "{old} {fresh}");
    let exact = hourly(&[item(12 * 3_600, -0.8, "BTC")], &btc(), T, 6.0).decayed;
    assert!((exact + 0.2).abs() < 1e-12, "{exact}");
}

#[test]
fn llm_scores_decay_on_their_own_half_life() {
    let mut bull = item(2 * 3_600, 0.0, "BTC");
    bull.llm = Some(LlmScore {
        direction: Direction::Bull,
        magnitude: 0.8,
        half_life_h: 2,
    });
    let mut bear = item(24 * 3_600, 0.0, "BTC");
    bear.llm = Some(LlmScore {
        direction: Direction::Bear,
        magnitude: 1.0,
        half_life_h: 24,
    });
    let mut neutral = item(3_600, 0.0, "BTC");
    neutral.llm = Some(LlmScore {
        direction: Direction::Neutral,
        magnitude: 1.0,
        half_life_h: 1,
    });
    let s = hourly(&[bull, bear, neutral], &btc(), T, 6.0);
    let expected = 0.8 * 0.5 - 1.0 * 0.5;
    assert!((s.llm_decayed.unwrap() - expected).abs() < 1e-12, "{s:?}");
}

#[test]
#[should_panic(expected = "half_life_h")]
fn a_zero_half_life_is_a_config_bug() {
    hourly(&[], &btc(), T, 0.0);
}
