//! `cst backtest --from D --to D [--pairs P,...] [--retrain-days N | --active-models] [--json]`: the stored
//! history through the service's own feature, inference, gate, risk and portfolio code
//! with walk-forward retraining ([`cst_backtest`]). Works while the service is down and
//! never touches the registry or the paper account. The report is written to
//! HOME/reports/backtests/ (byte-identical for the same inputs); run times go beside it.

#![allow(clippy::print_stdout)]

use std::{path::Path, process::ExitCode};

use cst_backtest::{Models, Spec, backtest};
use cst_config::Home;
use cst_store::{BlobStore, Store};

#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    /// First decision hour: YYYY-MM-DD (00:00 UTC), RFC 3339 or Unix seconds.
    #[arg(long, value_parser = |s: &str| super::when::hour(s, "--from"))]
    pub from: i64,
    /// Last decision hour (inclusive), as --from.
    #[arg(long, value_parser = |s: &str| super::when::hour(s, "--to"))]
    pub to: i64,
    /// Pairs to trade, comma-separated (default: every stored hourly series).
    #[arg(long, value_delimiter = ',')]
    pub pairs: Option<Vec<String>>,
    /// Days between walk-forward retrain points.
    #[arg(long, default_value_t = 30, conflicts_with = "active_models")]
    pub retrain_days: u32,
    /// Serve the registry's active models instead of retraining (each must predate --from).
    #[arg(long)]
    pub active_models: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(home: &Home, config: Option<&Path>, args: BacktestArgs) -> ExitCode {
    match run_backtest(home, config, args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("cst: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn run_backtest(home: &Home, config: Option<&Path>, args: BacktestArgs) -> Result<(), String> {
    let config = cst_config::load(home, config).map_err(|e| e.to_string())?;
    let store = Store::open(&home.db_path()).map_err(|e| e.to_string())?;
    let spec = Spec {
        from: args.from,
        to: args.to,
        pairs: args.pairs,
        models: if args.active_models {
            Models::Registry
        } else {
            Models::WalkForward {
                retrain_days: args.retrain_days,
            }
        },
    };
    let blobs = BlobStore::new(home.blobs_dir());
    let (report, timings) = backtest(&store, &blobs, &config, &spec).map_err(|e| e.to_string())?;
    let json = report.to_json();
    let dir = home.reports_dir().join("backtests");
    let name = format!(
        "bt-{}-{}-{:016x}",
        day(spec.from),
        day(spec.to),
        fnv1a(json.as_bytes())
    );
    let path = dir.join(format!("{name}.json"));
    cst_store::write_atomic(&path, json.as_bytes()).map_err(|e| e.to_string())?;
    let t = serde_json::to_vec_pretty(&timings).map_err(|e| e.to_string())?;
    cst_store::write_atomic(&dir.join(format!("{name}.timings.json")), &t)
        .map_err(|e| e.to_string())?;
    if args.json {
        println!("{json}");
    } else {
        print!("{}", report.render());
        println!(
            "  time: {:.1} s backtest (features {:.1} s, inference {:.1} s, simulation {:.1} s), \
             {:.1} s walk-forward training\n  report: {}",
            timings.backtest_s,
            timings.features_s,
            timings.inference_s,
            timings.simulation_s,
            timings.training_s,
            path.display()
        );
    }
    Ok(())
}

fn day(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map_or_else(|| t.to_string(), |d| d.format("%Y%m%d").to_string())
}

/// FNV-1a of the report: names the file after its content, so a rerun with the same inputs
/// writes the same file.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
