//! The core task: owns every agent's state machine, applies events to them, and carries out
//! the resulting actions (spawn, signal, send a frame). The only place that mutates state,
//! so no locks guard the agent table.

use std::{collections::HashMap, path::PathBuf, sync::Arc, time::Duration};

use cst_config::{Config, Home};
use cst_protocol::{
    bus::{AgentFrame, Command, CommandKind, Configure, Counter, Event, SupervisorFrame},
    control::{ControlRequest, ControlResponse, Outcome},
    health::{HealthReport, ServiceReport},
    status::ExitInfo,
};
use nix::{sys::signal::killpg, unistd::Pid};
use tokio::{
    sync::{mpsc, oneshot, watch},
    time::Instant,
};

use super::{
    events::CoreEvent,
    logs::LogSink,
    report,
    spawner::{SpawnRequest, Spawner},
    stats::SocketStats,
};
use crate::machine::{Action, AgentMachine, Signal, agent::Exit};

/// How often timeouts and due restarts are checked.
const TICK: Duration = Duration::from_millis(20);
/// How long `cst run-now` waits for the agent's acknowledgement.
const ACK_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything the core knows about one agent besides its state machine.
#[derive(Debug)]
pub struct Slot {
    pub machine: AgentMachine,
    pub conn: Option<(u32, mpsc::Sender<SupervisorFrame>)>,
    pub topics: Vec<cst_protocol::Topic>,
    pub counters: Vec<Counter>,
    pub usage: Option<(u64, f32)>,
    pub last_exit: Option<ExitInfo>,
}

#[derive(Debug)]
struct PendingAck {
    reply: oneshot::Sender<ControlResponse>,
    agent: usize,
    deadline: Instant,
}

#[derive(Debug)]
pub struct Core {
    pub home: Home,
    pub config: Config,
    pub config_path: Option<PathBuf>,
    pub bin_dir: PathBuf,
    pub slots: Vec<Slot>,
    pub started: Instant,
    pub stopping: bool,
    pub own_usage: Option<(u64, f32)>,
    /// The health agent's latest report and when it arrived.
    pub health: Option<(Instant, HealthReport)>,
    spawner: Spawner,
    logs: LogSink,
    stats: Arc<SocketStats>,
    report: watch::Sender<Arc<ServiceReport>>,
    /// When the report was last published: at least once a second, so a health report
    /// going stale shows even when nothing else happens.
    published: Instant,
    next_command: u64,
    pending: HashMap<u64, PendingAck>,
    /// Replies to `cst stop`, sent once every agent is down.
    stop_waiters: Vec<oneshot::Sender<ControlResponse>>,
    /// The validated configuration agents run with, encoded once: sent to each agent right
    /// after its handshake and to all of them before a reload.
    agent_config: Vec<u8>,
}

#[derive(Debug)]
pub struct CoreParts {
    pub home: Home,
    pub config: Config,
    pub config_path: Option<PathBuf>,
    pub bin_dir: PathBuf,
    pub spawner: Spawner,
    pub logs: LogSink,
    pub stats: Arc<SocketStats>,
    pub report: watch::Sender<Arc<ServiceReport>>,
}

impl Core {
    pub fn new(p: CoreParts) -> Self {
        // Encoding a validated configuration cannot fail (plain data); an empty handoff
        // would make every agent refuse to start, which `cst status` then shows.
        let agent_config = p.config.encode().unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot encode the configuration for the agents");
            Vec::new()
        });
        let slots = p
            .config
            .agents
            .iter()
            .map(|spec| Slot {
                machine: AgentMachine::new(spec, &p.config.supervisor),
                conn: None,
                topics: Vec::new(),
                counters: Vec::new(),
                usage: None,
                last_exit: None,
            })
            .collect();
        Self {
            home: p.home,
            config: p.config,
            config_path: p.config_path,
            bin_dir: p.bin_dir,
            slots,
            started: Instant::now(),
            stopping: false,
            own_usage: None,
            health: None,
            spawner: p.spawner,
            logs: p.logs,
            stats: p.stats,
            report: p.report,
            published: Instant::now(),
            next_command: 1,
            pending: HashMap::new(),
            stop_waiters: Vec::new(),
            agent_config,
        }
    }

    pub fn log_dropped(&self, agent: usize) -> u64 {
        self.logs.dropped(agent)
    }

    /// Runs until every agent is down after a stop request.
    pub async fn run(mut self, mut events: mpsc::Receiver<CoreEvent>) {
        for agent in 0..self.slots.len() {
            let actions = self.slots[agent].machine.start();
            self.execute(agent, actions);
        }
        self.publish();
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut dirty = false;
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Some(event) => {
                        // Lifecycle changes show at once; counters and samples, which can
                        // arrive in floods, at the next tick.
                        let routine = matches!(
                            &event,
                            CoreEvent::Samples(_)
                                | CoreEvent::Frame { frame: AgentFrame::Heartbeat(_) | AgentFrame::Publish(_), .. }
                        );
                        self.handle(event);
                        if routine {
                            dirty = true;
                        } else {
                            self.publish();
                        }
                    }
                    None => break,
                },
                _ = ticker.tick() => {
                    let changed = self.tick();
                    let due = self.published.elapsed() >= Duration::from_secs(1);
                    if std::mem::take(&mut dirty) || changed || due {
                        self.publish();
                    }
                }
            }
            if self.stopping && self.advance_stop() {
                break;
            }
        }
        self.publish();
        for waiter in self.stop_waiters.drain(..) {
            let _ = waiter.send(ControlResponse::Done(Outcome {
                message: "every agent stopped; supervisor exiting".into(),
            }));
        }
        tracing::info!("every agent stopped");
    }

    fn publish(&mut self) {
        self.published = Instant::now();
        self.report.send_replace(Arc::new(report::build(self)));
    }

    /// Runs every machine's timers; true if any agent changed state.
    fn tick(&mut self) -> bool {
        let now = Instant::now();
        let mut changed = false;
        for agent in 0..self.slots.len() {
            let before = self.slots[agent].machine.state();
            let actions = self.slots[agent].machine.tick(now);
            changed |= !actions.is_empty() || self.slots[agent].machine.state() != before;
            self.execute(agent, actions);
        }
        let expired: Vec<u64> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            if let Some(p) = self.pending.remove(&id) {
                let name = &self.slots[p.agent].machine.name;
                let message = format!(
                    "{name} did not acknowledge within {} s",
                    ACK_TIMEOUT.as_secs()
                );
                let _ = p.reply.send(ControlResponse::Failed(Outcome { message }));
            }
        }
        changed
    }

    /// Stops agents one at a time in reverse start order; true once all are down.
    fn advance_stop(&mut self) -> bool {
        let now = Instant::now();
        for agent in (0..self.slots.len()).rev() {
            if self.slots[agent].machine.is_down() {
                continue;
            }
            let actions = self.slots[agent].machine.stop(now);
            self.execute(agent, actions);
            return false;
        }
        true
    }

    fn handle(&mut self, event: CoreEvent) {
        let now = Instant::now();
        match event {
            CoreEvent::Spawned { agent, pid } => {
                tracing::info!(agent = %self.slots[agent].machine.name, pid, "spawned");
                let actions = self.slots[agent].machine.on_spawned(pid, now);
                self.execute(agent, actions);
            }
            CoreEvent::SpawnFailed { agent, error } => {
                tracing::error!(agent = %self.slots[agent].machine.name, %error, "cannot start agent");
                let actions = self.slots[agent].machine.on_spawn_failed(&error, now);
                self.record_exit(agent, 0, None, None);
                self.execute(agent, actions);
            }
            CoreEvent::Exited {
                agent,
                pid,
                code,
                signal,
            } => {
                let exit = Exit { pid, code, signal };
                let slot = &mut self.slots[agent];
                if slot.conn.as_ref().is_some_and(|(p, _)| *p == pid) {
                    slot.conn = None;
                }
                let actions = slot.machine.on_exit(&exit, now);
                self.record_exit(agent, pid, code, signal);
                let slot = &self.slots[agent];
                let level_warn = !self.stopping;
                if level_warn {
                    tracing::warn!(agent = %slot.machine.name, pid, reason = slot.machine.last_exit_reason().unwrap_or(""), state = %slot.machine.state(), "agent exited");
                } else {
                    tracing::info!(agent = %slot.machine.name, pid, reason = slot.machine.last_exit_reason().unwrap_or(""), "agent exited");
                }
                self.execute(agent, actions);
            }
            CoreEvent::Connected { agent, pid, tx } => {
                let slot = &mut self.slots[agent];
                if slot.machine.pid() == Some(pid) {
                    // First thing on the connection: the configuration the agent runs with.
                    let _ = tx.try_send(SupervisorFrame::Configure(Configure {
                        config: self.agent_config.clone(),
                    }));
                    slot.conn = Some((pid, tx));
                    slot.topics.clear();
                }
            }
            CoreEvent::Disconnected { agent, pid } => {
                let slot = &mut self.slots[agent];
                if slot.conn.as_ref().is_some_and(|(p, _)| *p == pid) {
                    slot.conn = None;
                }
            }
            CoreEvent::Frame { agent, pid, frame } => self.on_frame(agent, pid, frame, now),
            CoreEvent::Samples(samples) => {
                let own = std::process::id();
                for slot in &mut self.slots {
                    slot.usage = None;
                }
                for (pid, rss, cpu) in samples {
                    if pid == own {
                        self.own_usage = Some((rss, cpu));
                    } else if let Some(slot) =
                        self.slots.iter_mut().find(|s| s.machine.pid() == Some(pid))
                    {
                        slot.usage = Some((rss, cpu));
                    }
                }
            }
            CoreEvent::Control { request, reply } => self.on_control(request, reply, now),
            CoreEvent::Shutdown { reason } => self.begin_shutdown(reason),
        }
    }

    /// From now on nothing starts: agents waiting to restart become Stopped, running ones
    /// are stopped one at a time in reverse start order (see `advance_stop`).
    fn begin_shutdown(&mut self, reason: &str) {
        if self.stopping {
            return;
        }
        tracing::info!(reason, "stopping every agent in reverse start order");
        self.stopping = true;
        for slot in &mut self.slots {
            slot.machine.halt();
        }
    }

    fn record_exit(&mut self, agent: usize, pid: u32, code: Option<i32>, signal: Option<i32>) {
        let slot = &mut self.slots[agent];
        let reason = slot
            .machine
            .last_exit_reason()
            .unwrap_or("ended")
            .to_string();
        slot.last_exit = Some(ExitInfo {
            pid,
            code,
            signal,
            reason,
            at_unix_ms: report::unix_ms(),
        });
        slot.usage = None;
    }

    fn on_frame(&mut self, agent: usize, pid: u32, frame: AgentFrame, now: Instant) {
        let slot = &mut self.slots[agent];
        // A late frame from a process that already exited must not touch its successor.
        if slot.machine.pid() != Some(pid) {
            return;
        }
        match frame {
            AgentFrame::Ready(_) => {
                slot.machine.on_ready(pid, now);
                tracing::info!(agent = %slot.machine.name, pid, "ready");
            }
            AgentFrame::Heartbeat(hb) => {
                slot.machine.on_heartbeat(pid, now);
                slot.counters = hb.counters;
            }
            AgentFrame::Subscribe(sub) => slot.topics = sub.topics,
            AgentFrame::Publish(event) => self.route(agent, event),
            AgentFrame::CommandAck(ack) => {
                let for_this_agent = self.pending.get(&ack.id).is_some_and(|p| p.agent == agent);
                if let Some(p) = for_this_agent
                    .then(|| self.pending.remove(&ack.id))
                    .flatten()
                {
                    let message = format!("{}: {}", self.slots[p.agent].machine.name, ack.outcome);
                    let _ = p.reply.send(ControlResponse::Done(Outcome { message }));
                }
            }
            AgentFrame::Health(report) => {
                if slot.machine.name == "health" {
                    self.health = Some((now, *report));
                } else {
                    tracing::warn!(agent = %slot.machine.name, "health report from an agent other than `health` ignored");
                }
            }
            AgentFrame::StartFailed(failed) => {
                tracing::error!(agent = %slot.machine.name, reason = %failed.reason, "start failed");
                slot.machine.on_start_failed(pid, failed.reason);
            }
            // Answered by the connection task; never forwarded.
            AgentFrame::Hello(_) | AgentFrame::Ping(_) => {}
        }
    }

    /// Delivers an event to every other agent subscribed to its topic.
    fn route(&mut self, from: usize, mut event: Event) {
        event.source = self.slots[from].machine.name.clone();
        for (i, slot) in self.slots.iter().enumerate() {
            if i == from || !slot.topics.contains(&event.topic) {
                continue;
            }
            if let Some((_, tx)) = &slot.conn
                && tx.try_send(SupervisorFrame::Event(event.clone())).is_err()
            {
                SocketStats::inc(&self.stats.events_dropped);
                tracing::warn!(agent = %slot.machine.name, topic = %event.topic, "event dropped: subscriber queue full");
            }
        }
    }

    fn send_command(&mut self, agent: usize, kind: CommandKind) -> Option<u64> {
        let (_, tx) = self.slots[agent].conn.as_ref()?;
        let id = self.next_command;
        self.next_command += 1;
        tx.try_send(SupervisorFrame::Command(Command { id, kind }))
            .ok()
            .map(|_| id)
    }

    fn execute(&mut self, agent: usize, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Spawn => {
                    let spec = &self.config.agents[agent];
                    let mut env = vec![
                        (
                            "CST_HOME".to_string(),
                            self.home.root().display().to_string(),
                        ),
                        ("CST_AGENT".to_string(), spec.name.clone()),
                    ];
                    if let Some(path) = &self.config_path {
                        env.push(("CST_CONFIG".to_string(), path.display().to_string()));
                    }
                    self.spawner.spawn(SpawnRequest {
                        agent,
                        argv: spec.argv(&self.bin_dir),
                        env,
                    });
                }
                Action::SendShutdown { pid } => {
                    if self.send_command(agent, CommandKind::Shutdown).is_none() {
                        // Not on the bus (yet): the signal is the only way to ask.
                        signal_group(pid, Signal::Term);
                    }
                }
                Action::Signal { pid, signal } => signal_group(pid, signal),
            }
        }
    }

    fn agent_index(&self, name: &str) -> Result<usize, String> {
        self.slots
            .iter()
            .position(|s| s.machine.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = self.slots.iter().map(|s| s.machine.name.as_str()).collect();
                format!("no agent named {name:?}: agents are {}", names.join(", "))
            })
    }

    fn on_control(
        &mut self,
        request: ControlRequest,
        reply: oneshot::Sender<ControlResponse>,
        now: Instant,
    ) {
        let done = |message: String| ControlResponse::Done(Outcome { message });
        let failed = |message: String| ControlResponse::Failed(Outcome { message });
        let refuse_while_stopping = self.stopping
            && !matches!(
                request,
                ControlRequest::Status | ControlRequest::Report | ControlRequest::Stop
            );
        if refuse_while_stopping {
            let _ = reply.send(failed("the supervisor is stopping".into()));
            return;
        }
        let response = match request {
            ControlRequest::Hello(_) => failed("already greeted".into()),
            ControlRequest::Status => {
                ControlResponse::Status(Box::new(report::build(self).status_report()))
            }
            ControlRequest::Report => ControlResponse::Report(Box::new(report::build(self))),
            ControlRequest::StopAgent(a) => match self.agent_index(&a.agent) {
                Err(e) => failed(e),
                Ok(i) => {
                    let actions = self.slots[i].machine.stop(now);
                    self.execute(i, actions);
                    done(format!(
                        "stopping {0}; it stays stopped until `cst restart {0}` or the next `cst up`",
                        a.agent
                    ))
                }
            },
            ControlRequest::Restart(a) => match self.agent_index(&a.agent) {
                Err(e) => failed(e),
                Ok(i) => match self.slots[i].machine.restart(now) {
                    Ok(actions) => {
                        self.execute(i, actions);
                        done(format!("restarting {}", a.agent))
                    }
                    Err(e) => failed(e),
                },
            },
            ControlRequest::Reset(a) => match self.agent_index(&a.agent) {
                Err(e) => failed(e),
                Ok(i) => match self.slots[i].machine.reset() {
                    Ok(actions) => {
                        let started = !actions.is_empty();
                        self.execute(i, actions);
                        let tail = if started { "; starting it" } else { "" };
                        done(format!(
                            "breaker of {} closed, crash history cleared{tail}",
                            a.agent
                        ))
                    }
                    Err(e) => failed(e),
                },
            },
            ControlRequest::RunNow(a) => match self.agent_index(&a.agent) {
                Err(e) => failed(e),
                Ok(i) => match self.send_command(i, CommandKind::RunNow) {
                    Some(id) => {
                        self.pending.insert(
                            id,
                            PendingAck {
                                reply,
                                agent: i,
                                deadline: now + ACK_TIMEOUT,
                            },
                        );
                        return;
                    }
                    None => failed(format!(
                        "{} is not connected (state {}): see `cst status`",
                        a.agent,
                        self.slots[i].machine.state()
                    )),
                },
            },
            ControlRequest::Reload => self.reload(),
            ControlRequest::Stop => {
                self.begin_shutdown("cst stop");
                self.stop_waiters.push(reply);
                return;
            }
        };
        let _ = reply.send(response);
    }

    /// Re-validates the configuration file, hands it to every agent and tells them to
    /// apply it; agents started later get it too. Supervisor timings, agent commands and log
    /// settings take effect at the next `cst up`.
    fn reload(&mut self) -> ControlResponse {
        match cst_config::load(&self.home, self.config_path.as_deref()).and_then(|c| c.encode()) {
            Err(e) => ControlResponse::Failed(Outcome {
                message: format!("reload refused, nothing changed: {e}"),
            }),
            Ok(encoded) => {
                self.agent_config = encoded;
                for slot in &self.slots {
                    if let Some((_, tx)) = &slot.conn {
                        let _ = tx.try_send(SupervisorFrame::Configure(Configure {
                            config: self.agent_config.clone(),
                        }));
                    }
                }
                let sent = (0..self.slots.len())
                    .filter(|i| self.send_command(*i, CommandKind::ReloadConfig).is_some())
                    .count();
                ControlResponse::Done(Outcome {
                    message: format!("configuration valid; reload sent to {sent} agents"),
                })
            }
        }
    }
}

fn signal_group(pid: u32, signal: Signal) {
    let sig = match signal {
        Signal::Term => nix::sys::signal::Signal::SIGTERM,
        Signal::Kill => nix::sys::signal::Signal::SIGKILL,
    };
    // The agent leads its own process group (pgid = pid).
    if let Err(e) = killpg(Pid::from_raw(pid as i32), sig)
        && e != nix::errno::Errno::ESRCH
    {
        tracing::warn!(pid, signal = ?sig, error = %e, "cannot signal agent");
    }
}
