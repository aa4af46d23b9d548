//! Alerts: what is wrong now, with a severity, raised once and repeated only at the
//! configured interval while it lasts.
//!
//! Two kinds of source. Conditions that hold or not at each scoring (a breaker open,
//! coverage low, NO-GO, a drifted model, the kill switch announced within `repeat_after`)
//! are [`Condition`]s: sent when they start, again every `repeat_after` while they last,
//! and again at once if they clear and come back. One-off events (a model rejected) are
//! sent once per subject.

use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use cst_protocol::{
    health::HealthReport,
    status::{AgentStatus, BreakerState, ServiceStatus},
};
use serde::Serialize;
use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// The service clock when raised, Unix seconds.
    pub at: i64,
    pub severity: Severity,
    /// `breaker_open`, `coverage_low`, `nogo`, `kill_switch`, `drift`, `model_rejected`.
    pub kind: &'static str,
    /// What it is about: an agent, an exchange, a model.
    pub subject: String,
    pub message: String,
}

impl Alert {
    /// One line for chat and logs.
    pub fn text(&self) -> String {
        format!(
            "[{}] {} {}: {}",
            self.severity.as_str().to_uppercase(),
            self.kind,
            self.subject,
            self.message
        )
    }
}

/// A condition that holds now (kind, subject, severity, message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub kind: &'static str,
    pub subject: String,
    pub severity: Severity,
    pub message: String,
}

/// The conditions a health report and the agent table show.
pub fn conditions(
    report: &HealthReport,
    agents: &[AgentStatus],
    coverage: Option<&cst_store::CoverageAudit>,
    min_coverage: f64,
    drifted: &[(u32, String, String)],
) -> Vec<Condition> {
    let mut out = Vec::new();
    for a in agents.iter().filter(|a| a.breaker == BreakerState::Open) {
        out.push(Condition {
            kind: "breaker_open",
            subject: a.name.clone(),
            severity: Severity::Critical,
            message: format!(
                "{0} stopped restarting after repeated crashes (last exit: {1}); fix the cause and run `cst reset {0}`",
                a.name,
                a.last_exit.as_ref().map_or("none", |e| e.reason.as_str())
            ),
        });
    }
    if let Some(c) = coverage.filter(|c| c.fraction() < min_coverage) {
        out.push(Condition {
            kind: "coverage_low",
            subject: c.exchange.clone(),
            severity: Severity::Warning,
            message: format!(
                "{} of {} live pairs covered ({:.1}% < {:.1}%); `cst coverage` lists them",
                c.covered,
                c.live,
                c.fraction() * 100.0,
                min_coverage * 100.0
            ),
        });
    }
    if report.status == ServiceStatus::Nogo {
        let failed: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.name.as_str())
            .collect();
        out.push(Condition {
            kind: "nogo",
            subject: "service".into(),
            severity: Severity::Critical,
            message: format!(
                "NO-GO at health score {:.1}: no new entries; failing: {}; `cst health` says why",
                report.score,
                if failed.is_empty() {
                    "none".to_string()
                } else {
                    failed.join(", ")
                }
            ),
        });
    }
    for (h, model, summary) in drifted {
        out.push(Condition {
            kind: "drift",
            subject: format!("{h} h model {model}"),
            severity: Severity::Warning,
            message: format!("{summary}; the ml agent retrains it (at most once a day)"),
        });
    }
    out
}

/// The risk agent halted trading under `key` (its `risk.halted` event).
pub fn kill_switch(key: &str) -> Condition {
    Condition {
        kind: "kill_switch",
        subject: key.to_string(),
        severity: Severity::Critical,
        message: format!(
            "the risk agent halted trading ({key}): positions flattened, no new entries until `cst risk resume`"
        ),
    }
}

/// Decides which conditions and events to send now.
#[derive(Debug)]
pub struct Dedup {
    repeat_after: Duration,
    /// (kind, subject) → when last sent, for the conditions holding at the last look.
    active: HashMap<(&'static str, String), Instant>,
    /// One-off events already sent, by (kind, subject).
    sent_once: HashSet<(String, String)>,
}

impl Dedup {
    pub fn new(repeat_after: Duration) -> Self {
        Self {
            repeat_after,
            active: HashMap::new(),
            sent_once: HashSet::new(),
        }
    }

    /// Marks one-off events already sent (read back from the store at start, so a restart
    /// of the health agent does not send them again).
    pub fn remember_once(&mut self, kind: &str, subject: &str) {
        self.sent_once
            .insert((kind.to_string(), subject.to_string()));
    }

    /// The conditions to send: new ones, and lasting ones due again. Conditions that no
    /// longer hold are forgotten, so their return is sent at once.
    pub fn conditions(&mut self, now: Instant, at: i64, holding: Vec<Condition>) -> Vec<Alert> {
        let mut send = Vec::new();
        let mut next = HashMap::new();
        for c in holding {
            let key = (c.kind, c.subject.clone());
            let last = self.active.get(&key).copied();
            let due = last.is_none_or(|l| now.duration_since(l) >= self.repeat_after);
            next.insert(key, if due { now } else { last.unwrap_or(now) });
            if due {
                send.push(Alert {
                    at,
                    severity: c.severity,
                    kind: c.kind,
                    subject: c.subject,
                    message: c.message,
                });
            }
        }
        self.active = next;
        send
    }

    /// A one-off event: `Some` the first time for its (kind, subject).
    pub fn once(&mut self, alert: Alert) -> Option<Alert> {
        self.sent_once
            .insert((alert.kind.to_string(), alert.subject.clone()))
            .then_some(alert)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(kind: &'static str, subject: &str) -> Condition {
        Condition {
            kind,
            subject: subject.into(),
            severity: Severity::Critical,
            message: "m".into(),
        }
    }

    #[test]
    fn a_lasting_condition_is_sent_once_per_interval_and_again_when_it_returns() {
        let mut d = Dedup::new(Duration::from_secs(3600));
        let t0 = Instant::now();
        let sent = d.conditions(t0, 1, vec![cond("breaker_open", "ml")]);
        assert_eq!(sent.len(), 1);
        // Still open a minute later, and with a second breaker opening: only the new one.
        let later = t0 + Duration::from_secs(60);
        let sent = d.conditions(
            later,
            2,
            vec![cond("breaker_open", "ml"), cond("breaker_open", "whale")],
        );
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].subject, "whale");
        // An hour after each was sent, both still open: both repeated.
        let hour = t0 + Duration::from_secs(3660);
        assert_eq!(
            d.conditions(
                hour,
                3,
                vec![cond("breaker_open", "ml"), cond("breaker_open", "whale")]
            )
            .len(),
            2
        );
        // ml clears, then comes back a second later: sent at once.
        assert!(
            d.conditions(hour + Duration::from_secs(1), 4, vec![])
                .is_empty()
        );
        let back = d.conditions(
            hour + Duration::from_secs(2),
            5,
            vec![cond("breaker_open", "ml")],
        );
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].at, 5);
    }

    #[test]
    fn breakers_low_coverage_nogo_and_drift_are_conditions_with_their_severity() {
        use cst_protocol::{
            health::Check,
            status::{AgentState, AgentStatus},
        };
        let agent = |name: &str, breaker| AgentStatus {
            name: name.into(),
            state: AgentState::Ready,
            pid: None,
            restarts: 5,
            breaker,
            rss_bytes: None,
            cpu_percent: None,
            last_exit: None,
            ready_for_ms: None,
            next_start_in_ms: None,
            counters: vec![],
            log_lines_dropped: 0,
        };
        let report = HealthReport {
            at: 1,
            status: ServiceStatus::Nogo,
            score: 42.0,
            ready: false,
            checks: vec![Check {
                name: "models".into(),
                ok: false,
                reason: "no active 1 h model".into(),
            }],
            components: vec![],
            metrics: vec![],
        };
        let audit = cst_store::CoverageAudit {
            exchange: "kraken".into(),
            at: 1,
            live: 136,
            covered: 134,
            missing: vec![],
        };
        let agents = [
            agent("ml", BreakerState::Open),
            // Half-open is a probe in progress, not a new opening.
            agent("whale", BreakerState::HalfOpen),
        ];
        let drifted = [(24, "h24-x".to_string(), "median PSI 0.37".to_string())];
        let found = conditions(&report, &agents, Some(&audit), 0.99, &drifted);
        let kinds: Vec<(&str, &str, Severity)> = found
            .iter()
            .map(|c| (c.kind, c.subject.as_str(), c.severity))
            .collect();
        assert_eq!(
            kinds,
            [
                ("breaker_open", "ml", Severity::Critical),
                ("coverage_low", "kraken", Severity::Warning),
                ("nogo", "service", Severity::Critical),
                ("drift", "24 h model h24-x", Severity::Warning),
            ]
        );
        assert!(found[1].message.contains("134 of 136"));
        assert!(found[2].message.contains("failing: models"));
        // At 99.0% exactly, coverage is fine; GO is no alert.
        let full = cst_store::CoverageAudit {
            live: 100,
            covered: 99,
            ..audit
        };
        let go = HealthReport {
            status: ServiceStatus::Go,
            ..report
        };
        assert!(conditions(&go, &[], Some(&full), 0.99, &[]).is_empty());
        assert_eq!(kill_switch("drawdown").severity, Severity::Critical);
    }

    #[test]
    fn a_one_off_event_is_sent_once_even_across_a_restart() {
        let alert = Alert {
            at: 1,
            severity: Severity::Warning,
            kind: "model_rejected",
            subject: "h24-abc".into(),
            message: "loses to its baselines".into(),
        };
        let mut d = Dedup::new(Duration::from_secs(60));
        assert!(d.once(alert.clone()).is_some());
        assert!(d.once(alert.clone()).is_none());
        let mut restarted = Dedup::new(Duration::from_secs(60));
        restarted.remember_once("model_rejected", "h24-abc");
        assert!(restarted.once(alert).is_none());
    }
}
