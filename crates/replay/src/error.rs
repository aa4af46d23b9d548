//! Why a replay could not be loaded. Serving never fails per request: a bad request gets a
//! Kraken error envelope (see [`crate::endpoints`]), not a Rust error.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// A file that cannot be listed, named or read stops the load: an exchange that silently
    /// lacks a pair would look like a delisting to every agent.
    #[error("cannot load the recording: {0}")]
    File(#[from] cst_import::ImportError),
    #[error(
        "{first} and {second} both become pair {altname}: keep only one of them in the data directory"
    )]
    DuplicatePair {
        altname: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("no usable candle in {0}: every file was empty or every row was rejected")]
    NoCandles(PathBuf),
    #[error("speed {0} is not a finite number >= 0: use e.g. --speed 3600 for one hour per second")]
    Speed(f64),
}
