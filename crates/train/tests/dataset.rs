//! Datasets from a store of real candles (Binance 2024 BTC/USDT and ETH/USDT, read in
//! place): targets against an independent computation from the CSV, gaps that drop exactly
//! the rows whose target window they touch, each pre-training check firing on the fault it
//! exists for, and purged walk-forward folds that never train on a target overlapping the
//! test period.

use std::collections::HashMap;

use cst_config::{Config, Home};
use cst_features::BuildContext;
use cst_import::{Format, parse::parse_file};
use cst_market::{Candle, Timeframe};
use cst_store::{CandleKey, Store};
use cst_train::{
    MlError,
    checks::{check, target_bound},
    cv::purged_walk_forward,
    dataset::{Dataset, DatasetSpec, build},
};

const H: i64 = 3600;
/// 2024-02-01 .. 2024-05-01 (feature times).
const FROM: i64 = 1_706_745_600;
const TO: i64 = 1_714_521_600;
const NOW: i64 = 1_726_000_000;

fn candles(pair: &str) -> Vec<Candle> {
    let path = cst_testkit::data(&format!("ohlcv-1h/binance-2024/{pair}.csv"));
    parse_file(&path, Format::Csv).unwrap().candles
}

fn ctx() -> BuildContext {
    let home = tempfile::tempdir().unwrap();
    let config: Config = cst_config::load(&Home::new(home.path()), None).unwrap();
    BuildContext::candles_only(&config, "binance").unwrap()
}

/// A store holding the two pairs, BTC/USDT without the candles opening at `drop`.
fn store(dir: &std::path::Path, drop: &[i64]) -> Store {
    let mut s = Store::open(&dir.join("cst.db")).unwrap();
    for (file, pair) in [("BTC-USDT", "BTC/USDT"), ("ETH-USDT", "ETH/USDT")] {
        let c: Vec<Candle> = candles(file)
            .into_iter()
            .filter(|c| pair != "BTC/USDT" || !drop.contains(&c.open_time))
            .collect();
        s.insert_candles(&CandleKey::new("binance", pair, Timeframe::H1), &c, "test")
            .unwrap();
    }
    s
}

fn spec(horizon_h: u32) -> DatasetSpec {
    DatasetSpec {
        horizon_h,
        from: FROM,
        to: TO,
        round_trip_cost: 0.0052,
    }
}

fn pairs() -> Vec<String> {
    vec!["BTC/USDT".into(), "ETH/USDT".into()]
}

fn dataset(drop: &[i64], horizon_h: u32) -> Dataset {
    let dir = tempfile::tempdir().unwrap();
    let s = store(dir.path(), drop);
    build(&s, &ctx(), &pairs(), &spec(horizon_h)).unwrap()
}

#[test]
fn targets_are_forward_log_returns_net_of_costs_from_the_recorded_closes() {
    let ds = dataset(&[], 24);
    let close: HashMap<i64, f64> = candles("BTC-USDT")
        .iter()
        .map(|c| (c.open_time + H, c.close))
        .collect();
    let hours = ((TO - FROM) / H + 1) as usize;
    assert_eq!(
        ds.len(),
        2 * hours,
        "no gaps in 2024: every hour, both pairs"
    );
    assert_eq!(ds.skipped.incomplete_target, 0);
    let mut up = 0;
    for (i, s) in ds.samples.iter().enumerate() {
        assert!(i == 0 || ds.samples[i - 1].t <= s.t, "sorted by time");
        if ds.pairs[s.pair as usize] != "BTC/USDT" {
            continue;
        }
        let expected = (close[&(s.t + 24 * H)] / close[&s.t]).ln();
        assert_eq!(s.target, expected, "t={}", s.t);
        assert_eq!(s.label, u8::from(expected > 0.0052f64.ln_1p()));
        up += usize::from(s.label);
    }
    assert!(up > 0 && up < hours, "both labels occur: {up} of {hours}");
}

#[test]
fn a_missing_candle_drops_exactly_the_rows_whose_target_window_it_touches() {
    let missing = FROM + 500 * H;
    let full = dataset(&[], 24);
    let gapped = dataset(&[missing], 24);
    // Rows whose target window [t, t + 23 h] (open times) holds the candle: 24 decision
    // times, for the one pair that lost it.
    assert_eq!(gapped.skipped.incomplete_target, 24);
    for s in gapped
        .samples
        .iter()
        .filter(|s| gapped.pairs[s.pair as usize] == "BTC/USDT")
    {
        assert!(
            !(s.target_start <= missing && missing < s.target_end),
            "row at {} uses the missing candle",
            s.t
        );
    }
    // Rows after the gap wait for the indicators to warm up again: refused, with a reason.
    assert!(gapped.skipped.no_row["technical missing"] > 0);
    assert!(gapped.len() < full.len());
}

#[test]
fn real_data_passes_the_checks_and_each_fault_aborts_training_with_its_reason() {
    let ds = dataset(&[], 24);
    let report = check(&ds, NOW).unwrap();
    assert!(report.target_abs_q99 < report.bound, "{report:?}");
    assert_eq!(report.bound, target_bound(24));

    let fails = |ds: &Dataset, needle: &str| {
        let err = check(ds, NOW).unwrap_err();
        assert!(
            matches!(err, MlError::Check(ref m) if m.contains(needle)),
            "{needle}: {err}"
        );
    };
    let mut bad = ds.clone();
    bad.samples[10].target_start = bad.samples[10].feature_time;
    fails(&bad, "look-ahead");

    let mut bad = ds.clone();
    bad.samples[3].t += 1800;
    fails(&bad, "hour boundary");

    let mut bad = ds.clone();
    bad.samples[3].t = 1_000_000_000 / H * H; // 2001: local time read as seconds, or worse
    fails(&bad, "UTC Unix time");

    let mut bad = ds.clone();
    let n = bad.n_features();
    bad.x[7 * n + 8] = f64::NAN;
    fails(&bad, "NaN in required feature rsi14");

    let mut bad = ds.clone();
    for s in &mut bad.samples {
        s.target *= 100.0; // percent instead of a fraction
    }
    fails(&bad, "implausible target scale");

    let mut bad = ds.clone();
    bad.samples.clear();
    bad.x.clear();
    fails(&bad, "no training rows");
}

#[test]
fn walk_forward_folds_purge_overlapping_targets_and_keep_an_embargo() {
    let ds = dataset(&[], 168);
    let t: Vec<i64> = ds.samples.iter().map(|s| s.t).collect();
    let end: Vec<i64> = ds.samples.iter().map(|s| s.target_end).collect();
    let horizon = 168 * H;
    let folds = purged_walk_forward(&t, &end, horizon, 4, horizon).unwrap();
    assert_eq!(folds.len(), 4);
    let mut tested = 0;
    for (i, f) in folds.iter().enumerate() {
        assert!(!f.test.is_empty() && !f.train.is_empty(), "fold {i}");
        for &j in &f.train {
            assert!(
                end[j] + horizon <= f.test_from,
                "fold {i}: a training target ends within the embargo"
            );
        }
        for &j in &f.test {
            assert!(t[j] >= f.test_from && t[j] <= f.test_to);
        }
        // Walk-forward: each fold trains on more history than the one before.
        if i > 0 {
            assert!(f.train.len() > folds[i - 1].train.len());
            assert!(f.test_from > folds[i - 1].test_to);
        }
        tested += f.test.len();
    }
    assert!(tested > ds.len() / 2);
    let err = purged_walk_forward(&t, &end, horizon, 4, horizon - H).unwrap_err();
    assert!(
        err.to_string().contains("shorter than the horizon"),
        "{err}"
    );
    let err = purged_walk_forward(&t, &end, horizon, 40, horizon).unwrap_err();
    assert!(err.to_string().contains("no training rows"), "{err}");
}

/// The relative and ranking targets, recomputed from the recorded closes: with two pairs,
/// the winner of each hour beats the median and the loser does not; the ranking target is
/// the return net of the hour's mean over the pair's trailing week of hourly moves (×√h).
#[test]
fn relative_and_ranking_targets_follow_the_hour_and_the_pairs_own_volatility() {
    let ds = dataset(&[], 24);
    let close: HashMap<(usize, i64), f64> = ["BTC-USDT", "ETH-USDT"]
        .iter()
        .enumerate()
        .flat_map(|(p, f)| {
            candles(f)
                .into_iter()
                .map(move |c| ((p, c.open_time + H), c.close))
        })
        .collect();
    let mut checked = 0;
    for pair in ds.samples.chunks(2) {
        let [a, b] = pair else {
            panic!("two pairs an hour")
        };
        assert_eq!(a.t, b.t);
        assert_eq!(a.beats_median, Some(a.target > b.target));
        assert_eq!(b.beats_median, Some(b.target > a.target));
        let mean = (a.target + b.target) / 2.0;
        for s in [a, b] {
            let moves: Vec<f64> = (0..168)
                .map(|k| {
                    let t = s.t - k * H;
                    (close[&(s.pair as usize, t)] / close[&(s.pair as usize, t - H)]).ln()
                })
                .collect();
            let m = moves.iter().sum::<f64>() / 168.0;
            let vol =
                (moves.iter().map(|r| (r - m).powi(2)).sum::<f64>() / 168.0).sqrt() * 24f64.sqrt();
            let want = (s.target - mean) / vol;
            assert!(
                (s.rank_target - want).abs() < 1e-9 * want.abs().max(1.0),
                "t={} {} vs {want}",
                s.t,
                s.rank_target
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
}
