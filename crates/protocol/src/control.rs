//! Frames on `HOME/run/control.sock`, between the `cst` CLI and the supervisor.
//!
//! One request, one response, over a connection that starts with a `Hello`.

use serde::{Deserialize, Serialize};

use crate::status::StatusReport;

/// CLI → supervisor. `Hello` must stay variant 0 (see [`crate::frame::hello_version`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ControlRequest {
    Hello(ClientHello),
    Status,
    Restart(AgentName),
    Reset(AgentName),
    RunNow(AgentName),
    Reload,
    Stop,
    /// The full report, with the health agent's verdict: answered with `Report`.
    Report,
    /// Stop one agent and keep it stopped (until `cst restart AGENT` or the next `cst up`).
    StopAgent(AgentName),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientHello {
    pub protocol_version: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentName {
    pub agent: String,
}

/// Supervisor → CLI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ControlResponse {
    Welcome(ServerHello),
    Rejected(crate::bus::Rejected),
    Status(Box<StatusReport>),
    /// The request was carried out; the message says what happened.
    Done(Outcome),
    /// The request was refused; the message says why and what to do.
    Failed(Outcome),
    Report(Box<crate::health::ServiceReport>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerHello {
    pub protocol_version: u32,
    pub supervisor_pid: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub message: String,
}
