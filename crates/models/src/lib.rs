//! Model serving: what every process that reads or runs a model needs, and nothing that
//! trains one (no LightGBM, no ONNX schema build; `cst-train` has those). The health agent
//! and the dashboard read reports and the registry through it; the ml agent, `cst predict`
//! and the backtest run models through it.
//!
//! - [`bundle`]: a horizon's models and calibration as one blob ([`bundle::ModelBundle`]).
//! - [`combine`]: raw outputs → the calibrated prediction, the one formula training and
//!   serving share.
//! - [`runtime`]: ONNX Runtime, loaded at run time ([`OnnxModel`]).
//! - [`predict`]: a bundle's [`predict::Predictor`], batched over pairs.
//! - [`serve`]: the ml agent's hourly batch: live feature rows through every loaded horizon.
//! - [`explain`]: on-demand predictions with each base model's P(up) (dashboard, `cst predict`).
//! - [`registry`]: champion/challenger over the store's registry; loading the active model.
//! - [`report`]: the evaluation report a training run writes.
//! - [`drift`]: feature references and the feature and calibration drift checks.
//! - [`error`]: the [`MlError`] type.

pub mod bundle;
pub mod combine;
pub mod drift;
pub mod error;
pub mod explain;
pub mod predict;
pub mod registry;
pub mod report;
pub mod runtime;
pub mod serve;

pub use error::MlError;
pub use runtime::OnnxModel;
