//! The control socket: `cst` commands, one request and one response at a time, after a
//! Hello of our protocol version. Same-uid peers only.

use std::sync::Arc;

use cst_protocol::{
    FrameCodec, PROTOCOL_VERSION,
    bus::Rejected,
    control::{ControlRequest, ControlResponse, ServerHello},
    socket::{self, Listener, Stream},
};
use futures::{SinkExt, StreamExt};
use tokio::sync::oneshot;
use tokio_util::{codec::Framed, task::TaskTracker};

use super::{
    bus::{HELLO_TIMEOUT, describe},
    events::{CoreEvent, CoreSender},
    limits::{self, CONTROL_IDLE, Slot},
    stats::SocketStats,
};

type Conn = Framed<Stream, FrameCodec<ControlRequest, ControlResponse>>;

/// Connections run on `tracker`, so a stopping supervisor can let in-flight answers (the
/// reply to `cst stop` above all) reach their clients before it exits.
pub async fn serve(
    listener: Listener,
    core: CoreSender,
    stats: Arc<SocketStats>,
    tracker: TaskTracker,
) {
    let slots = limits::slots();
    loop {
        let (stream, slot) = limits::accept(&slots, &listener, "control").await;
        let (core, stats) = (core.clone(), stats.clone());
        tracker.spawn(async move {
            let result = tokio::select! {
                r = connection(stream, &core, &stats, &slot) => r,
                () = slot.evicted() => Err("idle while the socket was full: closed for a newer connection".to_string()),
            };
            if let Err(reason) = result {
                SocketStats::inc(&stats.control_rejected);
                tracing::warn!(socket = "control", %reason, "connection dropped");
            }
            drop(slot);
        });
    }
}

async fn connection(
    stream: Stream,
    core: &CoreSender,
    stats: &SocketStats,
    slot: &Slot,
) -> Result<(), String> {
    let peer = socket::check_same_uid(&stream).map_err(|e| e.to_string())?;
    let pid = peer.pid.unwrap_or(0);
    let mut conn = Conn::new(stream, FrameCodec::new());
    let first = tokio::time::timeout(HELLO_TIMEOUT, conn.next())
        .await
        .map_err(|_| format!("pid {pid}: no Hello within {} s", HELLO_TIMEOUT.as_secs()))?;
    let reason = match first {
        None => return Ok(()),
        Some(Ok(ControlRequest::Hello(h))) if h.protocol_version == PROTOCOL_VERSION => None,
        Some(Ok(ControlRequest::Hello(h))) => Some(format!(
            "pid {pid}: protocol version {} not supported (this supervisor speaks {PROTOCOL_VERSION}): use the cst binary that started the supervisor",
            h.protocol_version
        )),
        Some(Ok(other)) => Some(format!("pid {pid}: first request is not Hello: {other:?}")),
        Some(Err(e)) => Some(describe(&e, pid)),
    };
    if let Some(reason) = reason {
        let _ = conn
            .send(ControlResponse::Rejected(Rejected {
                reason: reason.clone(),
            }))
            .await;
        return Err(reason);
    }
    conn.send(ControlResponse::Welcome(ServerHello {
        protocol_version: PROTOCOL_VERSION,
        supervisor_pid: std::process::id(),
    }))
    .await
    .map_err(|e| e.to_string())?;

    loop {
        let request = match tokio::time::timeout(CONTROL_IDLE, conn.next()).await {
            Err(_) => return Err(format!("pid {pid}: idle for {} s", CONTROL_IDLE.as_secs())),
            Ok(None) => return Ok(()),
            Ok(Some(request)) => request.map_err(|e| describe(&e, pid))?,
        };
        if let ControlRequest::Hello(_) = request {
            return Err(format!("pid {pid}: second Hello on one connection"));
        }
        // A request in flight (a `cst stop` waiting for the agents, say) is never evicted.
        slot.busy();
        SocketStats::inc(&stats.control_requests);
        let (reply, answer) = oneshot::channel();
        if core
            .send(CoreEvent::Control { request, reply })
            .await
            .is_err()
        {
            return Ok(());
        }
        let Ok(response) = answer.await else {
            return Ok(());
        };
        conn.send(response).await.map_err(|e| e.to_string())?;
        slot.idle();
    }
}
