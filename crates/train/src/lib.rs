//! Model training, the one LightGBM user: datasets ([`dataset`]) and their checks
//! ([`checks`]), purged walk-forward folds ([`cv`]), LightGBM trained in-process ([`train`]), read back as plain trees ([`gbm`]),
//! exported to ONNX in double precision ([`export`], the one build of the ONNX schema),
//! calibrated and evaluated out of sample ([`fit`], [`evaluate`]), user-supplied ONNX models
//! ([`external`]), and the whole run of a horizon ([`run`]). What it produces is served by
//! `cst-models`: the served model is the exported one, so training and serving share
//! nothing but the file — and a test holds them equal.

pub mod checks;
pub mod cv;
pub mod dataset;
pub mod evaluate;
pub mod export;
pub mod external;
pub mod fit;
pub mod gbm;
pub mod run;
pub mod train;

pub use cst_models::MlError;
pub use export::to_onnx;
pub use gbm::GbmModel;
pub use train::{Objective, TrainParams, Trained, train};

/// The ONNX schema (`onnx` package of proto/onnx-ml.proto), generated at build time.
#[allow(clippy::all, missing_debug_implementations)]
pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/onnx.rs"));
}
