//! The supervisor's decisions as a pure state machine, one per agent.
//!
//! Inputs are what happened (spawned, Ready, heartbeat, exited, a tick, a command) with the
//! time it happened; outputs are [`Action`]s for the side-effecting parts of the daemon to
//! carry out. Nothing here touches a process, a socket or the clock, so every restart,
//! backoff and breaker decision is unit-tested on a paused tokio clock.
//!
//! - [`agent`]: the lifecycle of one agent ([`AgentMachine`]).
//! - [`backoff`]: restart delays (first at once, then exponential with jitter, via backon).
//! - [`breaker`]: the per-agent circuit breaker.

pub mod agent;
pub mod backoff;
pub mod breaker;

pub use agent::{Action, AgentMachine, Phase, Policy, Signal};
pub use backoff::RestartBackoff;
pub use breaker::Breaker;
