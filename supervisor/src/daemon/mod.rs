//! `cst up`: the supervisor process.
//!
//! - [`lock`]: one instance per home (flock).
//! - [`spawner`]: spawns agents from one long-lived thread (parent-death signal).
//! - [`pids`]: the pids this supervisor spawned; the bus admits only these.
//! - [`reaper`]: kills and reaps what a dead agent left behind (child subreaper).
//! - [`core`]: owns the agents' state machines and carries out their actions.
//! - [`bus`], [`control`], [`health`]: the three sockets in `HOME/run`.
//! - [`logs`]: agents' stdout/stderr into size-rotated files, never blocking an agent.
//! - [`sampler`]: RSS and CPU per agent, every second.
//! - [`report`], [`metrics`], [`stats`]: what `cst status`, `/health` and `/metrics` show.
//! - [`systemd`]: READY, STATUS, WATCHDOG and STOPPING for a `Type=notify` unit.

pub mod bus;
pub mod control;
pub mod core;
pub mod events;
pub mod health;
pub mod limits;
pub mod lock;
pub mod logs;
pub mod metrics;
pub mod pids;
pub mod reaper;
pub mod report;
pub mod sampler;
pub mod spawner;
pub mod stats;
pub mod systemd;

use std::{path::PathBuf, sync::Arc};

use cst_config::{Config, Home};
use cst_protocol::socket;
use tokio::{
    signal::unix::{SignalKind, signal},
    sync::{mpsc, watch},
};

use self::{
    bus::BusContext,
    core::{Core, CoreParts},
    events::{CORE_QUEUE, CoreEvent},
    health::HealthState,
    lock::InstanceLock,
    logs::LogSink,
    pids::SpawnedPids,
    spawner::Spawner,
    stats::SocketStats,
};
use crate::error::DaemonError;

#[derive(Debug, Clone)]
pub struct DaemonOptions {
    pub home: Home,
    pub config: Config,
    /// The `--config` file, passed on to agents so they read the same one.
    pub config_path: Option<PathBuf>,
    /// Where the agent binaries are: the directory of the `cst` executable.
    pub bin_dir: PathBuf,
}

/// Creates `HOME/run` (0700) and takes the instance lock. Call before anything else touches
/// the home, so a second `cst up` fails before it changes anything.
pub fn prepare(home: &Home) -> Result<InstanceLock, DaemonError> {
    socket::prepare_private_dir(&home.run_dir())?;
    InstanceLock::acquire(home)
}

/// Runs the supervisor until SIGTERM/SIGINT or `cst stop`, then stops every agent in reverse
/// start order and returns. `lock` must come from [`prepare`] for the same home.
pub async fn run(opts: DaemonOptions, lock: InstanceLock) -> Result<(), DaemonError> {
    let home = opts.home.clone();
    // Safe to remove: we hold the lock, so no live supervisor owns these files.
    for path in [
        home.bus_socket(),
        home.control_socket(),
        home.health_socket(),
    ] {
        match std::fs::remove_file(&path) {
            Ok(()) => tracing::info!(path = %path.display(), "removed stale socket"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(DaemonError::io("cannot remove stale socket", path, e)),
        }
    }
    let bus_listener = socket::bind(&home.bus_socket())?;
    let control_listener = socket::bind(&home.control_socket())?;
    let health_listener = socket::bind(&home.health_socket())?;

    let names: Arc<Vec<String>> =
        Arc::new(opts.config.agents.iter().map(|a| a.name.clone()).collect());
    let (core_tx, core_rx) = mpsc::channel(CORE_QUEUE);
    let pids = SpawnedPids::default();
    let stats = Arc::new(SocketStats::default());
    let logs = LogSink::start(&home, &names, &opts.config.logs).map_err(|e| {
        DaemonError::io(
            "cannot start the log writer for",
            home.root().join("logs"),
            e,
        )
    })?;
    let spawner = Spawner::start(
        tokio::runtime::Handle::current(),
        core_tx.clone(),
        pids.clone(),
        logs.clone(),
    )?;
    let (report_tx, report_rx) = watch::channel(Arc::new(initial_report(&home)));

    let bus_ctx = BusContext {
        core: core_tx.clone(),
        pids: pids.clone(),
        names: names.clone(),
        heartbeat_interval: opts.config.supervisor.heartbeat_interval,
        stats: stats.clone(),
    };
    let mut tasks = tokio::task::JoinSet::new();
    tasks.spawn(bus::serve(bus_listener, bus_ctx));
    let control_conns = tokio_util::task::TaskTracker::new();
    tasks.spawn(control::serve(
        control_listener,
        core_tx.clone(),
        stats.clone(),
        control_conns.clone(),
    ));
    tasks.spawn(systemd::run(report_rx.clone()));
    let health_state = HealthState {
        report: report_rx,
        stats: stats.clone(),
    };
    let app = health::router(health_state);
    tasks.spawn(health::serve_unix(health_listener, app.clone()));
    if let Some(addr) = opts.config.health.tcp_addr {
        let tcp = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| DaemonError::io("cannot listen for health on", addr.to_string(), e))?;
        let bound = tcp.local_addr().map(|a| a.to_string()).unwrap_or_default();
        tracing::info!(addr = %bound, "health endpoint on loopback TCP");
        tasks.spawn(health::serve_tcp(tcp, app));
    }
    tasks.spawn(sampler::run(
        core_tx.clone(),
        pids.clone(),
        opts.config.supervisor.sample_interval,
    ));
    tasks.spawn(forward_signals(core_tx.clone()));
    match reaper::become_subreaper() {
        Ok(()) => {
            tasks.spawn(reaper::run(pids.clone()));
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot adopt orphans of agents: PID 1 must reap them")
        }
    }

    tracing::info!(home = %home.root().display(), pid = std::process::id(), "supervisor up");
    let core = Core::new(CoreParts {
        home: home.clone(),
        config: opts.config,
        config_path: opts.config_path,
        bin_dir: opts.bin_dir,
        spawner,
        logs,
        stats,
        report: report_tx,
    });
    core.run(core_rx).await;

    tasks.abort_all();
    for path in [
        home.bus_socket(),
        home.control_socket(),
        home.health_socket(),
    ] {
        let _ = std::fs::remove_file(path);
    }
    // The core is gone, so open control connections end after their last answer is written.
    control_conns.close();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), control_conns.wait()).await;
    drop(lock);
    tracing::info!("supervisor stopped");
    Ok(())
}

/// The report served before the core's first publish: nothing is running yet, so not ready.
fn initial_report(home: &Home) -> cst_protocol::health::ServiceReport {
    use cst_protocol::{
        health::ServiceReport,
        status::{ServiceStatus, SupervisorInfo},
    };
    ServiceReport {
        status: ServiceStatus::Nogo,
        ready: false,
        health_score: None,
        reasons: vec!["the supervisor is starting".to_string()],
        checks: Vec::new(),
        components: Vec::new(),
        health_at: None,
        health_age_ms: None,
        metrics: Vec::new(),
        supervisor: SupervisorInfo {
            pid: std::process::id(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            home: home.root().display().to_string(),
            uptime_ms: 0,
            rss_bytes: None,
            cpu_percent: None,
            stopping: false,
        },
        agents: Vec::new(),
    }
}

/// SIGTERM and SIGINT stop the service gracefully; SIGHUP reloads the configuration.
async fn forward_signals(core: events::CoreSender) {
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        tracing::error!("cannot install signal handlers: stop the supervisor with `cst stop`");
        return;
    };
    loop {
        let event = tokio::select! {
            _ = term.recv() => CoreEvent::Shutdown { reason: "SIGTERM" },
            _ = int.recv() => CoreEvent::Shutdown { reason: "SIGINT" },
            _ = hup.recv() => {
                let (reply, answer) = tokio::sync::oneshot::channel();
                let request = cst_protocol::control::ControlRequest::Reload;
                if core.send(CoreEvent::Control { request, reply }).await.is_err() {
                    return;
                }
                if let Ok(response) = answer.await {
                    tracing::info!(?response, "SIGHUP: reload");
                }
                continue;
            }
        };
        if core.send(event).await.is_err() {
            return;
        }
    }
}
