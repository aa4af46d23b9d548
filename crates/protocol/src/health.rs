//! The health agent's verdict on the service, and the report the supervisor serves with it.
//!
//! The health agent scores the service ([`HealthReport`]) and sends it to the supervisor in
//! an [`crate::bus::AgentFrame::Health`] frame. The supervisor merges it with what only it
//! knows live (agent states, breakers) into a [`ServiceReport`]: `GET /health`,
//! `cst status --json` and `cst health` all serve that one type. [`crate::status::StatusReport`]
//! stays as protocol v1 peers know it.

use serde::{Deserialize, Serialize};

use crate::status::{AgentStatus, ServiceStatus, StatusReport, SupervisorInfo};

/// One scoring of the service by the health agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthReport {
    /// The service clock when it was scored, Unix seconds (the replay's clock in a replay).
    pub at: i64,
    /// `go` at a score ≥ the GO bar and every readiness check passing; `degraded` at a score
    /// ≥ the NO-GO bar (paper only); `nogo` below it: no new entries.
    pub status: ServiceStatus,
    /// Weighted sum of the components, 0–100.
    pub score: f64,
    /// Every readiness check passed.
    pub ready: bool,
    pub checks: Vec<Check>,
    pub components: Vec<Component>,
    /// Domain gauges for `/metrics` (coverage, freshness, predictions gated, …).
    pub metrics: Vec<Metric>,
}

/// One readiness condition: models, features, calibration, coverage, agents, breakers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    /// Why it passed or failed, with the figures.
    pub reason: String,
}

/// One weighted part of the health score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub name: String,
    /// Points this component is worth; the weights add up to 100.
    pub weight: f64,
    /// How much of its weight it earns, 0–1.
    pub score: f64,
    /// The figures behind the score.
    pub detail: String,
}

/// A gauge exported on `/metrics` as `cst_<name>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub name: String,
    pub help: String,
    /// Label pairs, e.g. `[("horizon", "24")]`.
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

/// The supervisor's report with the health agent's verdict merged in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceReport {
    /// Never `go` while `ready` is false; `nogo` without a current health report.
    pub status: ServiceStatus,
    /// Every agent Ready, no breaker open, and every readiness check of a current health
    /// report passing.
    pub ready: bool,
    /// The health agent's score, 0–100; `None` without a current health report.
    pub health_score: Option<f64>,
    pub reasons: Vec<String>,
    pub checks: Vec<Check>,
    pub components: Vec<Component>,
    /// The service clock of the health report, Unix seconds.
    pub health_at: Option<i64>,
    /// Milliseconds since the supervisor received it.
    pub health_age_ms: Option<u64>,
    pub metrics: Vec<Metric>,
    pub supervisor: SupervisorInfo,
    pub agents: Vec<AgentStatus>,
}

impl ServiceReport {
    /// The protocol v1 view, for `ControlRequest::Status`.
    pub fn status_report(&self) -> StatusReport {
        StatusReport {
            status: self.status,
            ready: self.ready,
            reasons: self.reasons.clone(),
            supervisor: self.supervisor.clone(),
            agents: self.agents.clone(),
        }
    }
}

/// The two readiness checks only the supervisor knows live — every agent Ready, no breaker
/// open — from its agent table. The health agent builds the same from `cst status`, so a
/// stored report stands on its own; the supervisor replaces them with its own when it serves,
/// adding why each open breaker opened (`breaker_reason`).
pub fn agent_checks(
    agents: &[AgentStatus],
    breaker_reason: impl Fn(&str) -> Option<String>,
) -> [Check; 2] {
    use crate::status::{AgentState, BreakerState};
    let down: Vec<String> = agents
        .iter()
        .filter(|a| a.state != AgentState::Ready)
        .map(|a| match a.state {
            AgentState::Disabled => format!("{} is disabled in the configuration", a.name),
            AgentState::Stopped => format!("{0} is stopped (start it: `cst restart {0}`)", a.name),
            state => format!("{} is {state}", a.name),
        })
        .collect();
    let open: Vec<String> = agents
        .iter()
        .filter(|a| a.breaker != BreakerState::Closed)
        .map(|a| {
            let last = a.last_exit.as_ref().map_or("none", |e| e.reason.as_str());
            let why = breaker_reason(&a.name).map_or(String::new(), |w| format!("{w}; "));
            format!(
                "{0}: breaker {1} ({why}last exit: {last}); fix the cause and run `cst reset {0}`",
                a.name, a.breaker
            )
        })
        .collect();
    let ready = agents.len() - down.len();
    [
        Check {
            name: "agents".to_owned(),
            ok: down.is_empty() && !agents.is_empty(),
            reason: if down.is_empty() {
                format!("{ready} of {} agents ready", agents.len())
            } else {
                format!(
                    "{ready} of {} agents ready: {}",
                    agents.len(),
                    down.join("; ")
                )
            },
        },
        Check {
            name: "breakers".to_owned(),
            ok: open.is_empty(),
            reason: if open.is_empty() {
                "no breaker open".to_owned()
            } else {
                open.join("; ")
            },
        },
    ]
}

/// What keeps the service from READY and GO, in words a user can act on: each failed check,
/// then each component that earned less than its full weight.
pub fn reasons(checks: &[Check], components: &[Component]) -> Vec<String> {
    let failed = checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}: {}", c.name, c.reason));
    let short = components.iter().filter(|c| c.score < 1.0).map(|c| {
        format!(
            "{} {:.1} of {:.0} points: {}",
            c.name,
            c.score * c.weight,
            c.weight,
            c.detail
        )
    });
    failed.chain(short).collect()
}
