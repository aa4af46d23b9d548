//! The one feature pipeline. A versioned [`FeatureSet`] (groups, names, order) and one
//! builder from stored data to rows, which training, live inference and backtests call
//! unchanged, so a feature can never reach predictions without reaching training.
//!
//! - [`group`]: the feature groups (technical, sentiment, whale, book) and their columns.
//! - [`set`]: the [`FeatureSet`]: the deployment's groups, its version, and refusing a model
//!   trained on another version.
//! - [`builder`]: the [`FeatureBuilder`]: rows for (pair, t) from the store, each group read
//!   strictly before t; a missing required group means no row, with the reason.
//! - [`inputs`]: when a pair-hour's sources are read through its time, so its row can be
//!   built once.
//! - [`row`]: what a build answers: [`FeatureRow`], [`Built`], [`Missing`].
//! - [`stored`]: a build in the store and back; reading the row built live, or building an
//!   hour that never was.
//! - [`error`]: the [`FeatureError`] type.

pub mod builder;
pub mod error;
pub mod group;
pub mod inputs;
pub mod row;
pub mod set;
pub mod stored;

pub use builder::{BuildContext, FeatureBuilder, LiveBuilder, context::coin_mapper};
pub use error::FeatureError;
pub use group::{
    BOOK_FEATURES, CROSS_FEATURES, Group, MAY_BE_UNDEFINED, SENTIMENT_FEATURES, WHALE_FEATURES,
};
pub use inputs::Awaited;
pub use row::{Built, FeatureRow, Missing};
pub use set::{FeatureSet, GroupSpec};

/// Feature times are hour boundaries (UTC); features are built on 1-hour candles.
pub use cst_market::HOUR;
