//! `cst backtest`: stored history replayed through exactly the code the service runs —
//! the feature builder, the exported ONNX models with their calibration, the gate, the risk
//! limits and the portfolio step — with a simulated clock (each hour's decision time) and
//! simulated (paper) execution.
//!
//! - [`walk`]: walk-forward retraining; a model only ever sees data from before its
//!   retrain point, and champion/challenger decides as the registry does.
//! - [`run`]: the hour loop.
//! - [`metrics`]: CAGR, Sharpe, Sortino, drawdown, turnover; buy-and-hold beside it.
//! - [`report`]: the report (deterministic: the same inputs give the same bytes) and its
//!   text rendering. Run times are kept apart from it, in [`Timings`].
//! - [`error`]: the [`BacktestError`] type.

pub mod error;
pub mod metrics;
pub mod report;
pub mod run;
pub mod signal;
pub mod walk;

pub use error::BacktestError;
pub use report::{Report, Timings};
pub use run::{Models, Spec, backtest};
