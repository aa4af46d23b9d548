//! `cst models [--json]`: the registry, newest first per horizon, with each model's status,
//! why it has it, and its out-of-sample skill. `cst models rollback HORIZON`: back to the
//! model active before (the rolled-back one is rejected). `cst models import`: a
//! user-supplied ONNX model ([`super::model_import`]).

#![allow(clippy::print_stdout)]

use std::{path::Path, process::ExitCode};

use cst_config::Home;
use cst_models::report::EvalReport;
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
        "{:<28} {:>4} {:<10} {:>8} {:>6} {:>8} {:<17}  reason",
        "MODEL", "H", "STATUS", "RANK IC", "IC t", "BRIER+", "USES"
    );
    for m in &models {
        let r = serde_json::from_str::<EvalReport>(&m.report)
            .map_err(|e| format!("model {}: unreadable report: {e}", m.id))?;
        let s = r.signal.as_ref();
        let fig = |v: Option<f64>, w: usize, d: usize| {
            v.map_or(format!("{:>w$}", "-"), |x| format!("{x:>w$.d$}"))
        };
        let skill = s.and_then(|s| match (s.brier, s.brier_base) {
            (Some(b), Some(base)) if base > 0.0 => Some(1.0 - b / base),
            _ => None,
        });
        let uses: Vec<&str> = [
            ("ranking", r.uses.ranking.earned),
            ("absolute", r.uses.absolute.earned),
        ]
        .iter()
        .filter(|(_, e)| *e)
        .map(|(n, _)| *n)
        .collect();
        println!(
            "{:<28} {:>4} {:<10} {} {} {} {:<17}  {}",
            m.id,
            m.horizon_h,
            m.status.as_str(),
            fig(s.and_then(|s| s.rank_ic), 8, 4),
            fig(s.and_then(|s| s.rank_ic_t), 6, 2),
            fig(skill, 8, 4),
            if uses.is_empty() {
                "-".to_string()
            } else {
                uses.join("+")
            },
            m.reason
        );
    }
    println!(
        "(RANK IC, IC t: the ranking model out of sample, hours as units; BRIER+: the absolute \
         classifier's skill over the base rate; USES: what earned activation — ranking at \
         IC t >= 2, absolute at BRIER+ > 0)"
    );
    Ok(ExitCode::SUCCESS)
}

/// Registry bookkeeping time: the machine's clock (a user's action, not market data).
#[allow(clippy::disallowed_methods)]
fn chrono_now() -> i64 {
    chrono::Utc::now().timestamp()
}
