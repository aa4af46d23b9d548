//! Feature pipeline errors. A group missing at a time is not an error (see
//! [`crate::Missing`]); these are the cases where no answer can be given at all.

use crate::Group;

#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    #[error(
        "the model was trained on FeatureSet {model}, this deployment builds {deployment}: retrain the model, or set [features] groups to the ones it was trained on"
    )]
    VersionMismatch { model: String, deployment: String },
    #[error("a FeatureSet needs at least one group: set [features] groups")]
    EmptySet,
    #[error("feature group {0} is named twice in [features] groups")]
    DuplicateGroup(Group),
    #[error("no feature group {0:?} (known: technical, sentiment, whale, book)")]
    UnknownGroup(String),
    #[error("{0} is not on an hour boundary: feature times are candle boundaries (UTC)")]
    NotOnBoundary(i64),
    #[error("{0:?} is not a pair name: use BASE/QUOTE, e.g. XBT/USD")]
    BadPair(String),
    #[error("stored candles of {pair} are out of order: {detail}")]
    Candles { pair: String, detail: String },
    #[error("a stored record is corrupt: {0}")]
    Corrupt(String),
    #[error("stored trades cannot be classified: {0}")]
    Whale(String),
    #[error(transparent)]
    Store(#[from] cst_store::StoreError),
}
