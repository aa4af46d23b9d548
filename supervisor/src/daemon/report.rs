//! Builds the status report from the core's state. One honest rule: `ready` only when every
//! agent is Ready and no breaker is open; `go` only with a health agent's report, which does
//! not exist yet, so a ready skeleton reports `degraded`, never `go`.

use std::time::{SystemTime, UNIX_EPOCH};

use cst_protocol::status::{
    AgentState, AgentStatus, BreakerState, ServiceStatus, StatusReport, SupervisorInfo,
};
use tokio::time::Instant;

use super::core::Core;

/// Wall-clock time for exit timestamps shown to the user; the supervisor has no service
/// clock of its own (agents do, later), and nothing is decided from this value.
#[allow(clippy::disallowed_methods)]
pub fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

pub fn build(core: &Core) -> StatusReport {
    let now = Instant::now();
    let mut reasons = Vec::new();
    let agents: Vec<AgentStatus> = core
        .slots
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let m = &slot.machine;
            let state = m.state();
            let breaker = m.breaker_state();
            match (state, breaker) {
                (AgentState::Ready, BreakerState::Closed) => {}
                (AgentState::Disabled, _) => reasons.push(format!("{} is disabled in the configuration", m.name)),
                (_, BreakerState::Open) => reasons.push(format!(
                    "{0}: breaker open ({1}); last exit: {2}; fix the cause and run `cst reset {0}`",
                    m.name,
                    m.breaker().reason().unwrap_or("too many crashes"),
                    m.last_exit_reason().unwrap_or("none"),
                )),
                _ => reasons.push(format!("{} is {state}", m.name)),
            }
            let ready_for_ms = match m.phase() {
                crate::machine::Phase::Ready { since, .. } => Some(now.duration_since(*since).as_millis() as u64),
                _ => None,
            };
            AgentStatus {
                name: m.name.clone(),
                state,
                pid: m.pid(),
                restarts: m.restarts(),
                breaker,
                rss_bytes: slot.usage.map(|u| u.0),
                cpu_percent: slot.usage.map(|u| u.1),
                last_exit: slot.last_exit.clone(),
                ready_for_ms,
                next_start_in_ms: m.next_start().map(|t| t.saturating_duration_since(now).as_millis() as u64),
                counters: slot.counters.clone(),
                log_lines_dropped: core.log_dropped(i),
            }
        })
        .collect();
    if core.stopping {
        reasons.insert(0, "the supervisor is stopping".to_string());
    }
    let ready = reasons.is_empty();
    let status = if ready {
        reasons.push(
            "no health report: the health agent does not score the service yet, so nothing is GO"
                .to_string(),
        );
        ServiceStatus::Degraded
    } else {
        ServiceStatus::Nogo
    };
    StatusReport {
        status,
        ready,
        reasons,
        supervisor: SupervisorInfo {
            pid: std::process::id(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            home: core.home.root().display().to_string(),
            uptime_ms: now.duration_since(core.started).as_millis() as u64,
            rss_bytes: core.own_usage.map(|u| u.0),
            cpu_percent: core.own_usage.map(|u| u.1),
            stopping: core.stopping,
        },
        agents,
    }
}
