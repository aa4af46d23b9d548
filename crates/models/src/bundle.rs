//! Everything serving one horizon needs, as one stored artifact: the five exported models
//! (ONNX, so serving never touches LightGBM) and the calibration fitted on out-of-fold
//! predictions. Encoded with postcard, so every float reads back bit-identical.

use cst_calibrate::{Cqr, Isotonic, Stacker};
use serde::{Deserialize, Serialize};

use crate::{MlError, drift::FeatureReference};

/// Bumped when the bundle layout changes; an older bundle is refused, never misread.
pub const BUNDLE_FORMAT: u32 = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelBundle {
    pub format: u32,
    pub horizon_h: u32,
    /// The FeatureSet version the models were trained on; serving any other is refused.
    pub feature_set: String,
    pub names: Vec<String>,
    /// Feature times of the training rows (first, last).
    pub train_from: i64,
    pub train_to: i64,
    /// Standard deviation of the training targets: scales the median → P(up) link.
    pub sigma: f64,
    pub round_trip_cost: f64,
    /// ONNX models: P(up) classifier and the q10 / q50 / q90 regressors.
    pub classifier: Vec<u8>,
    /// Where the classifier came from: the service's LightGBM, or a user-supplied model.
    pub classifier_origin: String,
    pub q10: Vec<u8>,
    pub q50: Vec<u8>,
    pub q90: Vec<u8>,
    /// ONNX ranking model: the forward return net of the hour's mean, in units of the
    /// pair's trailing volatility (higher ranks first). `None` where training had no hour
    /// with two pairs (nothing to rank).
    pub ranker: Option<Vec<u8>>,
    /// Ranking score → calibrated probability that the pair beats the hour's median
    /// (fitted out of fold); present exactly when `ranker` is.
    pub relative: Option<Isotonic>,
    /// Raw classifier score → calibrated probability (fitted out of fold).
    pub isotonic: Isotonic,
    /// Conformal correction of [q10, q90] to 80% coverage (fitted out of fold).
    pub cqr: Cqr,
    /// Learned combination of [calibrated classifier P(up), median mapped to P(up)].
    pub stacker: Stacker,
    /// Meta-label model: [p_up, interval width / sigma, median / sigma] → P(take-profit
    /// before stop-loss).
    pub quality: Stacker,
    /// Take-profit and stop-loss distance (log return) the quality model was labelled with.
    pub barrier: f64,
    /// Each feature's training distribution, for the drift check.
    pub reference: Vec<FeatureReference>,
    /// Expected calibration error of P(up) on the evaluation fold, for the drift check.
    pub eval_ece: f64,
}

impl ModelBundle {
    pub fn encode(&self) -> Result<Vec<u8>, MlError> {
        postcard::to_stdvec(self).map_err(|e| MlError::Bundle(format!("cannot encode: {e}")))
    }

    pub fn decode(bytes: &[u8]) -> Result<ModelBundle, MlError> {
        let b: ModelBundle = postcard::from_bytes(bytes)
            .map_err(|e| MlError::Bundle(format!("unreadable model bundle: {e}")))?;
        if b.format != BUNDLE_FORMAT {
            return Err(MlError::Bundle(format!(
                "model bundle format {} is not {BUNDLE_FORMAT}: retrain with `cst train`",
                b.format
            )));
        }
        Ok(b)
    }
}
