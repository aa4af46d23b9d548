//! The agent loop: handshake, the configuration from the supervisor, start hook, Ready,
//! then heartbeats, commands and events until a Shutdown frame, SIGTERM/SIGINT, or the
//! supervisor going away.
//!
//! Agents read no configuration file: the supervisor validated it and hands it over
//! ([`SupervisorFrame::Configure`]) right after the handshake and before every reload, so
//! every agent runs what `cst up` or `cst reload` checked, and none carries a TOML parser,
//! environment layering and validation resident for a file it reads once.

use std::{path::PathBuf, time::Duration};

use cst_config::Home;
use cst_protocol::bus::{
    AgentFrame, Command, CommandAck, CommandKind, Counter, Heartbeat, Ready, StartFailed,
    Subscribe, SupervisorFrame,
};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};

use crate::{Agent, Publisher, RuntimeError, bus};

/// Where the agent runs: its name, its home, and the config file the service was started
/// with (the ml agent hands it to its training runs, which are not agents).
#[derive(Debug, Clone)]
pub struct AgentEnv {
    pub name: String,
    pub home: Home,
    pub config_path: Option<PathBuf>,
}

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Counts kept by the runtime itself and sent with every heartbeat.
#[derive(Debug, Default)]
struct Counts {
    heartbeats: u64,
    events_received: u64,
    commands: u64,
}

/// Runs `agent` until it is told to stop. Returns `Ok` on a requested stop.
pub async fn run(env: AgentEnv, mut agent: impl Agent) -> Result<(), RuntimeError> {
    let (mut reader, writer, welcome) =
        bus::connect(&env.home.bus_socket(), &env.name, HANDSHAKE_TIMEOUT).await?;
    // The supervisor's first frame after the Welcome: the configuration.
    let first = tokio::time::timeout(HANDSHAKE_TIMEOUT, reader.next())
        .await
        .map_err(|_| RuntimeError::HandshakeTimeout(HANDSHAKE_TIMEOUT.as_millis() as u64))?;
    let mut config = match first.transpose()? {
        Some(SupervisorFrame::Configure(c)) => cst_config::Config::decode(&c.config)?,
        Some(other) => return Err(RuntimeError::Unexpected(format!("{other:?}"))),
        None => return Err(RuntimeError::SupervisorGone),
    };
    cst_logging::init_agent(&config.logs.level);
    let (publisher, mut writer_task) = Publisher::spawn(writer, &agent.publishes());
    tracing::debug!(agent = %env.name, "handshake done");

    let topics = agent.subscribes();
    if !topics.is_empty() {
        publisher.send(AgentFrame::Subscribe(Subscribe { topics }))?;
    }
    if let Err(e) = agent.start(&env, &config, &publisher).await {
        // Tell the supervisor why before exiting, so `cst status` can say it.
        let _ = publisher.send(AgentFrame::StartFailed(StartFailed {
            config: matches!(e, crate::StartError::Config(_)),
            reason: e.to_string(),
        }));
        drop(publisher);
        let _ = tokio::time::timeout(Duration::from_secs(1), writer_task).await;
        // The frame is on the socket; give the supervisor a moment to read it before the
        // exit it explains is reaped (a frame from a dead pid is ignored).
        tokio::time::sleep(Duration::from_millis(200)).await;
        return Err(RuntimeError::Start(e));
    }
    publisher.send(AgentFrame::Ready(Ready {}))?;
    tracing::info!(agent = %env.name, pid = std::process::id(), "ready");

    let mut sigterm = signal(SignalKind::terminate()).map_err(RuntimeError::Signal)?;
    let mut sigint = signal(SignalKind::interrupt()).map_err(RuntimeError::Signal)?;
    let interval = Duration::from_millis(welcome.heartbeat_interval_ms.max(1));
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut counts = Counts::default();

    loop {
        tokio::select! {
            _ = ticker.tick() => {
                counts.heartbeats += 1;
                let counters = heartbeat_counters(&counts, &publisher, &agent);
                publisher.send(AgentFrame::Heartbeat(Heartbeat { seq: counts.heartbeats, counters }))?;
                agent.tick(&publisher).await;
            }
            frame = reader.next() => match frame.transpose()? {
                None => return Err(RuntimeError::SupervisorGone),
                Some(SupervisorFrame::Command(cmd)) => {
                    counts.commands += 1;
                    if handle_command(&env, &mut agent, &publisher, &config, cmd).await? {
                        break;
                    }
                }
                Some(SupervisorFrame::Configure(c)) => match cst_config::Config::decode(&c.config) {
                    Ok(new) => config = new,
                    Err(e) => tracing::warn!(agent = %env.name, error = %e, "configuration from the supervisor refused; keeping the running one"),
                },
                Some(SupervisorFrame::Event(event)) => {
                    counts.events_received += 1;
                    agent.on_event(event, &publisher).await;
                }
                Some(SupervisorFrame::Pong(_)) => {}
                Some(other @ (SupervisorFrame::Welcome(_) | SupervisorFrame::Rejected(_))) => {
                    return Err(RuntimeError::Unexpected(format!("{other:?}")));
                }
            },
            _ = sigterm.recv() => { tracing::info!(agent = %env.name, "SIGTERM: stopping"); break; }
            _ = sigint.recv() => { tracing::info!(agent = %env.name, "SIGINT: stopping"); break; }
            res = &mut writer_task => {
                return match res {
                    Ok(Err(e)) => Err(e),
                    _ => Err(RuntimeError::SupervisorGone),
                };
            }
        }
    }
    // Let the ack (if any) reach the supervisor before the socket closes.
    drop(publisher);
    let _ = tokio::time::timeout(Duration::from_secs(1), writer_task).await;
    tracing::info!(agent = %env.name, "stopped");
    Ok(())
}

/// Handles one command; returns true when the agent must stop.
async fn handle_command(
    env: &AgentEnv,
    agent: &mut impl Agent,
    publisher: &Publisher,
    config: &cst_config::Config,
    cmd: Command,
) -> Result<bool, RuntimeError> {
    tracing::info!(agent = %env.name, command = cmd.kind.as_str(), id = cmd.id, "command");
    let (outcome, stop) = match cmd.kind {
        CommandKind::Shutdown => ("stopping".to_string(), true),
        CommandKind::RunNow => (agent.run_now(publisher).await, false),
        // The supervisor validated the file and sent it (Configure) just before this.
        CommandKind::ReloadConfig => (agent.reload(config), false),
    };
    publisher.send(AgentFrame::CommandAck(CommandAck {
        id: cmd.id,
        outcome,
    }))?;
    Ok(stop)
}

fn heartbeat_counters(counts: &Counts, publisher: &Publisher, agent: &impl Agent) -> Vec<Counter> {
    let own = [
        ("heartbeats_sent", counts.heartbeats),
        ("events_received", counts.events_received),
        ("events_published", publisher.published()),
        ("commands_handled", counts.commands),
    ];
    let mut counters = crate::counters(&own);
    counters.extend(agent.counters());
    counters
}
