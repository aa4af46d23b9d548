//! Why an agent stops with an error; [`RuntimeError::exit_code`] maps each to an exit code
//! the supervisor understands (78 = configuration error: do not restart).

use cst_protocol::{FrameError, SocketError};

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("{0}")]
    Config(#[from] cst_config::ConfigError),
    #[error("cannot reach the supervisor: {0} (agents are started by `cst up`)")]
    Connect(#[from] SocketError),
    #[error("the supervisor refused this agent: {0}")]
    Rejected(String),
    #[error("bus connection failed: {0}")]
    Frame(#[from] FrameError),
    #[error("the supervisor did not answer the handshake within {0} ms")]
    HandshakeTimeout(u64),
    #[error("the supervisor closed the bus connection")]
    SupervisorGone,
    #[error("unexpected frame from the supervisor: {0}")]
    Unexpected(String),
    #[error("cannot install signal handler: {0}")]
    Signal(#[source] std::io::Error),
}

/// EX_CONFIG from sysexits.h: the supervisor opens the breaker at once instead of retrying.
pub const EXIT_CONFIG: u8 = 78;

impl RuntimeError {
    pub fn exit_code(&self) -> u8 {
        match self {
            RuntimeError::Config(_) => EXIT_CONFIG,
            _ => 1,
        }
    }
}
