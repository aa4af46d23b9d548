//! Builds the service report from the core's state and the health agent's latest verdict.
//!
//! One honest rule: `ready` only when every agent is Ready, no breaker is open (both from
//! the supervisor's own table, live) and every readiness check of a current health report
//! passes. The status is the health agent's, never `go` while not ready, and `nogo` without
//! a current health report: nothing vouches for the service then.

use std::time::{SystemTime, UNIX_EPOCH};

use cst_protocol::{
    health::{Check, HealthReport, ServiceReport, agent_checks, reasons},
    status::{AgentStatus, ServiceStatus, SupervisorInfo},
};
use tokio::time::Instant;

use super::core::Core;

/// Wall-clock time for exit timestamps shown to the user; the supervisor has no service
/// clock of its own (agents do), and nothing is decided from this value.
#[allow(clippy::disallowed_methods)]
pub fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

pub fn build(core: &Core) -> ServiceReport {
    let now = Instant::now();
    let agents: Vec<AgentStatus> = core
        .slots
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let m = &slot.machine;
            let ready_for_ms = match m.phase() {
                crate::machine::Phase::Ready { since, .. } => {
                    Some(now.duration_since(*since).as_millis() as u64)
                }
                _ => None,
            };
            AgentStatus {
                name: m.name.clone(),
                state: m.state(),
                pid: m.pid(),
                restarts: m.restarts(),
                breaker: m.breaker_state(),
                rss_bytes: slot.usage.map(|u| u.0),
                cpu_percent: slot.usage.map(|u| u.1),
                last_exit: slot.last_exit.clone(),
                ready_for_ms,
                next_start_in_ms: m
                    .next_start()
                    .map(|t| t.saturating_duration_since(now).as_millis() as u64),
                counters: slot.counters.clone(),
                log_lines_dropped: core.log_dropped(i),
            }
        })
        .collect();
    let current = core
        .health
        .as_ref()
        .filter(|(at, _)| now.duration_since(*at) <= core.config.health.report_timeout);
    let health_agent = agents.iter().find(|a| a.name == "health");
    let breaker_reason = |name: &str| {
        core.slots
            .iter()
            .find(|s| s.machine.name == name)
            .and_then(|s| s.machine.breaker().reason().map(str::to_string))
    };
    let live = agent_checks(&agents, breaker_reason);
    let merged = merge(
        current.map(|(_, h)| h),
        live,
        health_agent,
        core.config.health.report_timeout.as_secs(),
    );
    let mut reasons = reasons(&merged.checks, merged.components);
    if core.stopping {
        reasons.insert(0, "the supervisor is stopping".to_string());
    }
    ServiceReport {
        status: if core.stopping {
            ServiceStatus::Nogo
        } else {
            merged.status
        },
        ready: merged.ready && !core.stopping,
        health_score: current.map(|(_, h)| h.score),
        reasons,
        checks: merged.checks,
        components: merged.components.to_vec(),
        health_at: current.map(|(_, h)| h.at),
        health_age_ms: current.map(|(at, _)| now.duration_since(*at).as_millis() as u64),
        metrics: current.map(|(_, h)| h.metrics.clone()).unwrap_or_default(),
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

struct Merged<'a> {
    status: ServiceStatus,
    ready: bool,
    checks: Vec<Check>,
    components: &'a [cst_protocol::health::Component],
}

/// The health agent's checks with its agents and breakers checks replaced by the
/// supervisor's live ones; without a current report, a failed `health` check and NO-GO.
fn merge<'a>(
    health: Option<&'a HealthReport>,
    live: [Check; 2],
    health_agent: Option<&AgentStatus>,
    timeout_s: u64,
) -> Merged<'a> {
    let Some(h) = health else {
        let state = health_agent.map_or("missing".to_string(), |a| a.state.to_string());
        let mut checks = vec![Check {
            name: "health".to_string(),
            ok: false,
            reason: format!(
                "no health report in the last {timeout_s} s (the health agent is {state}): \
                 nothing is scored, so nothing is GO; see `cst logs health`"
            ),
        }];
        checks.extend(live);
        return Merged {
            status: ServiceStatus::Nogo,
            ready: false,
            checks,
            components: &[],
        };
    };
    let mut checks: Vec<Check> = h
        .checks
        .iter()
        .filter(|c| !live.iter().any(|l| l.name == c.name))
        .cloned()
        .collect();
    checks.extend(live);
    let ready = checks.iter().all(|c| c.ok);
    let status = match h.status {
        ServiceStatus::Go if !ready => ServiceStatus::Degraded,
        s => s,
    };
    Merged {
        status,
        ready,
        checks,
        components: &h.components,
    }
}

#[cfg(test)]
mod tests {
    use cst_protocol::{
        health::Component,
        status::{AgentState, BreakerState},
    };

    use super::*;

    fn agent(name: &str, state: AgentState) -> AgentStatus {
        AgentStatus {
            name: name.into(),
            state,
            pid: Some(1),
            restarts: 0,
            breaker: BreakerState::Closed,
            rss_bytes: None,
            cpu_percent: None,
            last_exit: None,
            ready_for_ms: None,
            next_start_in_ms: None,
            counters: vec![],
            log_lines_dropped: 0,
        }
    }

    fn go_report() -> HealthReport {
        HealthReport {
            at: 1_700_000_000,
            status: ServiceStatus::Go,
            score: 97.0,
            ready: true,
            checks: vec![
                Check {
                    name: "models".into(),
                    ok: true,
                    reason: "4 of 4 horizons served".into(),
                },
                // The health agent's view of the agents, a second old.
                Check {
                    name: "agents".into(),
                    ok: true,
                    reason: "8 of 8 agents ready".into(),
                },
            ],
            components: vec![Component {
                name: "drift".into(),
                weight: 5.0,
                score: 0.4,
                detail: "24 h: median PSI 0.31".into(),
            }],
            metrics: vec![],
        }
    }

    #[test]
    fn no_health_report_is_nogo_and_says_why() {
        let agents = vec![agent("health", AgentState::Backoff)];
        let m = merge(None, agent_checks(&agents, |_| None), agents.first(), 15);
        assert_eq!(m.status, ServiceStatus::Nogo);
        assert!(!m.ready);
        assert!(
            m.checks[0].reason.contains("the health agent is backoff"),
            "{:?}",
            m.checks
        );
    }

    #[test]
    fn a_live_agent_failure_overrides_a_go_report() {
        let report = go_report();
        let agents = vec![
            agent("collector", AgentState::Stopped),
            agent("health", AgentState::Ready),
        ];
        let m = merge(
            Some(&report),
            agent_checks(&agents, |_| None),
            agents.get(1),
            15,
        );
        assert!(!m.ready);
        assert_eq!(
            m.status,
            ServiceStatus::Degraded,
            "never GO while not ready"
        );
        let agents_check = m.checks.iter().find(|c| c.name == "agents").unwrap();
        assert!(!agents_check.ok && agents_check.reason.contains("collector is stopped"));
        assert_eq!(m.checks.iter().filter(|c| c.name == "agents").count(), 1);
        let why = reasons(&m.checks, m.components);
        assert!(why[0].starts_with("agents: 1 of 2 agents ready"), "{why:?}");
        assert!(why[1].starts_with("drift 2.0 of 5 points"), "{why:?}");
    }

    #[test]
    fn a_go_report_with_every_agent_ready_stays_go() {
        let report = go_report();
        let agents = vec![agent("health", AgentState::Ready)];
        let m = merge(
            Some(&report),
            agent_checks(&agents, |_| None),
            agents.first(),
            15,
        );
        assert!(m.ready);
        assert_eq!(m.status, ServiceStatus::Go);
    }
}
