//! Candle storage on real BTC-USDT rows (../shared/data/ohlcv-1h/binance-2024, 2024-01-01).

use cst_market::{Candle, Timeframe};

use super::*;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cst.db")).unwrap();
    (dir, store)
}

fn key() -> CandleKey {
    CandleKey::new("binance", "BTC/USDT", Timeframe::H1)
}

fn real() -> Vec<Candle> {
    let rows = [
        (
            1704067200, 42283.58, 42554.57, 42261.02, 42475.23, 1271.68108,
        ),
        (
            1704070800, 42475.23, 42775.0, 42431.65, 42613.56, 1196.37856,
        ),
        (1704074400, 42613.57, 42638.41, 42500.0, 42581.1, 685.7541),
        (
            1704078000, 42581.09, 42586.64, 42230.08, 42330.49, 794.80391,
        ),
    ];
    rows.iter()
        .map(|&(open_time, open, high, low, close, volume)| Candle {
            open_time,
            open,
            high,
            low,
            close,
            volume,
            trades: None,
        })
        .collect()
}

#[test]
fn candles_round_trip_in_time_order() {
    let (_d, mut s) = store();
    let report = s.insert_candles(&key(), &real(), "test").unwrap();
    assert_eq!(
        (report.inserted, report.unchanged, report.rejected.len()),
        (4, 0, 0)
    );
    assert_eq!(s.latest_candles(&key(), 2).unwrap(), real()[2..].to_vec());
    assert_eq!(
        s.candles_between(&key(), 1704070800, 1704078000).unwrap(),
        real()[1..3].to_vec()
    );
    assert_eq!(s.candle_count(&key()).unwrap(), 4);
    assert_eq!(s.candle_keys().unwrap(), vec![key()]);
}

#[test]
fn a_reimport_is_idempotent_and_a_conflicting_duplicate_is_rejected() {
    let (_d, mut s) = store();
    s.insert_candles(&key(), &real(), "first").unwrap();
    let again = s.insert_candles(&key(), &real(), "again").unwrap();
    assert_eq!((again.inserted, again.unchanged), (0, 4));
    let mut changed = real()[1];
    changed.close = 42600.0;
    let report = s
        .insert_candles(&key(), &[changed], "other source")
        .unwrap();
    assert_eq!(
        report.rejected,
        vec![(1704070800, Rejection::ConflictingDuplicate(1704070800))]
    );
    // The stored candle is untouched.
    assert_eq!(s.latest_candles(&key(), 4).unwrap(), real());
    assert_eq!(
        s.rejection_counts(&key()).unwrap(),
        vec![("conflicting_duplicate".to_string(), 1)]
    );
}

#[test]
fn bad_candles_are_rejected_with_reasons_and_the_good_ones_stored() {
    let (_d, mut s) = store();
    let mut batch = real();
    batch[1].high = f64::NAN;
    batch[2].open_time += 60;
    let report = s.insert_candles(&key(), &batch, "test").unwrap();
    assert_eq!(report.inserted, 2);
    let kinds: Vec<&str> = report.rejected.iter().map(|(_, r)| r.kind()).collect();
    assert_eq!(kinds, ["not_finite", "off_boundary"]);
    assert_eq!(s.candle_count(&key()).unwrap(), 2);
}

#[test]
fn gaps_are_reported_never_filled() {
    let (_d, mut s) = store();
    let mut batch = real();
    batch.remove(1);
    batch.remove(1);
    s.insert_candles(&key(), &batch, "test").unwrap();
    assert_eq!(
        s.gaps(&key()).unwrap(),
        vec![Gap {
            from: 1704070800,
            to: 1704074400,
            missing: 2
        }]
    );
    assert_eq!(s.candle_count(&key()).unwrap(), 2);
    // Filling the hole with real data closes the gap.
    s.insert_candles(&key(), &real(), "test").unwrap();
    assert!(s.gaps(&key()).unwrap().is_empty());
}

#[test]
fn a_bounded_gap_scan_still_sees_a_hole_that_began_before_its_window() {
    let (_d, mut s) = store();
    let mut batch = real();
    batch.remove(1);
    batch.remove(1);
    s.insert_candles(&key(), &batch, "test").unwrap();
    // The hole covers 01:00 and 02:00; a scan from 02:00 on still reports it whole.
    assert_eq!(
        s.gaps_since(&key(), 1704074400).unwrap(),
        vec![Gap {
            from: 1704070800,
            to: 1704074400,
            missing: 2
        }]
    );
    // A scan that starts after the hole does not.
    assert!(s.gaps_since(&key(), 1704078000).unwrap().is_empty());
}

#[test]
fn candle_times_between_lists_every_pair_hour_oldest_first() {
    let (_d, mut s) = store();
    s.insert_candles(&key(), &real(), "test").unwrap();
    // ETH has only the second and fourth hours (a gap stays a gap).
    let eth = CandleKey::new("binance", "ETH/USDT", Timeframe::H1);
    let other = CandleKey::new("kraken", "XBT/USD", Timeframe::H1);
    s.insert_candles(&eth, &[real()[1], real()[3]], "test")
        .unwrap();
    s.insert_candles(&other, &real(), "test").unwrap();
    let got = s
        .candle_times_between("binance", Timeframe::H1, 1704070800, 1704078000)
        .unwrap();
    let want: Vec<(String, i64)> = [
        ("BTC/USDT", 1704070800),
        ("ETH/USDT", 1704070800),
        ("BTC/USDT", 1704074400),
        ("BTC/USDT", 1704078000),
        ("ETH/USDT", 1704078000),
    ]
    .iter()
    .map(|(p, t)| (p.to_string(), *t))
    .collect();
    assert_eq!(got, want);
}
