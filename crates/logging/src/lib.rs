//! Logging for the supervisor and the agents.
//!
//! - [`rotating`]: a size-rotated log file (`name.log`, `name.log.1`, …).
//! - [`init`]: installs the tracing subscriber; only binaries call it (in `main`).
//! - [`filter`]: the log filter (`info`, `warn,cst_collect=debug`), read without regex.

pub mod filter;
pub mod init;
pub mod rotating;

pub use init::{init_agent, init_supervisor};
pub use rotating::RotatingFile;
