//! Store errors; messages say which file or table and what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(
        "database schema version {found} is newer than this build understands ({known}): upgrade cst"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("blob {path}: {source}")]
    BlobIo {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("blob {id} is corrupt: its content hashes to {actual}; delete it and regenerate it")]
    BlobCorrupt { id: String, actual: String },
    #[error("blob {0} does not exist")]
    BlobMissing(String),
    #[error(
        "stored record is corrupt: {0}; run `sqlite3 HOME/data/cst.db 'PRAGMA integrity_check'`"
    )]
    Corrupt(String),
    /// A registry operation that does not apply (no such candidate, nothing to roll back).
    #[error("{0}")]
    Registry(String),
    #[error("{0:?} is not a blob id (64 lowercase hex digits)")]
    BadBlobId(String),
}
