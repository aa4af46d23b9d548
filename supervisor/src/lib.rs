//! The `cst` supervisor and control CLI.
//!
//! - [`machine`]: pure lifecycle decisions (restart, backoff, breaker, stop escalation).
//! - [`daemon`]: `cst up`: lock, sockets, spawner, bus router, control and health servers.
//! - [`cli`]: the command line and the client side of every `cst` command.
//! - [`error`]: the [`DaemonError`](error::DaemonError) type.

pub mod cli;
pub mod daemon;
pub mod error;
pub mod machine;
