use thiserror::Error;

#[derive(Debug, Error)]
pub enum HealthError {
    #[error(transparent)]
    Store(#[from] cst_store::StoreError),
    #[error(
        "model {model}: its evaluation report cannot be read ({reason}); retrain it with `cst train`"
    )]
    Report { model: String, reason: String },
    #[error("{0}")]
    Daily(String),
}
