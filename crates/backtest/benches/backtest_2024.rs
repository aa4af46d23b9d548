//! `cargo bench -p cst-backtest`: `cst backtest` over all 136 pairs of
//! ../shared/data/ohlcv-1h/binance-2024 with inference at every hourly bar, walk-forward
//! retraining every 30 days (its time reported apart, as the issue asks), then the same
//! signals through vectorbt (`bench/vectorbt_reference.py`) side by side: the trade lists
//! must be identical, and the run times are compared.

#![allow(clippy::print_stdout)]

mod common;

use std::time::Instant;

use cst_backtest::{Models, Spec, backtest};
use cst_config::Home;
use cst_store::{BlobStore, Store};

/// 2024-03-15 and 2024-09-06 00:00 UTC: from ten weeks of history to the recording's end.
const FROM: i64 = 1_710_460_800;
const TO: i64 = 1_725_580_800;

fn main() {
    let data = cst_testdata::shared("data/ohlcv-1h/binance-2024");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[collector]\nexchange = \"binance\"\n\
         [features]\ngroups = [\"technical\"]\nrequired = [\"technical\"]\n\
         [ml]\nhorizons_h = [1, 24, 168]\nfolds = 2\ntrain_window_days = 60\n",
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
    println!(
        "backtest of {} pairs, {} h, {} rows, {} predictions: {:.1} s excluding training \
         (features {:.1} s, inference {:.1} s, simulation {:.2} s; bar 60 s); \
         walk-forward training {:.1} s ({} fits); wall {:.1} s",
        report.pairs.len(),
        report.hours,
        report.rows,
        report.predictions,
        t.backtest_s,
        t.features_s,
        t.inference_s,
        t.simulation_s,
        t.training_s,
        report.models.len(),
        wall
    );
    let path = common::write_report("backtest-2024.json", report.to_json().as_bytes());
    println!("report: {}", path.display());
    let r = common::vectorbt(&path, &data);
    let reference_s = r["reference_s"].as_f64().unwrap();
    println!(
        "vectorbt on the same signals: {} trades vs ours {} (identical: {}), PnL {:.2} vs ours {:.2}; \
         vectorbt simulation {:.3} s vs our simulation {:.3} s{}",
        r["reference_trades"],
        r["report_trades"],
        r["identical"],
        r["pnl_reference"].as_f64().unwrap_or(0.0),
        r["pnl_report"].as_f64().unwrap_or(0.0),
        reference_s,
        t.simulation_s,
        if reference_s > 0.0 {
            format!(" (ratio {:.2})", reference_s / t.simulation_s)
        } else {
            String::new()
        }
    );
    if let Some(note) = r["note"].as_str() {
        println!("  {note}");
    }
    assert_eq!(r["identical"], true, "{r:#}");
    assert!(t.backtest_s <= 60.0, "over the 60 s bar");
}
