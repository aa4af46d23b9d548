//! `cst models [--json]`: the registry, newest first per horizon, with each model's status,
//! why it has it, and its out-of-sample skill. `cst models rollback HORIZON`: back to the
//! model active before (the rolled-back one is rejected). `cst models import`: a
//! user-supplied ONNX model ([`super::model_import`]).

#![allow(clippy::print_stdout)]

use std::{path::Path, process::ExitCode};

use cst_config::Home;
use cst_models::{registry::skill, report::EvalReport};
use cst_store::Store;

#[derive(Debug, clap::Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub action: Option<ModelsAction>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum ModelsAction {
    /// Reactivate the model that was active before the current one of HORIZON (hours).
    Rollback { horizon: u32 },
    /// Register a user-supplied ONNX model as HORIZON's P(up) classifier; it is
    /// calibrated, evaluated and activated (or not) exactly as a trained model.
    Import(super::model_import::ImportArgs),
}

pub fn run(home: &Home, config: Option<&Path>, args: ModelsArgs) -> ExitCode {
    let result = match &args.action {
        Some(ModelsAction::Import(import)) => {
            super::model_import::import(home, config, import, args.json)
        }
        _ => models(home, args),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("cst: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn models(home: &Home, args: ModelsArgs) -> Result<ExitCode, String> {
    let mut store = Store::open(&home.db_path()).map_err(|e| e.to_string())?;
    if let Some(ModelsAction::Rollback { horizon }) = args.action {
        let now = chrono_now();
        let back = store
            .rollback_model(horizon, now)
            .map_err(|e| e.to_string())?;
        println!("{horizon} h: {} is active again", back.id);
        return Ok(ExitCode::SUCCESS);
    }
    let models = store.models(None).map_err(|e| e.to_string())?;
    if args.json {
        let rows: Vec<serde_json::Value> = models
            .iter()
            .map(|m| {
                serde_json::json!({
                    "id": m.id, "horizon_h": m.horizon_h, "status": m.status.as_str(),
                    "reason": m.reason, "feature_set": m.feature_set,
                    "train_from": m.train_from, "train_to": m.train_to,
                    "created_at": m.created_at, "activated_at": m.activated_at,
                    "retired_at": m.retired_at,
                    "report": serde_json::from_str::<serde_json::Value>(&m.report).ok(),
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return Ok(ExitCode::SUCCESS);
    }
    if models.is_empty() {
        println!(
            "no models: train them with `cst train` (until then the service makes no predictions)"
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<28} {:>4} {:<10} {:>8} {:>8}  reason",
        "MODEL", "H", "STATUS", "BRIER+", "PINBALL+"
    );
    for m in &models {
        let (b, p) = serde_json::from_str::<EvalReport>(&m.report)
            .map(|r| skill(&r))
            .map_err(|e| format!("model {}: unreadable report: {e}", m.id))?;
        println!(
            "{:<28} {:>4} {:<10} {:>8.4} {:>8.4}  {}",
            m.id,
            m.horizon_h,
            m.status.as_str(),
            b,
            p,
            m.reason
        );
    }
    println!("(BRIER+ / PINBALL+: out-of-sample skill against the base rate / a zero return)");
    Ok(ExitCode::SUCCESS)
}

/// Registry bookkeeping time: the machine's clock (a user's action, not market data).
#[allow(clippy::disallowed_methods)]
fn chrono_now() -> i64 {
    chrono::Utc::now().timestamp()
}
