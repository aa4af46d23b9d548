//! `cst predict [--pair P] [--json]`: predictions of the active models from each pair's
//! newest feature row, through ONNX Runtime. No active model means no prediction — the
//! command says so and exits 1; it never prints a number it does not have.

#![allow(clippy::print_stdout)]

use std::{path::Path, process::ExitCode};

use cst_config::Home;
use cst_features::BuildContext;
use cst_market::PairName;
use cst_models::explain::{Models, active_ids, load_models, predict_latest};
use cst_store::{BlobStore, Store};

#[derive(Debug, clap::Args)]
pub struct PredictArgs {
    /// One pair (default: every stored pair of the deployment's exchange).
    #[arg(long)]
    pub pair: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(home: &Home, config: Option<&Path>, args: PredictArgs) -> ExitCode {
    match predict(home, config, args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("cst: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn predict(home: &Home, config: Option<&Path>, args: PredictArgs) -> Result<ExitCode, String> {
    let config = cst_config::load(home, config).map_err(|e| e.to_string())?;
    let store = Store::open(&home.db_path()).map_err(|e| e.to_string())?;
    let blobs = BlobStore::new(home.blobs_dir());
    let exchange = config.collector.exchange.clone();
    let ctx =
        BuildContext::for_deployment(&config, &exchange, &store).map_err(|e| e.to_string())?;
    // The same loading as the dashboard's: every configured horizon's active model.
    let active = active_ids(&store, &config).map_err(|e| e.to_string())?;
    let mut models = if active.is_empty() {
        Models::default()
    } else {
        load_models(&store, &blobs, &config).map_err(|e| e.to_string())?
    };
    let missing: Vec<u32> = config
        .ml
        .horizons_h
        .iter()
        .copied()
        .filter(|h| !models.loaded.contains_key(h))
        .collect();
    if models.loaded.is_empty() {
        let msg = format!(
            "no active model for any horizon ({:?} h): no predictions. Train with `cst train`; \
             `cst models` shows why earlier models were not activated",
            config.ml.horizons_h
        );
        if args.json {
            println!("{}", serde_json::json!({"predictions": [], "reason": msg}));
        } else {
            println!("{msg}");
        }
        return Ok(ExitCode::FAILURE);
    }
    let wanted = match &args.pair {
        Some(p) => vec![
            PairName::parse(p)
                .ok_or_else(|| format!("{p:?} is not a pair name: use BASE/QUOTE"))?
                .to_string(),
        ],
        None => store.hourly_pairs(&exchange).map_err(|e| e.to_string())?,
    };
    let out = predict_latest(&store, &ctx, &mut models, &wanted).map_err(|e| e.to_string())?;
    if args.json {
        println!(
            "{}",
            serde_json::json!({"pairs": out, "horizons_without_model": missing})
        );
        return Ok(ExitCode::SUCCESS);
    }
    for h in &missing {
        println!("{h} h: no active model, no predictions");
    }
    println!(
        "{:<12} {:>10} {:>5} {:>7} {:>9} {:>9} {:>9} {:>6} {:>7}  MODEL",
        "PAIR", "T", "H", "P_UP", "PRED", "LO", "HI", "CONF", "QUALITY"
    );
    for p in &out {
        if let Some(why) = &p.no_row {
            println!("{:<12} {:>10}  no feature row: {why}", p.pair, p.t);
        }
        for x in &p.predictions {
            println!(
                "{:<12} {:>10} {:>5} {:>7.4} {:>9.5} {:>9.5} {:>9.5} {:>6.3} {:>7.3}  {}",
                p.pair,
                p.t,
                x.horizon_h,
                x.p_up,
                x.pred,
                x.lo,
                x.hi,
                x.conf,
                x.quality_prob,
                x.model_id
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
