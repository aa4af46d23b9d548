//! The lifecycle of one agent process, as decisions only.

use std::time::Duration;

use cst_config::{AgentSpec, SupervisorConfig};
use cst_protocol::status::{AgentState, BreakerState};
use tokio::time::Instant;

use super::{
    RestartBackoff,
    breaker::{Breaker, Verdict},
};

/// EX_CONFIG: the agent says its configuration is wrong; restarting will not help.
pub const EXIT_CONFIG: i32 = 78;

/// Timing rules, from `[supervisor]` in the config.
#[derive(Debug, Clone)]
pub struct Policy {
    pub startup_timeout: Duration,
    pub heartbeat_timeout: Duration,
    pub stop_grace: Duration,
    pub term_timeout: Duration,
    pub healthy_reset: Duration,
}

impl Policy {
    pub fn from_config(cfg: &SupervisorConfig) -> Self {
        Self {
            startup_timeout: cfg.startup_timeout,
            heartbeat_timeout: cfg.heartbeat_interval * cfg.missed_heartbeats,
            stop_grace: cfg.stop_grace,
            term_timeout: cfg.term_timeout,
            healthy_reset: cfg.restart.healthy_reset,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Term,
    Kill,
}

/// What the daemon must do for this agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Spawn,
    /// Send the Shutdown command frame over the bus.
    SendShutdown {
        pid: u32,
    },
    /// Signal the agent's whole process group.
    Signal {
        pid: u32,
        signal: Signal,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterStop {
    Restart,
    Stay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopStep {
    ShutdownSent,
    TermSent,
    KillSent,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Not started yet, or stopped on request.
    Stopped,
    Disabled,
    /// Asked the spawner for a process; no pid yet.
    Spawning,
    Starting {
        pid: u32,
        since: Instant,
    },
    Ready {
        pid: u32,
        since: Instant,
        last_heartbeat: Instant,
    },
    /// Killed because it hung or never became Ready; waiting for the exit.
    Killing {
        pid: u32,
        reason: String,
    },
    Stopping {
        pid: u32,
        step: StopStep,
        deadline: Instant,
        then: AfterStop,
    },
    Backoff {
        until: Instant,
    },
    BreakerOpen {
        until: Instant,
    },
}

/// How a process ended, as the daemon saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    pub pid: u32,
    pub code: Option<i32>,
    pub signal: Option<i32>,
}

impl Exit {
    pub fn describe(&self) -> String {
        match (self.code, self.signal) {
            (Some(c), _) => format!("exited with code {c}"),
            (None, Some(s)) => format!("killed by signal {s}"),
            (None, None) => "ended".to_string(),
        }
    }
}

#[derive(Debug)]
pub struct AgentMachine {
    pub name: String,
    phase: Phase,
    policy: Policy,
    backoff: RestartBackoff,
    breaker: Breaker,
    /// Processes started after the first one.
    restarts: u64,
    started_once: bool,
    /// Why the last process ended (filled in on every exit).
    last_exit_reason: Option<String>,
    /// The live process's own word on why its start failed, read at its exit.
    start_failed: Option<(u32, String)>,
    /// A stop arrived while the spawner was still starting the process.
    stop_pending: bool,
    /// The supervisor is shutting down: nothing starts any more.
    halted: bool,
}

impl AgentMachine {
    pub fn new(spec: &AgentSpec, cfg: &SupervisorConfig) -> Self {
        Self {
            name: spec.name.clone(),
            phase: if spec.enabled {
                Phase::Stopped
            } else {
                Phase::Disabled
            },
            policy: Policy::from_config(cfg),
            backoff: RestartBackoff::new(&cfg.restart),
            breaker: Breaker::new(&cfg.breaker),
            restarts: 0,
            started_once: false,
            last_exit_reason: None,
            start_failed: None,
            stop_pending: false,
            halted: false,
        }
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }
    pub fn restarts(&self) -> u64 {
        self.restarts
    }
    pub fn breaker(&self) -> &Breaker {
        &self.breaker
    }
    pub fn last_exit_reason(&self) -> Option<&str> {
        self.last_exit_reason.as_deref()
    }

    /// The agent `pid` said why its start failed; its exit, which follows, carries it.
    pub fn on_start_failed(&mut self, pid: u32, reason: String) {
        if self.pid() == Some(pid) {
            self.start_failed = Some((pid, reason));
        }
    }

    /// The pid of the live process, if any.
    pub fn pid(&self) -> Option<u32> {
        match &self.phase {
            Phase::Starting { pid, .. }
            | Phase::Ready { pid, .. }
            | Phase::Killing { pid, .. }
            | Phase::Stopping { pid, .. } => Some(*pid),
            _ => None,
        }
    }

    pub fn state(&self) -> AgentState {
        match &self.phase {
            Phase::Stopped => AgentState::Stopped,
            Phase::Disabled => AgentState::Disabled,
            Phase::Spawning | Phase::Starting { .. } => AgentState::Starting,
            Phase::Ready { .. } => AgentState::Ready,
            Phase::Killing { .. } | Phase::Stopping { .. } => AgentState::Stopping,
            Phase::Backoff { .. } => AgentState::Backoff,
            Phase::BreakerOpen { .. } => AgentState::BreakerOpen,
        }
    }

    pub fn is_ready(&self) -> bool {
        matches!(self.phase, Phase::Ready { .. })
    }

    /// True once a stop has fully finished (or there was nothing to stop).
    pub fn is_down(&self) -> bool {
        matches!(
            self.phase,
            Phase::Stopped | Phase::Disabled | Phase::Backoff { .. } | Phase::BreakerOpen { .. }
        )
    }

    /// When the next start is due (backoff or breaker probe).
    pub fn next_start(&self) -> Option<Instant> {
        match self.phase {
            Phase::Backoff { until } | Phase::BreakerOpen { until } => Some(until),
            _ => None,
        }
    }

    fn spawn(&mut self) -> Vec<Action> {
        if self.halted {
            self.phase = Phase::Stopped;
            return Vec::new();
        }
        if self.started_once {
            self.restarts += 1;
        }
        self.started_once = true;
        self.phase = Phase::Spawning;
        vec![Action::Spawn]
    }

    /// First start when the supervisor comes up.
    pub fn start(&mut self) -> Vec<Action> {
        match self.phase {
            Phase::Stopped => self.spawn(),
            _ => Vec::new(),
        }
    }

    pub fn on_spawned(&mut self, pid: u32, now: Instant) -> Vec<Action> {
        if self.phase != Phase::Spawning {
            return Vec::new();
        }
        self.phase = Phase::Starting { pid, since: now };
        if std::mem::take(&mut self.stop_pending) {
            return self.begin_stop(pid, AfterStop::Stay, now);
        }
        Vec::new()
    }

    /// The process could not even be started (binary missing, not executable): a crash.
    pub fn on_spawn_failed(&mut self, error: &str, now: Instant) -> Vec<Action> {
        if self.phase != Phase::Spawning {
            return Vec::new();
        }
        if std::mem::take(&mut self.stop_pending) {
            self.phase = Phase::Stopped;
            return Vec::new();
        }
        self.crashed(format!("could not start: {error}"), None, now)
    }

    pub fn on_ready(&mut self, pid: u32, now: Instant) {
        if let Phase::Starting { pid: p, .. } = self.phase
            && p == pid
        {
            self.phase = Phase::Ready {
                pid,
                since: now,
                last_heartbeat: now,
            };
            self.breaker.on_ready();
        }
    }

    pub fn on_heartbeat(&mut self, pid: u32, now: Instant) {
        if let Phase::Ready {
            pid: p,
            last_heartbeat,
            ..
        } = &mut self.phase
            && *p == pid
        {
            *last_heartbeat = now;
        }
    }

    /// The process `exit.pid` ended. Exits of older processes are ignored.
    pub fn on_exit(&mut self, exit: &Exit, now: Instant) -> Vec<Action> {
        if self.pid() != Some(exit.pid) {
            return Vec::new();
        }
        let mut described = exit.describe();
        let said = self
            .start_failed
            .take()
            .filter(|(pid, _)| *pid == exit.pid)
            .map(|(_, reason)| reason);
        // A configuration error's reason goes into the breaker's (said once); any other
        // start failure's into the exit's.
        if let Some(said) = said.as_ref().filter(|_| exit.code != Some(EXIT_CONFIG)) {
            described = format!("{described}: {said}");
        }
        match std::mem::replace(&mut self.phase, Phase::Spawning) {
            Phase::Stopping { then, .. } => {
                self.last_exit_reason = Some(format!("stopped on request ({described})"));
                match then {
                    AfterStop::Restart => self.spawn(),
                    AfterStop::Stay => {
                        self.phase = Phase::Stopped;
                        Vec::new()
                    }
                }
            }
            Phase::Killing { reason, .. } => {
                self.crashed(format!("{reason}; {described}"), None, now)
            }
            Phase::Starting { .. } | Phase::Ready { .. } => {
                let fatal = (exit.code == Some(EXIT_CONFIG)).then(|| match &said {
                    Some(said) => format!("exit code {EXIT_CONFIG}: {said}"),
                    None => {
                        format!("exit code {EXIT_CONFIG}: the agent reports a configuration error")
                    }
                });
                self.crashed(described, fatal, now)
            }
            other => {
                self.phase = other;
                Vec::new()
            }
        }
    }

    fn crashed(&mut self, reason: String, fatal: Option<String>, now: Instant) -> Vec<Action> {
        self.last_exit_reason = Some(reason);
        match self.breaker.record_crash(now, fatal.as_deref()) {
            Verdict::Open { until } => {
                self.phase = Phase::BreakerOpen { until };
                Vec::new()
            }
            Verdict::Restart => {
                let delay = self.backoff.next_delay();
                if delay.is_zero() {
                    self.spawn()
                } else {
                    self.phase = Phase::Backoff { until: now + delay };
                    Vec::new()
                }
            }
        }
    }

    /// Timeouts and due starts; called often (every few tens of ms).
    pub fn tick(&mut self, now: Instant) -> Vec<Action> {
        let p = &self.policy;
        match self.phase.clone() {
            Phase::Starting { pid, since } if now.duration_since(since) > p.startup_timeout => {
                let secs = p.startup_timeout.as_secs_f32();
                self.phase = Phase::Killing {
                    pid,
                    reason: format!("killed: no Ready within {secs} s"),
                };
                vec![Action::Signal {
                    pid,
                    signal: Signal::Kill,
                }]
            }
            Phase::Ready {
                pid,
                since,
                last_heartbeat,
            } => {
                if now.duration_since(last_heartbeat) > p.heartbeat_timeout {
                    let ms = p.heartbeat_timeout.as_millis();
                    self.phase = Phase::Killing {
                        pid,
                        reason: format!("killed: hung, no heartbeat for {ms} ms"),
                    };
                    return vec![Action::Signal {
                        pid,
                        signal: Signal::Kill,
                    }];
                }
                if now.duration_since(since) >= p.healthy_reset {
                    self.backoff.reset();
                    self.breaker.on_healthy();
                }
                Vec::new()
            }
            Phase::Backoff { until } if now >= until => self.spawn(),
            Phase::BreakerOpen { until } if now >= until => {
                self.breaker.half_open();
                self.spawn()
            }
            Phase::Stopping {
                pid,
                step,
                deadline,
                then,
            } if now >= deadline => {
                let (signal, next, wait) = match step {
                    StopStep::ShutdownSent => (Signal::Term, StopStep::TermSent, p.term_timeout),
                    // After SIGKILL only the exit remains; re-send it now and then in case the
                    // group gained a member.
                    StopStep::TermSent | StopStep::KillSent => {
                        (Signal::Kill, StopStep::KillSent, Duration::from_secs(1))
                    }
                };
                self.phase = Phase::Stopping {
                    pid,
                    step: next,
                    deadline: now + wait,
                    then,
                };
                vec![Action::Signal { pid, signal }]
            }
            _ => Vec::new(),
        }
    }

    fn begin_stop(&mut self, pid: u32, then: AfterStop, now: Instant) -> Vec<Action> {
        self.phase = Phase::Stopping {
            pid,
            step: StopStep::ShutdownSent,
            deadline: now + self.policy.stop_grace,
            then,
        };
        vec![Action::SendShutdown { pid }]
    }

    /// Changes what follows a stop already under way.
    fn set_after_stop(&mut self, after: AfterStop) {
        if let Phase::Stopping { then, .. } = &mut self.phase {
            *then = after;
        }
    }

    /// `cst restart AGENT`: a graceful stop followed by an immediate start. Refused while the
    /// breaker is open, so a crash loop is not hidden by manual restarts.
    pub fn restart(&mut self, now: Instant) -> Result<Vec<Action>, String> {
        match self.phase.clone() {
            Phase::Disabled => Err(format!("{} is disabled in the configuration", self.name)),
            Phase::BreakerOpen { .. } => Err(format!(
                "the breaker of {0} is open ({1}): fix the cause, then run `cst reset {0}`",
                self.name,
                self.breaker.reason().unwrap_or("too many crashes")
            )),
            Phase::Starting { pid, .. } | Phase::Ready { pid, .. } => {
                Ok(self.begin_stop(pid, AfterStop::Restart, now))
            }
            Phase::Stopping { .. } => {
                self.set_after_stop(AfterStop::Restart);
                Ok(Vec::new())
            }
            Phase::Stopped | Phase::Backoff { .. } => Ok(self.spawn()),
            Phase::Spawning | Phase::Killing { .. } => Ok(Vec::new()),
        }
    }

    /// `cst reset AGENT`: close the breaker, forget crash history and backoff, start now if
    /// nothing is running.
    pub fn reset(&mut self) -> Result<Vec<Action>, String> {
        if self.phase == Phase::Disabled {
            return Err(format!("{} is disabled in the configuration", self.name));
        }
        self.breaker.reset();
        self.backoff.reset();
        Ok(match self.phase {
            Phase::BreakerOpen { .. } | Phase::Backoff { .. } | Phase::Stopped => self.spawn(),
            _ => Vec::new(),
        })
    }

    /// The supervisor is shutting down: no start from now on, not even a restart after a
    /// crash or a breaker probe; an agent waiting to restart is Stopped at once.
    pub fn halt(&mut self) {
        self.halted = true;
        if matches!(
            self.phase,
            Phase::Backoff { .. } | Phase::BreakerOpen { .. }
        ) {
            self.phase = Phase::Stopped;
        }
    }

    /// Graceful stop for supervisor shutdown: Shutdown frame, then SIGTERM, then SIGKILL.
    pub fn stop(&mut self, now: Instant) -> Vec<Action> {
        match self.phase.clone() {
            Phase::Starting { pid, .. } | Phase::Ready { pid, .. } => {
                self.begin_stop(pid, AfterStop::Stay, now)
            }
            Phase::Stopping { .. } => {
                self.set_after_stop(AfterStop::Stay);
                Vec::new()
            }
            Phase::Killing { pid, .. } => {
                self.phase = Phase::Stopping {
                    pid,
                    step: StopStep::KillSent,
                    deadline: now,
                    then: AfterStop::Stay,
                };
                Vec::new()
            }
            Phase::Backoff { .. } | Phase::BreakerOpen { .. } => {
                self.phase = Phase::Stopped;
                Vec::new()
            }
            Phase::Spawning => {
                self.stop_pending = true;
                Vec::new()
            }
            Phase::Stopped | Phase::Disabled => Vec::new(),
        }
    }

    pub fn breaker_state(&self) -> BreakerState {
        self.breaker.state()
    }
}

#[cfg(test)]
#[path = "agent_tests.rs"]
mod tests;
