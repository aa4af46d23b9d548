//! `cst train [--horizon H] [--json]`: trains the configured horizons on the stored data
//! (works while the service is down), prints each evaluation report, and says what the
//! registry decided. Exit code 0 when every horizon trained (a rejected model is a normal
//! outcome), 1 when one aborted — with the reason.

#![allow(clippy::print_stdout)]

use std::{path::Path, process::ExitCode};

use cst_config::Home;
use cst_features::BuildContext;
use cst_store::{BlobStore, Store};
use cst_train::run::{train_horizon, write_report};

#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// One horizon in hours (default: every horizon in `[ml] horizons_h`).
    #[arg(long)]
    pub horizon: Option<u32>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(home: &Home, config: Option<&Path>, args: TrainArgs) -> ExitCode {
    match train(home, config, args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("cst: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn train(home: &Home, config: Option<&Path>, args: TrainArgs) -> Result<ExitCode, String> {
    let config = cst_config::load(home, config).map_err(|e| e.to_string())?;
    let horizons = match args.horizon {
        Some(h) if config.ml.horizons_h.contains(&h) => vec![h],
        Some(h) => {
            return Err(format!(
                "{h} h is not a configured horizon ([ml] horizons_h = {:?})",
                config.ml.horizons_h
            ));
        }
        None => config.ml.horizons_h.clone(),
    };
    let mut store = Store::open(&home.db_path()).map_err(|e| e.to_string())?;
    let blobs = BlobStore::new(home.blobs_dir());
    let exchange = config.collector.exchange.clone();
    let now = store
        .data_now(&exchange)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!("no hourly candles of {exchange} are stored: collect (`cst up`) or import (`cst import`) first")
        })?;
    let ctx =
        BuildContext::for_deployment(&config, &exchange, &store).map_err(|e| e.to_string())?;
    let mut failed = false;
    let mut json = Vec::new();
    let mut signals = Vec::new();
    for h in horizons {
        match train_horizon(&mut store, &blobs, &ctx, &config.ml, h, now) {
            Ok((report, reg)) => {
                signals.extend(report.signal.clone());
                let (json_path, _) =
                    write_report(&home.reports_dir().join("models"), &report, &reg)
                        .map_err(|e| e.to_string())?;
                if args.json {
                    json.push(serde_json::json!({
                        "horizon_h": h, "model_id": reg.id, "status": reg.status.as_str(),
                        "reason": reg.reason, "report": report,
                        "report_file": json_path,
                    }));
                } else {
                    print!("{}", report.render());
                    println!(
                        "  model {}: {} ({})\n",
                        reg.id,
                        reg.status.as_str(),
                        reg.reason
                    );
                }
            }
            Err(e) => {
                failed = true;
                if args.json {
                    json.push(serde_json::json!({"horizon_h": h, "error": e.to_string()}));
                } else {
                    println!("horizon {h} h: {e}\n");
                }
            }
        }
    }
    if args.json {
        let out = serde_json::json!({ "runs": json, "signal": signals });
        println!("{out}");
    } else if !signals.is_empty() {
        println!("signal, evaluation rows the models never saw (../shared/SIGNAL.md):");
        print!("{}", cst_calibrate::signal::render_table(&signals));
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
