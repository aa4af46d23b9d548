//! Starts agent processes from one long-lived thread.
//!
//! An agent dies with the supervisor ([`cst_agent::child::die_with_parent`]), and that
//! signal is tied to the *thread* that forked it: forking from a tokio worker (which may be
//! retired) could kill agents at random. So every spawn happens on this thread, which lives
//! as long as the supervisor.

use std::{os::unix::process::CommandExt, process::Stdio, sync::mpsc as std_mpsc};

use tokio::runtime::Handle;

use super::{
    events::{CoreEvent, CoreSender},
    logs::LogSink,
    pids::SpawnedPids,
};
use crate::error::DaemonError;

#[derive(Debug)]
pub struct SpawnRequest {
    pub agent: usize,
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Spawner {
    tx: std_mpsc::Sender<SpawnRequest>,
}

impl Spawner {
    pub fn start(
        handle: Handle,
        core: CoreSender,
        pids: SpawnedPids,
        logs: LogSink,
    ) -> Result<Self, DaemonError> {
        let (tx, rx) = std_mpsc::channel::<SpawnRequest>();
        std::thread::Builder::new()
            .name("cst-spawner".into())
            .spawn(move || {
                for req in rx {
                    let agent = req.agent;
                    // This thread must outlive every agent (their parent-death signal is tied
                    // to it), so a panic in one spawn becomes that spawn's failure.
                    let spawned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        spawn_one(&handle, &core, &pids, &logs, req)
                    }));
                    if spawned.is_err() {
                        let error = "the spawner panicked while starting it".to_string();
                        let _ = core.blocking_send(CoreEvent::SpawnFailed { agent, error });
                    }
                }
            })
            .map_err(DaemonError::Spawner)?;
        Ok(Self { tx })
    }

    pub fn spawn(&self, req: SpawnRequest) {
        // The thread only ends with the process; a send error cannot happen while we run.
        let _ = self.tx.send(req);
    }
}

fn command(req: &SpawnRequest) -> std::process::Command {
    let mut cmd = std::process::Command::new(&req.argv[0]);
    cmd.args(&req.argv[1..])
        .envs(req.env.iter().map(|(k, v)| (k, v)))
        // systemd's notify socket and watchdog are the supervisor's, not its agents'.
        .env_remove("NOTIFY_SOCKET")
        .env_remove("WATCHDOG_USEC")
        .env_remove("WATCHDOG_PID")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Own process group, so stop and kill reach everything the agent started.
        .process_group(0);
    cst_agent::child::die_with_parent(&mut cmd);
    cmd
}

fn spawn_one(
    handle: &Handle,
    core: &CoreSender,
    pids: &SpawnedPids,
    logs: &LogSink,
    req: SpawnRequest,
) {
    let agent = req.agent;
    let mut cmd = tokio::process::Command::from(command(&req));
    cmd.kill_on_drop(false);
    // Hold the pid table across spawn and the Spawned event (see pids.rs).
    let mut table = pids.lock();
    let spawned = {
        let _rt = handle.enter();
        cmd.spawn()
    };
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            drop(table);
            let error = format!("{}: {e}", req.argv[0]);
            let _ = core.blocking_send(CoreEvent::SpawnFailed { agent, error });
            return;
        }
    };
    let Some(pid) = child.id() else {
        drop(table);
        let error = "the process ended before its pid could be read".to_string();
        let _ = core.blocking_send(CoreEvent::SpawnFailed { agent, error });
        return;
    };
    table.insert(pid, agent);
    let _ = core.blocking_send(CoreEvent::Spawned { agent, pid });
    drop(table);

    if let (Some(out), Some(err)) = (child.stdout.take(), child.stderr.take()) {
        logs.capture(handle, agent, out, err);
    }
    let core = core.clone();
    let pids = pids.clone();
    handle.spawn(async move {
        let (code, signal) = match child.wait().await {
            Ok(status) => {
                use std::os::unix::process::ExitStatusExt;
                (status.code(), status.signal())
            }
            Err(e) => {
                tracing::error!(pid, error = %e, "cannot wait for agent process");
                (None, None)
            }
        };
        pids.remove(pid, agent);
        let _ = core
            .send(CoreEvent::Exited {
                agent,
                pid,
                code,
                signal,
            })
            .await;
    });
}
