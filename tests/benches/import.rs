//! `cst import csv ../shared/data/ohlcv-1h/binance-2024` (136 pairs, ~756k real candles)
//! into a fresh home, timed end to end around the real release binary (process start,
//! parsing, integrity checks, SQLite commits), median of 3 runs; then reading the newest
//! 720 candles of every pair from that store, median of 20 rounds.
//! Bars: import ≥ 500k candles/s; reading ≤ 50 ms.

#![allow(clippy::print_stdout)]

use std::{
    process::Command,
    time::{Duration, Instant},
};

use cst_bench::Figure;
use cst_store::Store;
use cst_tests::bin_dir;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let data = cst_testkit::data("ohlcv-1h/binance-2024");
    let mut rates = Vec::new();
    let mut last_home = None;
    for run in 0..3 {
        let home = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let out = Command::new(bin_dir().join("cst"))
            .arg("--home")
            .arg(home.path())
            .args(["import", "csv"])
            .arg(&data)
            .output()
            .unwrap();
        let secs = started.elapsed().as_secs_f64();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let store = Store::open(&home.path().join("data/cst.db")).unwrap();
        let total: u64 = store
            .candle_keys()
            .unwrap()
            .iter()
            .map(|k| store.candle_count(k).unwrap())
            .sum();
        println!(
            "run {run}: {total} candles in {secs:.3} s = {:.0} candles/s",
            total as f64 / secs
        );
        if run == 0 {
            print!("{}", String::from_utf8_lossy(&out.stdout));
        }
        rates.push(total as f64 / secs);
        last_home = Some(home);
    }
    Figure::new(
        "cst import csv binance-2024 (136 pairs, median of 3 runs)",
        median(rates) / 1000.0,
        "k candles/s",
    )
    .at_least(500.0)
    .record();

    let home = last_home.unwrap();
    let store = Store::open(&home.path().join("data/cst.db")).unwrap();
    let keys = store.candle_keys().unwrap();
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..20 {
        let started = Instant::now();
        rows = keys
            .iter()
            .map(|k| store.latest_candles(k, 720).unwrap().len())
            .sum::<usize>();
        times.push(started.elapsed());
    }
    let ms: Vec<f64> = times
        .iter()
        .map(Duration::as_secs_f64)
        .map(|s| s * 1000.0)
        .collect();
    println!("latest 720 candles of {} pairs: {rows} rows", keys.len());
    Figure::new(
        format!(
            "read the newest 720 candles of all {} pairs (median of 20)",
            keys.len()
        ),
        median(ms.clone()),
        "ms",
    )
    .at_most(50.0)
    .note(format!("{rows} rows"))
    .record();
    println!(
        "slowest round: {:.2} ms",
        ms.iter().cloned().fold(0.0, f64::max)
    );
}
