//! The agent runtime: everything an agent binary does besides its domain work.
//!
//! - [`agent`]: the [`Agent`] trait a domain agent implements, and [`Idle`].
//! - [`bus`]: the connection to the supervisor (handshake, frames, [`Publisher`]).
//! - [`runtime`]: [`run`], the loop (Ready, heartbeats, commands, events, shutdown).
//! - [`entry`]: what an agent's `main.rs` calls: args, tracing, exit codes.
//! - [`error`]: [`RuntimeError`].

pub mod agent;
pub mod bus;
pub mod error;
pub mod entry;
pub mod runtime;

pub use agent::{Agent, Idle};
pub use bus::Publisher;
pub use error::RuntimeError;
pub use entry::agent_main;
pub use runtime::{AgentEnv, run};
