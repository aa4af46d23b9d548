//! Technical features over every binance-2024 pair (136 pairs, ~756k real candles):
//! a full rebuild against TA-Lib's own pass over the same files, and the incremental cost
//! of one new candle for every pair.
//!
//! `cargo bench -p cst-indicators`. Loading is not timed. TA-Lib is timed by
//! `/work/shared/bench/talib_reference.py --time` (the `TA-Lib` wheel computing the same
//! indicators, one pass over all files); if Python or the wheel is missing, that figure is
//! reported as unavailable and the rest still runs.

// A benchmark's output is its result.
#![allow(clippy::print_stdout)]

use std::{
    hint::black_box,
    process::Command,
    time::{Duration, Instant},
};

use cst_bench::Figure;
use cst_indicators::{TechnicalEngine, rebuild_all};
use cst_market::Candle;

#[path = "../tests/stubs.rs"]
mod stubs;

const DATA: &str = "ohlcv-1h/binance-2024";
const FULL_RUNS: usize = 5;
const STEP_RUNS: usize = 2000;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// TA-Lib's median seconds for one pass over every file, or why there is none.
fn talib_seconds() -> Result<f64, String> {
    let script = cst_testkit::shared("bench/talib_reference.py");
    let dir = stubs::data_path(DATA);
    let out = Command::new("python3")
        .arg(script)
        .arg("--data")
        .arg(&dir)
        .args(["--time", "--repeat", "5"])
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.contains("seconds_median"))
        .ok_or("no JSON line")?;
    let value: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    value["seconds_median"]
        .as_f64()
        .ok_or_else(|| format!("no seconds_median in {line}"))
}

fn main() {
    let series: Vec<Vec<Candle>> = stubs::pair_files(DATA)
        .iter()
        .map(|f| stubs::load_candles(f, false, None))
        .collect();
    let slices: Vec<&[Candle]> = series.iter().map(Vec::as_slice).collect();
    let candles: usize = series.iter().map(Vec::len).sum();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    // Full rebuild. One untimed pass first so page faults of the first allocation of the
    // output do not decide the figure; every timed run still allocates and frees its rows.
    let rows: usize = rebuild_all(&slices).iter().map(Vec::len).sum();
    let mut times = Vec::with_capacity(FULL_RUNS);
    for _ in 0..FULL_RUNS {
        let start = Instant::now();
        let out = black_box(rebuild_all(black_box(&slices)));
        drop(out);
        times.push(start.elapsed());
    }
    let ours = median(times);
    let ours_ms = ours.as_secs_f64() * 1e3;
    let rebuild = Figure::new(
        format!(
            "technical features, full rebuild of binance-2024 ({} pairs, {candles} candles, \
             {rows} rows, {threads} threads), median of {FULL_RUNS}",
            series.len()
        ),
        ours_ms,
        "ms",
    )
    .at_most(300.0)
    .ratio_at_least(1.0);
    let talib_name = "TA-Lib (talib_reference.py --time), the same files";
    match talib_seconds() {
        Ok(s) => rebuild
            .vs(talib_name, s * 1e3, "ms")
            .ratio(s / ours.as_secs_f64(), "TA-Lib / ours"),
        Err(why) => rebuild.vs_missing(talib_name, "ms", why),
    }
    .record();

    // Incremental: every engine has seen all but its pair's last candle; time one step per
    // pair. Engines are cloned back to the warm state outside the timed section.
    let warm: Vec<TechnicalEngine> = series
        .iter()
        .map(|s| {
            let mut e = TechnicalEngine::new();
            for c in &s[..s.len() - 1] {
                let _ = e.step(c);
            }
            e
        })
        .collect();
    let last: Vec<Candle> = series.iter().filter_map(|s| s.last().copied()).collect();
    let mut times = Vec::with_capacity(STEP_RUNS);
    let mut produced = 0;
    for _ in 0..STEP_RUNS {
        let mut engines = warm.clone();
        let start = Instant::now();
        for (engine, candle) in engines.iter_mut().zip(&last) {
            if let Ok(Some(row)) = engine.step(black_box(candle)) {
                black_box(row);
                produced += 1;
            }
        }
        times.push(start.elapsed());
    }
    let step = median(times);
    Figure::new(
        format!(
            "technical features, one new candle for every pair ({} warmed engines), median of {STEP_RUNS}",
            last.len()
        ),
        step.as_secs_f64() * 1e6,
        "µs",
    )
    .at_most(5000.0)
    .note(format!(
        "{:.0} ns per pair, {} rows per step",
        step.as_secs_f64() * 1e9 / last.len() as f64,
        produced / STEP_RUNS
    ))
    .record();
}
