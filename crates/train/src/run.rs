//! Training and predicting for a deployment, as `cst train`, `cst predict` and the ml agent
//! do it: every H1 candle series of the deployment's exchange, the configured window, the
//! deployment's FeatureSet. "Now" is the data's own clock (the newest stored candle's
//! close), so a replay trains on its replayed time, never the machine's.

use cst_config::MlConfig;
use cst_features::{BuildContext, HOUR};
use cst_store::{BlobStore, Store};

use cst_models::{
    registry::{Registered, register},
    report::EvalReport,
};

use crate::{
    MlError, TrainParams,
    dataset::{DatasetSpec, barrier_labels, build},
    external::External,
    fit::{FitConfig, Fitted, fit_horizon_with},
};

pub fn fit_config(c: &MlConfig) -> FitConfig {
    FitConfig {
        params: TrainParams {
            num_iterations: c.num_iterations,
            learning_rate: c.learning_rate,
            num_leaves: c.num_leaves,
            min_data_in_leaf: c.min_data_in_leaf,
            threads: c.threads,
            ..TrainParams::default()
        },
        folds: c.folds,
        alpha: c.interval_alpha,
        barrier_sigmas: c.barrier_sigmas,
    }
}

/// Days of feature rows one training run of `horizon_h` reads: `[ml] train_window_days`, or
/// more when the horizon needs it. Each walk-forward block must hold more than the horizon
/// plus its embargo (two horizons) for the first fold to have any training row at all, so a
/// block needs three horizons: for the 30-day horizon with 4 folds, 450 days.
pub fn window_days(cfg: &MlConfig, horizon_h: u32) -> u32 {
    let needed = (cfg.folds as u32 + 1) * 3 * horizon_h.div_ceil(24);
    cfg.train_window_days.max(needed)
}

/// Trains one horizon over the configured window ending at the last row whose target is
/// complete by `now`, and registers the result.
pub fn train_horizon(
    store: &mut Store,
    blobs: &BlobStore,
    ctx: &BuildContext,
    cfg: &MlConfig,
    horizon_h: u32,
    now: i64,
) -> Result<(EvalReport, Registered), MlError> {
    train_horizon_with(store, blobs, ctx, cfg, horizon_h, now, None)
}

/// As [`train_horizon`], with a user-supplied classifier (`cst models import`): the same
/// window, quantiles, calibration, evaluation and champion/challenger.
pub fn train_horizon_with(
    store: &mut Store,
    blobs: &BlobStore,
    ctx: &BuildContext,
    cfg: &MlConfig,
    horizon_h: u32,
    now: i64,
    external: Option<&External>,
) -> Result<(EvalReport, Registered), MlError> {
    // The champion, if this deployment can serve it, is scored on the challenger's
    // evaluation rows; one reading other columns cannot be, and is compared by its report.
    let mut champion =
        cst_models::registry::load_active(store, blobs, horizon_h, ctx.set.version())
            .ok()
            .flatten();
    let fitted = fit_at(store, ctx, cfg, horizon_h, now, external, champion.as_mut())?;
    let registered = register(store, blobs, &fitted, now)?;
    Ok((fitted.report, registered))
}

/// Fits one horizon at `now` without registering it: the configured window of rows whose
/// targets are complete by `now`, so the model sees nothing from `now` on; `champion` is
/// scored on its evaluation rows ([`crate::fit::score_champion`]). The backtester's
/// walk-forward calls this at each retrain point.
pub fn fit_at(
    store: &Store,
    ctx: &BuildContext,
    cfg: &MlConfig,
    horizon_h: u32,
    now: i64,
    external: Option<&External>,
    champion: Option<&mut cst_models::predict::Predictor>,
) -> Result<Fitted, MlError> {
    let to = now / HOUR * HOUR - i64::from(horizon_h) * HOUR;
    let from = to - i64::from(window_days(cfg, horizon_h)) * 24 * HOUR;
    let pairs = store.hourly_pairs(&ctx.exchange)?;
    if pairs.is_empty() {
        return Err(MlError::Check(format!(
            "no hourly candles of {} are stored: collect (`cst up`) or import (`cst import`) first",
            ctx.exchange
        )));
    }
    let spec = DatasetSpec {
        horizon_h,
        from,
        to,
        round_trip_cost: cfg.round_trip_cost,
    };
    let ds = build(store, ctx, &pairs, &spec)?;
    let hits = |b: f64| barrier_labels(store, &ctx.exchange, &ds, b);
    let mut fitted = fit_horizon_with(&ds, &fit_config(cfg), now, &hits, external)?;
    if let Some(c) = champion {
        crate::fit::score_champion(&ds, &mut fitted, c)?;
    }
    Ok(fitted)
}

/// Writes a training run's evaluation report for people: `<dir>/<model id>.json` (the report
/// and the registry's decision) and `<dir>/<model id>.txt` (the readable table), each
/// atomically. Returns the two paths.
pub fn write_report(
    dir: &std::path::Path,
    report: &EvalReport,
    reg: &Registered,
) -> Result<(std::path::PathBuf, std::path::PathBuf), MlError> {
    let json = serde_json::json!({
        "model_id": reg.id,
        "status": reg.status.as_str(),
        "reason": reg.reason,
        "report": report,
    });
    let text = format!(
        "{}  model {}: {} ({})\n",
        report.render(),
        reg.id,
        reg.status.as_str(),
        reg.reason
    );
    let (j, t) = (
        dir.join(format!("{}.json", reg.id)),
        dir.join(format!("{}.txt", reg.id)),
    );
    let bytes = serde_json::to_vec_pretty(&json).map_err(|e| MlError::Bundle(e.to_string()))?;
    cst_store::write_atomic(&j, &bytes)?;
    cst_store::write_atomic(&t, text.as_bytes())?;
    Ok((j, t))
}
