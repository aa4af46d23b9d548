//! The agent runtime: everything an agent binary does besides its domain work.
//!
//! - [`agent`]: the [`Agent`] trait a domain agent implements, and [`Idle`].
//! - [`child`]: child processes that die with their parent ([`child::die_with_parent`]).
//! - [`bus`]: the connection to the supervisor (handshake, frames, [`Publisher`]).
//! - [`control`]: the client end of the control socket ([`control::ControlClient`]).
//! - [`runtime`]: the loop, [`run`] (Ready, heartbeats, commands, events, shutdown).
//! - [`entry`]: what an agent's `main.rs` calls: args, tracing, exit codes.
//! - [`error`]: the [`RuntimeError`] and [`StartError`] types.

pub mod agent;
pub mod bus;
pub mod child;
pub mod control;
pub mod entry;
pub mod error;
pub mod runtime;

pub use agent::{Agent, Idle, counters};
pub use bus::Publisher;
pub use entry::agent_main;
pub use error::{RuntimeError, StartError};
pub use runtime::{AgentEnv, run};
