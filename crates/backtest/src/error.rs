use thiserror::Error;

#[derive(Debug, Error)]
pub enum BacktestError {
    #[error(transparent)]
    Store(#[from] cst_store::StoreError),
    #[error(transparent)]
    Ml(#[from] cst_models::MlError),
    #[error(transparent)]
    Features(#[from] cst_features::FeatureError),
    #[error(transparent)]
    Trade(#[from] cst_trade::TradeError),
    #[error("the signal report: {0}")]
    Signal(#[from] cst_calibrate::CalibError),
    #[error("{0}")]
    Spec(String),
}
