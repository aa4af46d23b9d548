//! A user-supplied ONNX model as a horizon's P(up) classifier — for example a sequence
//! model trained elsewhere. It takes the place of the LightGBM classifier and nothing
//! else: the quantile regressors, the calibration, the evaluation against the baselines
//! and champion/challenger are the service's own, so a user model is held to exactly the
//! bar a trained one is.
//!
//! What the file must declare:
//! - one input `[N, n_features]` (f32 or f64) and one output of one score per row
//!   (`[N, 1]` or `[N]`; any monotone score — a probability, a logit — since isotonic
//!   calibration maps it to a probability);
//! - the metadata property `cst.feature_set` naming the FeatureSet version whose columns
//!   it reads, in that order (`cst features --names` / `cst status` show it). In Python:
//!   `onnx.helper.set_model_props(model, {"cst.feature_set": "<version>"})`.
//!
//! And the user states when its training data ended (`trained_until`): it can only be
//! calibrated and evaluated on rows it never saw, so walk-forward folds whose rows start
//! before that are left out of calibration and evaluation.

use prost::Message;
use serde::{Deserialize, Serialize};

use crate::{MlError, proto::ModelProto};

/// The metadata key naming the FeatureSet version a model reads.
pub const FEATURE_SET_KEY: &str = "cst.feature_set";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct External {
    /// What the user calls it (shown in the registry and the report).
    pub name: String,
    /// The newest time any of its training data (features or targets) reached.
    pub trained_until: i64,
    pub onnx: Vec<u8>,
}

impl External {
    /// Reads what `onnx` declares and refuses a model that is not for `feature_set`.
    pub fn new(
        name: &str,
        onnx: Vec<u8>,
        trained_until: i64,
        feature_set: &str,
    ) -> Result<External, MlError> {
        let model = ModelProto::decode(onnx.as_slice())
            .map_err(|e| MlError::Bundle(format!("{name} is not an ONNX model: {e}")))?;
        let declared = model
            .metadata_props
            .iter()
            .find(|p| p.key.as_deref() == Some(FEATURE_SET_KEY))
            .and_then(|p| p.value.clone());
        match declared {
            None => Err(MlError::Bundle(format!(
                "{name} does not declare which features it reads: set its metadata property \
                 {FEATURE_SET_KEY} = \"{feature_set}\" (Python: onnx.helper.set_model_props) \
                 after checking that it reads this FeatureSet's columns in order"
            ))),
            Some(v) if v != feature_set => Err(MlError::Bundle(format!(
                "{name} reads FeatureSet {v}, but this deployment builds {feature_set}: \
                 retrain it on this FeatureSet's columns"
            ))),
            Some(_) => Ok(External {
                name: name.to_string(),
                trained_until,
                onnx,
            }),
        }
    }
}
