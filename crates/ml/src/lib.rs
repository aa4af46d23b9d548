//! Models for the ML agent: LightGBM trained in-process ([`train`]), read back as plain
//! trees ([`gbm`]), exported to ONNX in double precision ([`export`]) and served through
//! ONNX Runtime ([`runtime`]). The served model is the exported one, so training and
//! serving share nothing but the file — and a test holds them equal.

pub mod agent;
pub mod bundle;
pub mod checks;
pub mod cv;
pub mod dataset;
pub mod drift;
pub mod error;
pub mod explain;
pub mod export;
pub mod external;
pub mod fit;
pub mod gbm;
pub mod predict;
pub mod registry;
pub mod report;
pub mod run;
pub mod runtime;
pub mod serve;
pub mod train;

pub use error::MlError;
pub use export::to_onnx;
pub use gbm::GbmModel;
pub use runtime::OnnxModel;
pub use train::{Objective, TrainParams, Trained, train};

/// The ONNX schema (`onnx` package of proto/onnx-ml.proto), generated at build time.
#[allow(clippy::all, missing_debug_implementations)]
pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/onnx.rs"));
}
