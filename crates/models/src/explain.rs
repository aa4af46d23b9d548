//! Predictions on demand, for the dashboard's `POST /api/predict` and `cst predict`: the
//! active models loaded once ([`load_models`]), each pair's row at its newest decision time
//! from the same feature builder the ml agent uses, every active model, and (for the
//! dashboard) how each P(up) was made (the base models' probabilities and the stacker's
//! weights). Nothing is stored: the ml agent's predictions stay the record.

use std::collections::BTreeMap;

use cst_config::Config;
use cst_features::{BuildContext, Built, FeatureSet, stored};
use cst_market::Timeframe;
use cst_store::{BlobStore, CandleKey, Store};
use serde::Serialize;

use crate::{
    MlError,
    predict::{Explained, Prediction, Predictor},
    registry::load_active,
    runtime,
};

use cst_market::HOUR;

/// The active models, loaded; `ids` tells when the registry has moved on.
#[derive(Debug, Default)]
pub struct Models {
    pub ids: Vec<String>,
    pub loaded: BTreeMap<u32, Predictor>,
}

/// The ids of the configured horizons' active models, in horizon order.
pub fn active_ids(store: &Store, config: &Config) -> Result<Vec<String>, MlError> {
    let mut ids = Vec::new();
    for &h in &config.ml.horizons_h {
        if let Some(m) = store.active_model(h)? {
            ids.push(m.id);
        }
    }
    Ok(ids)
}

/// Loads every configured horizon's active model (ONNX Runtime from `[ml] onnxruntime` or
/// `ORT_DYLIB_PATH`).
pub fn load_models(store: &Store, blobs: &BlobStore, config: &Config) -> Result<Models, MlError> {
    let dylib = runtime::dylib_path(Some(&config.ml.onnxruntime)).ok_or_else(|| {
        MlError::RuntimeMissing {
            path: "nowhere".into(),
            reason: "neither [ml] onnxruntime nor ORT_DYLIB_PATH is set".into(),
        }
    })?;
    runtime::init(&dylib)?;
    let set = FeatureSet::from_config(&config.features)?;
    let mut models = Models::default();
    for &h in &config.ml.horizons_h {
        if let Some(p) = load_active(store, blobs, h, set.version())? {
            models.ids.push(p.model_id.clone());
            models.loaded.insert(h, p);
        }
    }
    Ok(models)
}

/// One pair's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// At decision time `t` (the close of the newest stored candle), one per loaded horizon.
    Predicted {
        pair: String,
        t: i64,
        /// Whether the row is the one the service stored for that hour, or was built now
        /// (an hour not built yet: its cross-section may still miss peers' candles).
        source: &'static str,
        explained: Vec<Explained>,
    },
    /// No row at `t`: why (a required feature group missing, or no candle at all).
    NoRow {
        pair: String,
        t: Option<i64>,
        reasons: Vec<String>,
    },
}

/// Each pair at its newest decision time through every loaded model.
pub fn predict_pairs(
    store: &Store,
    config: &Config,
    models: &mut Models,
    pairs: &[String],
) -> Result<Vec<Answer>, MlError> {
    let ctx = BuildContext::for_deployment(config, &config.collector.exchange, store)?;
    answers(store, &ctx, models, pairs)
}

/// The one computation behind [`predict_pairs`] and [`predict_latest`]: each pair's row at
/// its newest decision time (the stored one where the service built it), through every
/// loaded model, with each base model's part.
fn answers(
    store: &Store,
    ctx: &BuildContext,
    models: &mut Models,
    pairs: &[String],
) -> Result<Vec<Answer>, MlError> {
    let mut out = Vec::with_capacity(pairs.len());
    for pair in pairs {
        let key = CandleKey::new(&ctx.exchange, pair, Timeframe::H1);
        let Some(open) = store.latest_open_time(&key)? else {
            out.push(Answer::NoRow {
                pair: pair.clone(),
                t: None,
                reasons: vec!["no hourly candle stored".into()],
            });
            continue;
        };
        let t = open + HOUR;
        // The row the ml agent was served, when the service built that hour.
        let (built, source) = stored::read_or_build(store, ctx, pair, t)?;
        match built {
            Built::Row(row) => {
                let mut explained = Vec::new();
                for p in models.loaded.values_mut() {
                    explained.extend(p.explain(&row.values)?);
                }
                out.push(Answer::Predicted {
                    pair: pair.clone(),
                    t,
                    source: source.name(),
                    explained,
                });
            }
            Built::NoRow { missing, .. } => out.push(Answer::NoRow {
                pair: pair.clone(),
                t: Some(t),
                reasons: missing
                    .iter()
                    .map(|m| format!("{} missing: {}", m.group.name(), m.reason))
                    .collect(),
            }),
        }
    }
    Ok(out)
}

/// One pair's answer: a prediction per loaded horizon, or why there is none.
#[derive(Debug, Clone, Serialize)]
pub struct PairPredictions {
    pub pair: String,
    pub t: i64,
    pub predictions: Vec<Prediction>,
    /// Set when the pair has no feature row at t (no row, no prediction).
    pub no_row: Option<String>,
}

/// Predictions from the newest feature row of each pair, for every loaded model.
pub fn predict_latest(
    store: &Store,
    ctx: &BuildContext,
    models: &mut Models,
    pairs: &[String],
) -> Result<Vec<PairPredictions>, MlError> {
    Ok(answers(store, ctx, models, pairs)?
        .into_iter()
        .map(|a| match a {
            Answer::Predicted {
                pair, t, explained, ..
            } => PairPredictions {
                pair,
                t,
                predictions: explained.into_iter().map(|e| e.prediction).collect(),
                no_row: None,
            },
            Answer::NoRow { pair, t, reasons } => PairPredictions {
                pair,
                t: t.unwrap_or(0),
                predictions: Vec::new(),
                no_row: Some(reasons.join("; ")),
            },
        })
        .collect())
}
