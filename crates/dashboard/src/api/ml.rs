//! What the models say: the gated opportunities, a pair's predictions, and the model
//! registry with each model's evaluation against its baselines.

use std::{collections::BTreeMap, sync::Arc};

use axum::{Json, body::Bytes, extract::State};
use cst_models::explain::{Answer, active_ids, load_models, predict_pairs};
use cst_protocol::status::ServiceStatus;
use cst_store::StoredPrediction;
use cst_trade::gate::Candidate;
use serde_json::{Value, json};

use super::{hourly, known_pairs, models_active, pair_param};
use crate::server::{ApiError, Params, Shared};

use cst_market::DAY;

/// The latest gate run's candidates, best first, or the reason there are none.
pub async fn opportunities(State(shared): State<Arc<Shared>>) -> Result<Json<Value>, ApiError> {
    let go = shared
        .snapshot()
        .is_some_and(|s| s.report.status == ServiceStatus::Go);
    shared
        .read(move |store, config| {
            let active = models_active(store, config)?;
            let Some(run) = store.latest_gate_run().map_err(ApiError::internal)? else {
                let why = if active == 0 {
                    "no hour gated yet, and no trained model is active: run `cst train`"
                } else {
                    "no hour gated yet: the risk agent gates each hour once its predictions are stored"
                };
                return Ok(Json(json!({
                    "t": null, "go": go, "models_active": active, "candidates": [],
                    "empty_reason": why,
                })));
            };
            let mut candidates = Vec::new();
            for (rank, row) in store
                .gated_at(run.t, true)
                .map_err(ApiError::internal)?
                .iter()
                .enumerate()
            {
                let c: Candidate = serde_json::from_str(&row.record).map_err(|e| {
                    ApiError::internal(format!("an unreadable candidate of hour {}: {e}", run.t))
                })?;
                candidates.push(json!({
                    "pair": c.pair, "horizon_h": c.horizon_h, "model_id": c.model_id,
                    "p_up": c.p_up, "pred": c.pred, "lo": c.lo, "hi": c.hi,
                    "round_trip_cost": c.round_trip_cost, "rank": rank + 1,
                }));
            }
            let empty_reason = candidates.is_empty().then(|| {
                run.empty_reason
                    .clone()
                    .unwrap_or_else(|| "the gate passed no prediction".into())
            });
            Ok(Json(json!({
                "t": run.t, "at": run.at, "go": go, "models_active": active,
                "predictions": run.predictions, "candidates": candidates,
                "empty_reason": empty_reason,
            })))
        })
        .await
}

fn prediction(p: &StoredPrediction) -> Value {
    json!({"t": p.t, "horizon_h": p.horizon_h, "model_id": p.model_id, "p_up": p.p_up,
           "conf": p.conf, "pred": p.pred, "lo": p.lo, "hi": p.hi,
           "quality_prob": p.quality_prob})
}

/// `?pair=P`: the newest prediction per horizon and the last 7 days of them.
pub async fn predictions(
    State(shared): State<Arc<Shared>>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    shared
        .read(move |store, config| {
            let pair = pair_param(store, config, &params)?;
            let active = models_active(store, config)?;
            let newest = store
                .latest_open_time(&hourly(config, &pair))
                .map_err(ApiError::internal)?
                .map_or(0, |t| t + 3600);
            let history = store
                .predictions_between(&pair, newest - 7 * DAY, newest)
                .map_err(ApiError::internal)?;
            let mut latest: BTreeMap<u32, &StoredPrediction> = BTreeMap::new();
            for p in &history {
                latest.insert(p.horizon_h, p);
            }
            Ok(Json(json!({
                "pair": pair,
                "models_active": active,
                "latest": latest.values().map(|p| prediction(p)).collect::<Vec<_>>(),
                "history": history.iter().map(prediction).collect::<Vec<_>>(),
                "empty_reason": history.is_empty().then_some(if active == 0 {
                    "no trained model is active: run `cst train`"
                } else {
                    "no prediction for this pair in the last 7 days"
                }),
            })))
        })
        .await
}

/// Every model in the registry, newest first, with its evaluation report; per configured
/// horizon the active one.
pub async fn models(State(shared): State<Arc<Shared>>) -> Result<Json<Value>, ApiError> {
    shared
        .read(|store, config| {
            let mut all = store.models(None).map_err(ApiError::internal)?;
            all.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
            let model = |m: &cst_store::ModelRecord| {
                // The report is stored as training wrote it; an unreadable one shows as null.
                let report: Value = serde_json::from_str(&m.report).unwrap_or(Value::Null);
                json!({
                    "id": m.id, "horizon_h": m.horizon_h, "status": m.status.as_str(),
                    "reason": m.reason, "created_at": m.created_at,
                    "activated_at": m.activated_at, "retired_at": m.retired_at,
                    "train_from": m.train_from, "train_to": m.train_to,
                    "feature_set": m.feature_set, "report": report,
                })
            };
            let mut horizons = Vec::new();
            for &h in &config.ml.horizons_h {
                let active = store.active_model(h).map_err(ApiError::internal)?;
                horizons.push(json!({"horizon_h": h, "active": active.as_ref().map(model)}));
            }
            Ok(Json(json!({
                "models_active": models_active(store, config)?,
                "horizons": horizons,
                "models": all.iter().map(model).collect::<Vec<_>>(),
            })))
        })
        .await
}

/// Most pairs one `POST /api/predict` may ask for.
pub const MAX_PREDICT_PAIRS: usize = 50;

/// `POST /api/predict {"pairs": [...]}`: each pair at its newest decision time through every
/// active model, with each base model's P(up) and the stacker's weights. Nothing is stored.
pub async fn predict(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let example = r#"send {"pairs": ["BTC/USDT"]} (see /api/pairs)"#;
    let req: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("the body is not JSON ({e}): {example}")))?;
    let list = req.get("pairs").and_then(Value::as_array).ok_or_else(|| {
        ApiError::bad_request(format!("the body has no \"pairs\" list: {example}"))
    })?;
    if list.is_empty() || list.len() > MAX_PREDICT_PAIRS {
        return Err(ApiError::bad_request(format!(
            "\"pairs\" has {} entries: ask for 1 to {MAX_PREDICT_PAIRS}",
            list.len()
        )));
    }
    let mut pairs = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let p = p
            .as_str()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| {
                ApiError::bad_request(format!("pairs[{i}] is {p}, not a pair name: {example}"))
            })?;
        if !pairs.iter().any(|q: &String| q == p) {
            pairs.push(p.to_string());
        }
    }
    let me = Arc::clone(&shared);
    shared
        .read(move |store, config| {
            let known = known_pairs(store, config)?;
            if let Some(p) = pairs.iter().find(|p| !known.contains(p)) {
                return Err(ApiError::not_found(format!(
                    "unknown pair {p:?}: /api/pairs lists the pairs this service follows"
                )));
            }
            let ids = active_ids(store, config).map_err(ApiError::internal)?;
            if ids.is_empty() {
                return Err(ApiError::unavailable(
                    "no trained model is active, so there is nothing to predict with: run `cst train`",
                ));
            }
            let mut models = me.models.lock().unwrap_or_else(|p| p.into_inner());
            if models.ids != ids {
                let blobs = cst_store::BlobStore::new(me.home.blobs_dir());
                *models = load_models(store, &blobs, config).map_err(ApiError::internal)?;
            }
            let answers =
                predict_pairs(store, config, &mut models, &pairs).map_err(ApiError::internal)?;
            let mut predictions = Vec::new();
            let mut no_row = Vec::new();
            for a in answers {
                match a {
                    Answer::Predicted {
                        pair,
                        t,
                        source,
                        explained,
                    } => {
                        for e in explained {
                            let p = &e.prediction;
                            let names: Vec<&str> = e.base.iter().map(|(n, _)| n.as_str()).collect();
                            predictions.push(json!({
                                "pair": pair, "t": t, "source": source, "horizon_h": p.horizon_h,
                                "model_id": p.model_id, "p_up": p.p_up, "conf": p.conf,
                                "pred": p.pred, "lo": p.lo, "hi": p.hi,
                                "quality_prob": p.quality_prob,
                                "score": p.score, "p_beat": p.p_beat,
                                "base": e.base.iter().map(|(n, v)| json!({"name": n, "p_up": v})).collect::<Vec<_>>(),
                                "stacker": {
                                    "intercept": e.stacker_intercept,
                                    "weights": names.iter().zip(&e.stacker_weights)
                                        .map(|(n, w)| json!({"name": n, "weight": w}))
                                        .collect::<Vec<_>>(),
                                },
                            }));
                        }
                    }
                    Answer::NoRow { pair, t, reasons } => {
                        no_row.push(json!({"pair": pair, "t": t, "reasons": reasons}));
                    }
                }
            }
            Ok(Json(json!({
                "models": ids,
                "predictions": predictions,
                "no_row": no_row,
                "gate_note": "the 0.80 gate and the risk limits are not applied here: /api/opportunities is what passed them",
            })))
        })
        .await
}
