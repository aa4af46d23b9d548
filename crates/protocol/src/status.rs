//! The supervisor's report on itself and its agents, as protocol v1 peers know it
//! (`ControlRequest::Status`). `cst status`, `cst health` and `GET /health` serve
//! [`crate::health::ServiceReport`], its superset with the health agent's verdict.

use serde::{Deserialize, Serialize};

use crate::bus::Counter;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusReport {
    /// `go`, `degraded` or `nogo`. Never `go` without a health report from the health agent.
    pub status: ServiceStatus,
    /// Every agent Ready, no breaker open, and every readiness check of a current health
    /// report passing (models, features, calibration, coverage).
    pub ready: bool,
    /// Each reason the service is not ready or not GO, in words a user can act on.
    pub reasons: Vec<String>,
    pub supervisor: SupervisorInfo,
    pub agents: Vec<AgentStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceStatus {
    Go,
    Degraded,
    Nogo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupervisorInfo {
    pub pid: u32,
    pub version: String,
    pub home: String,
    pub uptime_ms: u64,
    pub rss_bytes: Option<u64>,
    pub cpu_percent: Option<f32>,
    /// True once `cst stop` or a signal started the graceful stop.
    pub stopping: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentStatus {
    pub name: String,
    pub state: AgentState,
    pub pid: Option<u32>,
    /// Restarts since the supervisor started (crashes, hangs and `cst restart`).
    pub restarts: u64,
    pub breaker: BreakerState,
    pub rss_bytes: Option<u64>,
    pub cpu_percent: Option<f32>,
    pub last_exit: Option<ExitInfo>,
    /// Milliseconds since the current process became Ready.
    pub ready_for_ms: Option<u64>,
    /// When a restart or breaker probe is due, in milliseconds from now.
    pub next_start_in_ms: Option<u64>,
    /// The agent's own counters from its latest heartbeat.
    pub counters: Vec<Counter>,
    /// Output lines dropped rather than stall the agent when its log writer fell behind.
    pub log_lines_dropped: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentState {
    /// Spawned, Ready frame not yet received.
    Starting,
    Ready,
    /// Died or was killed; waiting out the backoff before the next start.
    Backoff,
    /// Breaker open: no restarts until the cooldown ends or `cst reset`.
    BreakerOpen,
    /// Asked to stop; escalating from Shutdown frame to SIGTERM to SIGKILL.
    Stopping,
    Stopped,
    /// Turned off in config.
    Disabled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    Closed,
    Open,
    /// One probe start is running; its Ready closes the breaker, its crash reopens it.
    HalfOpen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitInfo {
    pub pid: u32,
    pub code: Option<i32>,
    pub signal: Option<i32>,
    /// Why it ended, e.g. "exited with code 1", "killed: 3 heartbeats missed".
    pub reason: String,
    pub at_unix_ms: u64,
}

impl std::fmt::Display for ServiceStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ServiceStatus::Go => "go",
            ServiceStatus::Degraded => "degraded",
            ServiceStatus::Nogo => "nogo",
        })
    }
}

impl std::fmt::Display for AgentState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AgentState::Starting => "starting",
            AgentState::Ready => "ready",
            AgentState::Backoff => "backoff",
            AgentState::BreakerOpen => "breaker_open",
            AgentState::Stopping => "stopping",
            AgentState::Stopped => "stopped",
            AgentState::Disabled => "disabled",
        })
    }
}

impl std::fmt::Display for BreakerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BreakerState::Closed => "closed",
            BreakerState::Open => "open",
            BreakerState::HalfOpen => "half_open",
        })
    }
}
