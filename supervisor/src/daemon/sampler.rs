//! Samples RSS and CPU of every agent and of the supervisor itself.

use std::time::Duration;

use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};

use super::{
    events::{CoreEvent, CoreSender},
    pids::SpawnedPids,
};

pub async fn run(core: CoreSender, pids: SpawnedPids, every: Duration) {
    let mut system = match System::new() {
        Ok(system) => system,
        Err(e) => {
            tracing::warn!(error = %e, "process sampling unavailable: no RSS/CPU figures");
            return;
        }
    };
    let kind = ProcessRefreshKind::nothing().with_memory().with_cpu();
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let mut watched = pids.pids();
        watched.push(std::process::id());
        let list: Vec<Pid> = watched.iter().map(|p| Pid::from_u32(*p)).collect();
        system.refresh_processes_specifics(ProcessesToUpdate::Some(&list), true, kind);
        let samples = watched
            .iter()
            .filter_map(|pid| {
                let p = system.process(Pid::from_u32(*pid))?;
                Some((*pid, p.memory(), p.cpu_usage()))
            })
            .collect();
        if core.send(CoreEvent::Samples(samples)).await.is_err() {
            return;
        }
    }
}
