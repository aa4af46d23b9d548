//! Errors of the supervisor library; the `cst` binary maps them to messages and exit codes.

use std::path::PathBuf;

use cst_protocol::SocketError;

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(
        "another supervisor{} is already running under {home}: see it with `cst status --home {home}`, stop it with `cst stop --home {home}`",
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
    )]
    AlreadyRunning { home: String, pid: Option<u32> },
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Socket(#[from] SocketError),
    #[error("cannot start the process spawner thread: {0}")]
    Spawner(#[source] std::io::Error),
    #[error("cannot install signal handler: {0}")]
    Signal(#[source] std::io::Error),
}

impl DaemonError {
    pub fn io(what: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        DaemonError::Io {
            what,
            path: path.into(),
            source,
        }
    }
}
