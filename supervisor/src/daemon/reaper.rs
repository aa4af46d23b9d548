//! Processes the supervisor inherits. It is a child subreaper (`PR_SET_CHILD_SUBREAPER`):
//! a process an agent started (the ml agent's training run) whose agent was SIGKILLed is
//! re-parented here instead of to PID 1, which in a container (where `cst up` may itself be
//! PID 1) or a sandbox may never reap it. Such a process is none of our agents, so on every
//! SIGCHLD this task kills it if it still runs (its agent is gone; nobody reads its result)
//! and reaps it, leaving no orphan and no zombie.

use std::collections::HashSet;

use nix::{
    sys::{
        signal::{Signal, kill},
        wait::{WaitPidFlag, WaitStatus, waitpid},
    },
    unistd::Pid,
};
use tokio::signal::unix::{SignalKind, signal};

use super::pids::SpawnedPids;

/// Makes this process the reaper of its descendants' orphans.
pub fn become_subreaper() -> nix::Result<()> {
    nix::sys::prctl::set_child_subreaper(true)
}

/// Kills and reaps inherited processes on every SIGCHLD until the supervisor stops.
pub async fn run(pids: SpawnedPids) {
    let mut sigchld = match signal(SignalKind::child()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch SIGCHLD: orphans of agents are not reaped");
            return;
        }
    };
    while sigchld.recv().await.is_some() {
        // The spawner holds the pid table while it waits on the core's queue: wait for the
        // table on a blocking thread, never on a runtime worker the core needs.
        let pids = pids.clone();
        let _ = tokio::task::spawn_blocking(move || sweep(&pids)).await;
    }
}

/// One pass: every child of ours that is not an agent is killed (if it runs) and reaped.
/// The pid table is held throughout, so a just-spawned agent is never taken for a stray
/// (the spawner holds it from fork to registration) and an agent's pid stays in the table
/// until tokio has reaped it.
fn sweep(pids: &SpawnedPids) {
    let table = pids.lock();
    let agents: HashSet<u32> = table.keys().copied().collect();
    for pid in children().into_iter().filter(|p| !agents.contains(p)) {
        let pid = Pid::from_raw(pid as i32);
        match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => {
                tracing::warn!(pid = pid.as_raw(), "killing a process whose agent is gone");
                let _ = kill(pid, Signal::SIGKILL);
                // Reaped now if it died at once, else on the SIGCHLD its death sends.
                let _ = waitpid(pid, Some(WaitPidFlag::WNOHANG));
            }
            Ok(status) => tracing::info!(?status, "reaped a process whose agent is gone"),
            Err(_) => {}
        }
    }
}

/// This process's children, from /proc (every thread's list: a child belongs to the
/// thread that forked it, or to the process when inherited).
fn children() -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("children")).ok())
        .flat_map(|list| {
            list.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect()
}
