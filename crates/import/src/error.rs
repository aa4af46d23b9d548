//! Import errors that stop a whole file or the whole import.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the file name does not say which pair it holds (expected {expected})")]
    Name {
        path: PathBuf,
        expected: &'static str,
    },
    #[error("{path}: header is {found:?}, expected \"ts,open,high,low,close,volume\"")]
    Header { path: PathBuf, found: String },
    #[error("{path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("{path} is {kind}, not a regular file: reading it could wait forever; import a file")]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error("no candle files in {0}: expected BASE-QUOTE.csv files")]
    Empty(PathBuf),
    #[error(transparent)]
    Store(#[from] cst_store::StoreError),
}
