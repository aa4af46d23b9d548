use thiserror::Error;

#[derive(Debug, Error)]
pub enum TradeError {
    #[error(transparent)]
    Store(#[from] cst_store::StoreError),
    #[error("{0}")]
    State(String),
}
