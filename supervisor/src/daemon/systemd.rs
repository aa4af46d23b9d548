//! systemd integration for a `Type=notify` unit (`deploy/systemd`): `READY=1` once every
//! enabled agent is Ready, `STATUS=` with the agents and the verdict, `WATCHDOG=1` while the
//! core keeps publishing its report (it does at least once a second: a hung core stops the
//! pings and systemd restarts the service), `STOPPING=1` on the way out. Not under systemd
//! (no `$NOTIFY_SOCKET`), it returns at once.

use std::{sync::Arc, time::Duration};

use cst_protocol::{
    health::ServiceReport,
    status::{AgentState, ServiceStatus},
};
use sd_notify::NotifyState;
use tokio::{sync::watch, time::Instant};

/// One notify message; owned, to cross to the sending thread.
#[derive(Debug, Clone)]
enum Msg {
    Ready,
    Stopping,
    Watchdog,
    Status(String),
}

/// Sends on a blocking thread: the notify socket is a datagram socket whose send blocks
/// while the reader's queue is full, and that must never stall the supervisor's runtime.
fn notify(msgs: Vec<Msg>) {
    tokio::task::spawn_blocking(move || {
        let states: Vec<NotifyState<'_>> = msgs
            .iter()
            .map(|m| match m {
                Msg::Ready => NotifyState::Ready,
                Msg::Stopping => NotifyState::Stopping,
                Msg::Watchdog => NotifyState::Watchdog,
                Msg::Status(s) => NotifyState::Status(s),
            })
            .collect();
        if let Err(e) = sd_notify::notify(false, &states) {
            tracing::warn!(error = %e, "cannot notify systemd");
        }
    });
}

/// What `systemctl status` shows beside the unit.
fn status_line(r: &ServiceReport) -> (String, bool) {
    let enabled: Vec<_> = r
        .agents
        .iter()
        .filter(|a| a.state != AgentState::Disabled)
        .collect();
    let ready = enabled
        .iter()
        .filter(|a| a.state == AgentState::Ready)
        .count();
    let all = !enabled.is_empty() && ready == enabled.len();
    let verdict = match r.status {
        ServiceStatus::Go => "GO",
        ServiceStatus::Degraded => "DEGRADED",
        ServiceStatus::Nogo => "NO-GO",
    };
    let text = format!(
        "{ready}/{} agents ready; {verdict}{}",
        enabled.len(),
        if r.ready { ", READY" } else { ", not ready" }
    );
    (text, all)
}

pub async fn run(mut reports: watch::Receiver<Arc<ServiceReport>>) {
    if std::env::var_os("NOTIFY_SOCKET").is_none() {
        return;
    }
    let mut usec = 0;
    let watchdog = sd_notify::watchdog_enabled(false, &mut usec)
        .then(|| Duration::from_micros(usec))
        .filter(|w| !w.is_zero());
    let mut tick = tokio::time::interval(watchdog.map_or(Duration::from_secs(3600), |w| w / 2));
    let (mut ready_sent, mut stopping_sent) = (false, false);
    let mut last_status = String::new();
    let mut published = Instant::now();
    loop {
        tokio::select! {
            changed = reports.changed() => {
                if changed.is_err() {
                    return;
                }
                published = Instant::now();
                let r = reports.borrow_and_update().clone();
                let (status, all_ready) = status_line(&r);
                if all_ready && !ready_sent {
                    notify(vec![Msg::Ready, Msg::Status(status.clone())]);
                    tracing::info!("told systemd the service is ready");
                    ready_sent = true;
                } else if status != last_status {
                    notify(vec![Msg::Status(status.clone())]);
                }
                last_status = status;
                if r.supervisor.stopping && !stopping_sent {
                    notify(vec![Msg::Stopping]);
                    stopping_sent = true;
                }
            }
            _ = tick.tick() => {
                if let Some(w) = watchdog
                    && published.elapsed() < w
                {
                    notify(vec![Msg::Watchdog]);
                }
            }
        }
    }
}
