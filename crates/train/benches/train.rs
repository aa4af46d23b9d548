//! Training every horizon (1 h, 24 h, 168 h, 720 h) on all 136 pairs of
//! ../shared/data/ohlcv-1h/binance-2024, as `cst train` does it: dataset through the feature
//! pipeline, checks, out-of-fold models over purged walk-forward folds, calibration,
//! evaluation, final models, ONNX export and registration. Bar: ≤ 10 min on 2 cores.
//!
//! Two folds: with the default four, the 30-day horizon needs 450 days of history
//! (`cst_train::run::window_days`) and the recording holds 250.

#![allow(clippy::print_stdout)]

mod common;

use std::time::Instant;

use cst_bench::Figure;
use cst_store::BlobStore;
use cst_train::run::train_horizon;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _pairs, mut config, ctx) = common::binance_2024(dir.path());
    config.ml.folds = 2;
    config.ml.train_window_days = 250;
    let blobs = BlobStore::new(dir.path().join("blobs"));
    let now = store.data_now("binance").unwrap().unwrap();
    let started = Instant::now();
    let mut per_horizon = Vec::new();
    for &h in &config.ml.horizons_h.clone() {
        let t = Instant::now();
        let (report, reg) = train_horizon(&mut store, &blobs, &ctx, &config.ml, h, now).unwrap();
        println!(
            "{h:>3} h: {} rows in {:.0} s; AUC {:.3}, Brier {:.4} (base {:.4}); {}",
            report.rows_total,
            t.elapsed().as_secs_f64(),
            report.auc.model,
            report.brier.model,
            report.brier.baseline,
            reg.status.as_str()
        );
        per_horizon.push(format!(
            "{h} h {:.0} s ({})",
            t.elapsed().as_secs_f64(),
            reg.status.as_str()
        ));
    }
    let total = started.elapsed().as_secs_f64();
    Figure::new(
        "training every horizon (1, 24, 168, 720 h) on binance-2024, 136 pairs, folds = 2",
        total / 60.0,
        "min",
    )
    .at_most(10.0)
    .note(per_horizon.join(", "))
    .record();
}
