//! The statistics that make a trading model's confidence honest. A downstream gate passes
//! only predictions with calibrated P(up) >= 0.80, so "0.80" must mean "right at least that
//! often on data the model never saw". Pure computation, deterministic, no I/O, no clock;
//! bad input is a typed [`CalibError`], never a panic or a silent default.
//!
//! - [`isotonic`]: [`Isotonic`], the monotone score → frequency map (scikit-learn's
//!   `IsotonicRegression`, clipped), serialisable to store with a model.
//! - [`reliability`](mod@reliability): [`reliability()`] table over fixed bins, [`ece`], [`brier`],
//!   [`log_loss`].
//! - [`metrics`]: [`roc_auc`], [`hit_rate`], [`precision_at_k`], [`mae`], [`pinball`],
//!   [`interval_coverage`].
//! - [`baseline`]: what the naive predictor scores on the same rows: [`BinaryBaseline`]
//!   (base rate), [`zero_return_mae`], [`zero_return_pinball`].
//! - [`conformal`]: [`Cqr`], conformalised quantile regression intervals and their realised
//!   coverage.
//! - [`stacker`]: [`Stacker`], ridge logistic regression by Newton that learns how to
//!   combine base models.
//! - [`link`]: [`logistic`] and [`quantile_to_p_up`] (a median forecast as P(up)).
//! - [`barrier`]: [`triple_barrier`] labels for meta-labelling.
//! - [`drift`]: [`psi()`], the population stability index.
//! - [`bounds`]: errors and lower bounds with hours as the independent units (Newey–West,
//!   clustered rates, Clopper–Pearson).
//! - [`signal`](mod@signal): the `signal` report of ../shared/SIGNAL.md, one horizon's
//!   out-of-sample figures in the field's terms.
//! - [`error`]: the one error type, [`CalibError`], naming what to fix.

pub mod barrier;
pub mod baseline;
pub mod bounds;
mod check;
pub mod conformal;
pub mod drift;
pub mod error;
pub mod isotonic;
mod linalg;
pub mod link;
pub mod metrics;
mod pava;
pub mod reliability;
pub mod signal;
pub mod stacker;

pub use barrier::{Bar, BarrierOutcome, Barriers, Touch, triple_barrier};
pub use baseline::{BASE_AUC, BinaryBaseline, zero_return_mae, zero_return_pinball};
pub use conformal::Cqr;
pub use drift::{
    DriftLevel, PSI_MODERATE, PSI_SIGNIFICANT, Psi, PsiConfig, PsiReference, psi, psi_with,
};
pub use error::CalibError;
pub use isotonic::Isotonic;
pub use link::{LOGISTIC_NORMAL_SCALE, logistic, quantile_to_p_up};
pub use metrics::{Coverage, hit_rate, interval_coverage, mae, pinball, precision_at_k, roc_auc};
pub use reliability::{
    DEFAULT_BINS, LOG_LOSS_EPS, Reliability, ReliabilityBin, brier, ece, log_loss, reliability,
};
pub use stacker::{Stacker, StackerConfig};
