//! `cst models import --horizon H FILE.onnx --trained-until T [--name N] [--json]`: a
//! user-supplied ONNX model as the P(up) classifier of horizon H ([`cst_train::external`]).
//! It goes through what `cst train` does — the same window, quantiles, calibration on
//! rows it never saw, the report beside the baselines, champion/challenger — and is
//! activated only if it earns it.

#![allow(clippy::print_stdout)]

use std::{path::Path, process::ExitCode};

use cst_config::Home;
use cst_features::BuildContext;
use cst_models::runtime;
use cst_store::{BlobStore, Store};
use cst_train::{
    external::External,
    run::{train_horizon_with, write_report},
};

#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// The horizon (hours) the model predicts.
    #[arg(long)]
    pub horizon: u32,
    /// The ONNX file: one input [N, n_features] (f32 or f64), one score per row, and the
    /// metadata property cst.feature_set naming the FeatureSet it reads.
    pub onnx: std::path::PathBuf,
    /// When its training data (features and targets) ended: Unix seconds, YYYY-MM-DD or
    /// RFC 3339. It is calibrated and evaluated only on rows after that.
    #[arg(long)]
    pub trained_until: String,
    /// Its name in the registry and the report (default: the file name).
    #[arg(long)]
    pub name: Option<String>,
}

pub fn import(
    home: &Home,
    config: Option<&Path>,
    args: &ImportArgs,
    json: bool,
) -> Result<ExitCode, String> {
    let config = cst_config::load(home, config).map_err(|e| e.to_string())?;
    if !config.ml.horizons_h.contains(&args.horizon) {
        return Err(format!(
            "{} h is not a configured horizon ([ml] horizons_h = {:?})",
            args.horizon, config.ml.horizons_h
        ));
    }
    let until = super::replay::parse_start(&args.trained_until)
        .map_err(|e| format!("--trained-until: {e}"))?;
    let bytes = std::fs::read(&args.onnx)
        .map_err(|e| format!("cannot read {}: {e}", args.onnx.display()))?;
    let name = args.name.clone().unwrap_or_else(|| {
        args.onnx
            .file_name()
            .map_or("model".into(), |n| n.to_string_lossy().into_owned())
    });
    let dylib = runtime::dylib_path(Some(&config.ml.onnxruntime))
        .ok_or("neither [ml] onnxruntime nor ORT_DYLIB_PATH is set: run deploy/setup.sh")?;
    runtime::init(&dylib).map_err(|e| e.to_string())?;
    let mut store = Store::open(&home.db_path()).map_err(|e| e.to_string())?;
    let exchange = config.collector.exchange.clone();
    let ctx =
        BuildContext::for_deployment(&config, &exchange, &store).map_err(|e| e.to_string())?;
    let external =
        External::new(&name, bytes, until, ctx.set.version()).map_err(|e| e.to_string())?;
    let now = store
        .data_now(&exchange)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!("no hourly candles of {exchange} are stored: collect (`cst up`) or import (`cst import`) first")
        })?;
    let blobs = BlobStore::new(home.blobs_dir());
    let (report, reg) = train_horizon_with(
        &mut store,
        &blobs,
        &ctx,
        &config.ml,
        args.horizon,
        now,
        Some(&external),
    )
    .map_err(|e| format!("{name} not registered: {e}"))?;
    let (json_path, _) = write_report(&home.reports_dir().join("models"), &report, &reg)
        .map_err(|e| e.to_string())?;
    if json {
        println!(
            "{}",
            serde_json::json!({
                "horizon_h": args.horizon, "model_id": reg.id, "status": reg.status.as_str(),
                "reason": reg.reason, "report": report, "report_file": json_path,
            })
        );
    } else {
        print!("{}", report.render());
        println!(
            "  model {}: {} ({})",
            reg.id,
            reg.status.as_str(),
            reg.reason
        );
    }
    Ok(ExitCode::SUCCESS)
}
