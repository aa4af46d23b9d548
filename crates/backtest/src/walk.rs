//! Walk-forward retraining. At each retrain point every horizon is fitted on the window of
//! rows whose targets are complete by that point ([`cst_train::run::fit_at`], the function
//! `cst train` calls), so no model sees data from its own future. The challenger replaces
//! the champion only if the registry's rule ([`cst_models::registry::decide`]) says so;
//! otherwise the champion keeps serving, as in the service.

use std::collections::BTreeMap;

use cst_config::MlConfig;
use cst_features::BuildContext;
use cst_models::{bundle::ModelBundle, predict::Predictor, registry::decide, report::EvalReport};
use cst_store::{BlobStore, ModelStatus, Store};
use cst_train::run::fit_at;
use serde::Serialize;

use crate::BacktestError;

/// What a retrain point produced for one horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelUsed {
    pub horizon_h: u32,
    pub id: String,
    pub retrain_at: i64,
    /// Feature times of the training rows (first, last); none when training failed.
    pub train_from: Option<i64>,
    pub train_to: Option<i64>,
    /// active, rejected or failed.
    pub status: String,
    pub reason: String,
    pub ece: Option<f64>,
    pub auc: Option<f64>,
}

/// A model serving in the backtest.
#[derive(Debug)]
pub struct Champion {
    pub report: EvalReport,
    pub predictor: Predictor,
}

/// Retrain points: `from`, then every `every_days` days, before `to`.
pub fn retrain_points(from: i64, to: i64, every_days: u32) -> Vec<i64> {
    let step = i64::from(every_days.max(1)) * 86_400;
    (0..)
        .map(|k| from + k * step)
        .take_while(|&t| t < to)
        .collect()
}

/// Fits every horizon at `at` and lets each challenger replace its champion or not.
pub fn retrain(
    store: &Store,
    ctx: &BuildContext,
    ml: &MlConfig,
    at: i64,
    champions: &mut BTreeMap<u32, Champion>,
    used: &mut Vec<ModelUsed>,
) -> Result<(), BacktestError> {
    for &h in &ml.horizons_h {
        let id = format!("bt-h{h}-{at}");
        let champion = champions.get_mut(&h).map(|c| &mut c.predictor);
        let fitted = match fit_at(store, ctx, ml, h, at, None, champion) {
            Ok(f) => f,
            // Too little history or a degenerate window: this horizon keeps its champion.
            Err(e @ (cst_models::MlError::Check(_) | cst_models::MlError::Shape(_))) => {
                used.push(ModelUsed {
                    horizon_h: h,
                    id,
                    retrain_at: at,
                    train_from: None,
                    train_to: None,
                    status: "failed".into(),
                    reason: e.to_string(),
                    ece: None,
                    auc: None,
                });
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let (status, reason) = decide(&fitted.report, champions.get(&h).map(|c| &c.report));
        used.push(ModelUsed {
            horizon_h: h,
            id: id.clone(),
            retrain_at: at,
            train_from: Some(fitted.bundle.train_from),
            train_to: Some(fitted.bundle.train_to),
            status: status.as_str().into(),
            reason,
            ece: Some(fitted.report.ece),
            auc: Some(fitted.report.auc.model),
        });
        if status == ModelStatus::Active {
            let report = fitted.report.clone();
            let predictor = Predictor::load(fitted.bundle, &id, ctx.set.version())?;
            champions.insert(h, Champion { report, predictor });
        }
    }
    Ok(())
}

/// The registry's active model of every configured horizon, refused if its training
/// targets reach past `from` (the backtest would trade on what the model already saw).
pub fn registry_models(
    store: &Store,
    blobs: &BlobStore,
    ctx: &BuildContext,
    config: &cst_config::Config,
    from: i64,
    champions: &mut BTreeMap<u32, Champion>,
    used: &mut Vec<ModelUsed>,
) -> Result<(), BacktestError> {
    for &h in &config.ml.horizons_h {
        let Some(m) = store.active_model(h)? else {
            continue;
        };
        let bundle = ModelBundle::decode(&blobs.get(&m.bundle)?)?;
        let seen_until = bundle.train_to + i64::from(h) * 3600;
        if seen_until > from {
            return Err(BacktestError::Spec(format!(
                "the active {h} h model {} was trained on targets up to {seen_until}, after the \
                 backtest's start {from}: start later, or retrain walk-forward (--retrain-days)",
                m.id
            )));
        }
        let report: EvalReport = serde_json::from_str(&m.report)
            .map_err(|e| BacktestError::Spec(format!("model {}: unreadable report: {e}", m.id)))?;
        used.push(ModelUsed {
            horizon_h: h,
            id: m.id.clone(),
            retrain_at: m.created_at,
            train_from: Some(bundle.train_from),
            train_to: Some(bundle.train_to),
            status: "active".into(),
            reason: "the registry's active model".into(),
            ece: Some(report.ece),
            auc: Some(report.auc.model),
        });
        let predictor = Predictor::load(bundle, &m.id, ctx.set.version())?;
        champions.insert(h, Champion { report, predictor });
    }
    Ok(())
}
