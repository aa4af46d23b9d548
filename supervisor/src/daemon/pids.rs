//! The processes this supervisor spawned, by pid. The bus admits only these.
//!
//! The spawner holds the lock from before `spawn()` until it has queued the Spawned event, so
//! a bus connection from a new agent (which looks itself up here) is always processed after
//! its Spawned event.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
};

#[derive(Debug, Clone, Default)]
pub struct SpawnedPids {
    inner: Arc<Mutex<HashMap<u32, usize>>>,
}

impl SpawnedPids {
    pub fn lock(&self) -> MutexGuard<'_, HashMap<u32, usize>> {
        // A panic while holding this lock leaves a plain map behind; keep using it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The agent index a pid was spawned for.
    pub fn agent_of(&self, pid: u32) -> Option<usize> {
        self.lock().get(&pid).copied()
    }

    pub fn pids(&self) -> Vec<u32> {
        self.lock().keys().copied().collect()
    }

    pub fn insert(&self, pid: u32, agent: usize) {
        self.lock().insert(pid, agent);
    }

    /// Forgets `pid` if it still belongs to `agent`: after a reap the kernel may already have
    /// reused the pid for another agent's new process.
    pub fn remove(&self, pid: u32, agent: usize) {
        let mut table = self.lock();
        if table.get(&pid) == Some(&agent) {
            table.remove(&pid);
        }
    }
}
