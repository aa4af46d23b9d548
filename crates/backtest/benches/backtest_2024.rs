//! `cargo bench -p cst-backtest`: `cst backtest` over all 136 pairs of
//! ../shared/data/ohlcv-1h/binance-2024 with inference at every hourly bar, walk-forward
//! retraining every 30 days (its time reported apart, as the issue asks), then the same
//! signals through vectorbt (`bench/vectorbt_reference.py`) side by side: the trade lists
//! must be identical, and the run times are compared.

#![allow(clippy::print_stdout)]

mod common;

use std::time::Instant;

use cst_backtest::{Models, Spec, backtest};
use cst_bench::Figure;
use cst_config::Home;
use cst_store::{BlobStore, Store};

/// 2024-03-15 and 2024-09-06 00:00 UTC: from ten weeks of history to the recording's end.
const FROM: i64 = 1_710_460_800;
const TO: i64 = 1_725_580_800;

fn main() {
    let data = cst_testkit::shared("data/ohlcv-1h/binance-2024");
    let dir = tempfile::tempdir().unwrap();
    // The groups compared (the ablation): `CST_BENCH_GROUPS=technical,cross`; candles are
    // all the recording has, so technical alone by default.
    let groups: Vec<String> = std::env::var("CST_BENCH_GROUPS")
        .unwrap_or_else(|_| "technical".to_string())
        .split(',')
        .map(|g| format!("{:?}", g.trim()))
        .collect();
    let groups = groups.join(", ");
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[collector]\nexchange = \"binance\"\n\
             [features]\ngroups = [{groups}]\nrequired = [{groups}]\n\
             [ml]\nhorizons_h = [1, 24, 168]\nfolds = 2\ntrain_window_days = 60\n"
        ),
    )
    .unwrap();
    let config = cst_config::load(&Home::new(dir.path()), None).unwrap();
    let mut store = Store::open(&dir.path().join("cst.db")).unwrap();
    let files = common::csv_files(&data);
    cst_import::import(&mut store, &files, cst_import::Format::Csv, "binance").unwrap();
    let blobs = BlobStore::new(dir.path().join("blobs"));
    let spec = Spec {
        from: FROM,
        to: TO,
        pairs: None,
        models: Models::WalkForward { retrain_days: 30 },
    };
    let wall = Instant::now();
    let (report, t) = backtest(&store, &blobs, &config, &spec).unwrap();
    let wall = wall.elapsed().as_secs_f64();
    print!("{}", report.render());
    Figure::new(
        format!(
            "cst backtest of {} pairs of binance-2024, {} h, inference at every hourly bar, excluding training",
            report.pairs.len(),
            report.hours
        ),
        t.backtest_s,
        "s",
    )
    .at_most(60.0)
    .note(format!(
        "{} rows, {} predictions; features {:.1} s, inference {:.1} s, simulation {:.2} s; wall {:.1} s",
        report.rows, report.predictions, t.features_s, t.inference_s, t.simulation_s, wall
    ))
    .record();
    Figure::new(
        "cst backtest: walk-forward training every 30 days, reported apart",
        t.training_s,
        "s",
    )
    .note(format!("{} fits", report.models.len()))
    .record();
    let path = common::write_report("backtest-2024.json", report.to_json().as_bytes());
    println!("report: {}", path.display());
    let r = common::vectorbt(&path, &data);
    let reference_s = r["reference_s"].as_f64().unwrap_or(0.0);
    let trades = r["report_trades"].as_u64().unwrap_or(0) as f64;
    let mut note = format!(
        "PnL {:.2} vs vectorbt {:.2}",
        r["pnl_report"].as_f64().unwrap_or(0.0),
        r["pnl_reference"].as_f64().unwrap_or(0.0)
    );
    if let Some(n) = r["note"].as_str() {
        note += &format!("; {n}");
    }
    Figure::new(
        "cst backtest: trades differing from vectorbt on the same signals",
        r["mismatch_count"].as_u64().unwrap_or(u64::MAX) as f64,
        "trades",
    )
    .equal(0.0)
    .vs(
        format!("vectorbt 0.28 trades (ours {trades:.0})"),
        r["reference_trades"].as_f64().unwrap_or(f64::NAN),
        "trades",
    )
    .note(note)
    .record();
    let sim = Figure::new(
        "cst backtest: simulation of the signals (gate, limits, sizing, fills, exits)",
        t.simulation_s,
        "s",
    );
    let name = "vectorbt on the same signals";
    if reference_s > 0.0 {
        sim.vs(name, reference_s, "s")
            .ratio(reference_s / t.simulation_s, "vectorbt / ours")
    } else {
        sim.vs_missing(
            name,
            "s",
            "no signal passed the gate, so vectorbt had nothing to run",
        )
    }
    .record();
    assert_eq!(r["identical"], true, "{r:#}");
    assert!(t.backtest_s <= 60.0, "over the 60 s bar");
}
