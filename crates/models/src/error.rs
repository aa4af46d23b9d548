use thiserror::Error;

#[derive(Debug, Error)]
pub enum MlError {
    /// LightGBM's own error, as text: serving does not link LightGBM.
    #[error("LightGBM: {0}")]
    LightGbm(String),
    /// A training run aborted by a dataset check: the message says what and where.
    #[error("training aborted: {0}")]
    Check(String),
    #[error(transparent)]
    Store(#[from] cst_store::StoreError),
    #[error(transparent)]
    Features(#[from] cst_features::FeatureError),
    #[error("{0}")]
    Bundle(String),
    #[error(transparent)]
    Calib(#[from] cst_calibrate::CalibError),
    #[error("LightGBM model text: {0}")]
    ModelText(String),
    #[error("cannot export to ONNX: {0}")]
    Export(String),
    #[error(
        "ONNX Runtime could not be loaded from {path}: {reason}. Run deploy/setup.sh (it installs \
         the pinned onnxruntime wheel), or point [ml] onnxruntime or ORT_DYLIB_PATH at \
         libonnxruntime.so"
    )]
    RuntimeMissing { path: String, reason: String },
    #[error("ONNX Runtime: {0}")]
    Runtime(#[from] ort::Error),
    #[error("the model does not fit its inputs: {0}")]
    Shape(String),
}
