//! Serving one horizon: the bundle's five ONNX models through ONNX Runtime, then the same
//! calibration formulas training evaluated ([`crate::combine::combine`]). A bundle trained on
//! another FeatureSet is refused before it can read a column it was not trained on.

use serde::Serialize;

use crate::{MlError, OnnxModel, bundle::ModelBundle, combine::combine};

/// One prediction for one (pair, time, horizon).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    pub horizon_h: u32,
    /// Calibrated probability that the move over the horizon pays the round-trip costs.
    pub p_up: f64,
    /// Median forecast of the log return.
    pub pred: f64,
    /// Conformal 80% interval of the log return.
    pub lo: f64,
    pub hi: f64,
    /// Calibrated probability of the direction the model leans to: max(p_up, 1 − p_up).
    pub conf: f64,
    /// Meta-label: P(a long hits its take-profit before its stop-loss within the horizon).
    pub quality_prob: f64,
    /// The ranking model's score: the forward return net of the hour's mean, in units of
    /// the pair's volatility (higher ranks first). `None`: the model has no ranking model.
    pub score: Option<f64>,
    /// Calibrated probability that the pair beats the hour's median over the horizon.
    pub p_beat: Option<f64>,
    pub model_id: String,
    pub feature_set: String,
}

impl Prediction {
    /// As stored for `pair` at decision time `t` (the ml agent's and the backtest's rows).
    pub fn stored(self, pair: &str, t: i64) -> cst_store::StoredPrediction {
        cst_store::StoredPrediction {
            pair: pair.to_string(),
            t,
            horizon_h: self.horizon_h,
            model_id: self.model_id,
            feature_set: self.feature_set,
            p_up: self.p_up,
            pred: self.pred,
            lo: self.lo,
            hi: self.hi,
            conf: self.conf,
            quality_prob: self.quality_prob,
            score: self.score,
            p_beat: self.p_beat,
        }
    }
}

/// A prediction with its parts: what each base model said and how the stacker weighed them
/// (P(up) = logistic(intercept + Σ weight × base P(up)), the stacker's own formula).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explained {
    pub prediction: Prediction,
    /// (base model, its P(up)), in the stacker's input order.
    pub base: [(String, f64); 2],
    pub stacker_intercept: f64,
    pub stacker_weights: Vec<f64>,
}

#[derive(Debug)]
pub struct Predictor {
    pub bundle: ModelBundle,
    pub model_id: String,
    classifier: OnnxModel,
    q10: OnnxModel,
    q50: OnnxModel,
    q90: OnnxModel,
    ranker: Option<(OnnxModel, cst_calibrate::Isotonic)>,
}

impl Predictor {
    /// Loads a bundle for a deployment whose FeatureSet is `feature_set`.
    pub fn load(
        bundle: ModelBundle,
        model_id: &str,
        feature_set: &str,
    ) -> Result<Predictor, MlError> {
        if bundle.feature_set != feature_set {
            return Err(MlError::Bundle(format!(
                "model {model_id} was trained on FeatureSet {} but this deployment builds {feature_set}: \
                 retrain with `cst train`",
                bundle.feature_set
            )));
        }
        let n = bundle.names.len();
        Ok(Predictor {
            classifier: OnnxModel::load(&bundle.classifier, n)?,
            q10: OnnxModel::load(&bundle.q10, n)?,
            q50: OnnxModel::load(&bundle.q50, n)?,
            q90: OnnxModel::load(&bundle.q90, n)?,
            ranker: match (&bundle.ranker, &bundle.relative) {
                (Some(onnx), Some(iso)) => Some((OnnxModel::load(onnx, n)?, iso.clone())),
                (None, None) => None,
                _ => {
                    return Err(MlError::Bundle(format!(
                        "model {model_id}: a ranking model without its calibration (or the \
                         reverse): retrain with `cst train`"
                    )));
                }
            },
            model_id: model_id.to_string(),
            bundle,
        })
    }

    /// Predictions for row-major `rows` in the bundle's feature order, one per row.
    pub fn predict(&mut self, rows: &[f64]) -> Result<Vec<Prediction>, MlError> {
        Ok(self
            .explain(rows)?
            .into_iter()
            .map(|e| e.prediction)
            .collect())
    }

    /// [`Self::predict`] with how each P(up) came about: the base models' probabilities and
    /// the stacker that combined them.
    pub fn explain(&mut self, rows: &[f64]) -> Result<Vec<Explained>, MlError> {
        let raw = self.classifier.predict(rows)?;
        let q10 = self.q10.predict(rows)?;
        let q50 = self.q50.predict(rows)?;
        let q90 = self.q90.predict(rows)?;
        let score = match &mut self.ranker {
            Some((m, _)) => Some(m.predict(rows)?),
            None => None,
        };
        let parts = (&self.bundle).into();
        let mut out = Vec::with_capacity(raw.len());
        for i in 0..raw.len() {
            let c = combine(&parts, raw[i], q10[i], q50[i], q90[i])?;
            out.push(Explained {
                prediction: Prediction {
                    horizon_h: self.bundle.horizon_h,
                    p_up: c.p_up,
                    pred: q50[i],
                    lo: c.lo,
                    hi: c.hi,
                    conf: c.p_up.max(1.0 - c.p_up),
                    quality_prob: c.quality_prob,
                    score: score.as_ref().map(|s| s[i]),
                    p_beat: match (&self.ranker, &score) {
                        (Some((_, iso)), Some(s)) => Some(iso.predict(s[i])?),
                        _ => None,
                    },
                    model_id: self.model_id.clone(),
                    feature_set: self.bundle.feature_set.clone(),
                },
                base: [
                    ("classifier".to_string(), c.p_classifier),
                    ("quantile_median".to_string(), c.p_median),
                ],
                stacker_intercept: self.bundle.stacker.intercept(),
                stacker_weights: self.bundle.stacker.weights().to_vec(),
            });
        }
        Ok(out)
    }
}

/// Every horizon's predictions for the same rows, the horizons spread over up to `threads`
/// scoped threads (each ONNX Runtime session runs single-threaded, so the agent, not the
/// runtime, decides how many cores one burst of inference takes). Results are in the order
/// of `predictors`.
pub fn predict_all<P: std::borrow::BorrowMut<Predictor> + Send>(
    predictors: &mut [P],
    rows: &[f64],
    threads: usize,
) -> Result<Vec<Vec<Prediction>>, MlError> {
    let threads = threads.clamp(1, predictors.len().max(1));
    if threads == 1 {
        return predictors
            .iter_mut()
            .map(|p| p.borrow_mut().predict(rows))
            .collect();
    }
    let n = predictors.len();
    let per = n.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = predictors
            .chunks_mut(per)
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter_mut()
                        .map(|p| p.borrow_mut().predict(rows))
                        .collect::<Result<Vec<_>, MlError>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(n);
        for h in handles {
            let part = h
                .join()
                .map_err(|_| MlError::Shape("an inference thread panicked".into()))??;
            out.extend(part);
        }
        Ok(out)
    })
}
