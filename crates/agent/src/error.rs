//! Why an agent stops with an error; [`RuntimeError::exit_code`] maps each to an exit code
//! the supervisor understands (78 = configuration error: do not restart).

use std::fmt;

use cst_protocol::{FrameError, SocketError, Topic};

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
    #[error("{0}")]
    Start(StartError),
    #[error("topic {0} is not among the topics this agent declares it publishes")]
    Undeclared(Topic),
}

/// Why an agent's [`crate::Agent::start`] failed. The two kinds exit differently, so the
/// supervisor retries what may pass and opens the breaker at once on what cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartError {
    /// The configuration cannot work (a missing file it names, a feature group the
    /// deployment cannot build, …): exit 78, no retry; `cst status` shows the message.
    Config(String),
    /// Anything else (the store cannot be opened, a port is taken, …): exit 1, retried.
    Failed(String),
}

impl StartError {
    /// A configuration error: exit 78.
    pub fn config(e: impl fmt::Display) -> Self {
        StartError::Config(e.to_string())
    }

    /// Any other start failure: exit 1.
    pub fn failed(e: impl fmt::Display) -> Self {
        StartError::Failed(e.to_string())
    }
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Config(m) => write!(f, "configuration error: {m}"),
            StartError::Failed(m) => write!(f, "cannot start: {m}"),
        }
    }
}

/// Any library error raised while starting is a start failure (exit 1); configuration
/// errors are named with [`StartError::config`]. `StartError` is not itself an
/// `std::error::Error`, which is what lets this impl stand beside the reflexive one.
impl<E: std::error::Error> From<E> for StartError {
    fn from(e: E) -> Self {
        StartError::Failed(e.to_string())
    }
}

/// EX_CONFIG from sysexits.h: the supervisor opens the breaker at once instead of retrying.
pub const EXIT_CONFIG: u8 = 78;

impl RuntimeError {
    pub fn exit_code(&self) -> u8 {
        match self {
            RuntimeError::Config(_) | RuntimeError::Start(StartError::Config(_)) => EXIT_CONFIG,
            _ => 1,
        }
    }
}
