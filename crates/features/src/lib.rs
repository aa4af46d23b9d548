//! The one feature pipeline. A versioned [`FeatureSet`] (groups, names, order) and one
//! builder from stored data to rows, which training, live inference and backtests call
//! unchanged, so a feature can never reach predictions without reaching training.
//!
//! - [`group`]: the feature groups (technical, sentiment, whale, book) and their columns.
//! - [`set`]: the [`FeatureSet`]: the deployment's groups, its version, and refusing a model
//!   trained on another version.
//! - [`builder`]: the [`FeatureBuilder`]: rows for (pair, t) from the store, each group read
//!   strictly before t; a missing required group means no row, with the reason.
//! - [`row`]: what a build answers: [`FeatureRow`], [`Built`], [`Missing`].
//! - [`error`]: the [`FeatureError`] type.

pub mod builder;
pub mod error;
pub mod group;
pub mod row;
pub mod set;

pub use builder::{BuildContext, FeatureBuilder, LiveBuilder, context::coin_mapper};
pub use error::FeatureError;
pub use group::{BOOK_FEATURES, Group, MAY_BE_UNDEFINED, SENTIMENT_FEATURES, WHALE_FEATURES};
pub use row::{Built, FeatureRow, Missing};
pub use set::{FeatureSet, GroupSpec};

/// Feature times are hour boundaries (UTC); features are built on 1-hour candles.
pub use cst_market::HOUR;
