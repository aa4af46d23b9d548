//! The bus socket: one task per agent connection.
//!
//! Admission: same uid, the peer pid is one this supervisor spawned, the first frame is a
//! Hello of our protocol version naming that same agent and pid. Anything else (garbage, an
//! oversized or truncated frame, a wrong version, a stranger) ends that one connection with a
//! logged reason; nothing is allocated for a frame larger than the limit.

use std::{sync::Arc, time::Duration};

use cst_protocol::{
    FrameCodec, FrameError, PROTOCOL_VERSION,
    bus::{AgentFrame, Hello, Pong, Rejected, SupervisorFrame, Welcome},
    socket::{self, Half, Listener, Stream},
};
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_util::codec::{FramedRead, FramedWrite};

use super::{
    events::{CoreEvent, CoreSender},
    limits::{self, Slot},
    pids::SpawnedPids,
    stats::SocketStats,
};

/// A connection that has not sent its Hello by then is dropped.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(5);
/// Frames queued for one agent before new events for it are dropped.
const OUTBOX: usize = 256;

type Reader = FramedRead<Half, FrameCodec<AgentFrame, SupervisorFrame>>;
type Writer = FramedWrite<Half, FrameCodec<AgentFrame, SupervisorFrame>>;

#[derive(Debug, Clone)]
pub struct BusContext {
    pub core: CoreSender,
    pub pids: SpawnedPids,
    pub names: Arc<Vec<String>>,
    pub heartbeat_interval: Duration,
    pub stats: Arc<SocketStats>,
}

pub async fn serve(listener: Listener, ctx: BusContext) {
    let slots = limits::slots();
    loop {
        let (stream, slot) = limits::accept(&slots, &listener, "bus").await;
        let ctx = ctx.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = connection(stream, ctx, &slot) => {}
                () = slot.evicted() => {
                    tracing::warn!(socket = "bus", "a connection without a handshake closed: the socket was full");
                }
            }
            drop(slot);
        });
    }
}

async fn connection(stream: Stream, ctx: BusContext, slot: &Slot) {
    let (agent, pid, reader, writer) = match admit(stream, &ctx).await {
        Ok(admitted) => {
            // An agent, admitted: its connection is never evicted.
            slot.busy();
            admitted
        }
        Err(reason) => {
            SocketStats::inc(&ctx.stats.bus_rejected);
            tracing::warn!(socket = "bus", %reason, "connection refused");
            return;
        }
    };
    let name = &ctx.names[agent];
    tracing::debug!(agent = %name, pid, "agent connected");
    let (tx, rx) = mpsc::channel(OUTBOX);
    if ctx
        .core
        .send(CoreEvent::Connected { agent, pid, tx })
        .await
        .is_err()
    {
        return;
    }
    if let Err(reason) = pump(agent, pid, reader, writer, rx, &ctx).await {
        tracing::warn!(agent = %name, pid, %reason, "bus connection dropped");
    }
    let _ = ctx.core.send(CoreEvent::Disconnected { agent, pid }).await;
}

/// Checks credentials and the handshake; returns the agent index and pid.
async fn admit(stream: Stream, ctx: &BusContext) -> Result<(usize, u32, Reader, Writer), String> {
    let peer = socket::check_same_uid(&stream).map_err(|e| e.to_string())?;
    let peer_pid = peer.pid.ok_or("peer pid unknown")?;
    let agent = ctx
        .pids
        .agent_of(peer_pid)
        .ok_or_else(|| format!("pid {peer_pid} was not spawned by this supervisor"))?;
    let (recv, send) = socket::split(stream);
    let mut reader = Reader::new(recv, FrameCodec::new());
    let mut writer = Writer::new(send, FrameCodec::new());
    let first = tokio::time::timeout(HELLO_TIMEOUT, reader.next())
        .await
        .map_err(|_| {
            format!(
                "pid {peer_pid}: no Hello within {} s",
                HELLO_TIMEOUT.as_secs()
            )
        })?;
    let hello = match first {
        None => return Err(format!("pid {peer_pid}: closed before Hello")),
        Some(Ok(AgentFrame::Hello(hello))) => hello,
        Some(Ok(other)) => {
            return Err(format!(
                "pid {peer_pid}: first frame is not Hello: {other:?}"
            ));
        }
        Some(Err(e)) => {
            let reason = describe(&e, peer_pid);
            reject(&mut writer, &reason).await;
            return Err(reason);
        }
    };
    if let Err(reason) = check_hello(&hello, peer_pid, &ctx.names[agent]) {
        reject(&mut writer, &reason).await;
        return Err(reason);
    }
    writer
        .send(SupervisorFrame::Welcome(Welcome {
            protocol_version: PROTOCOL_VERSION,
            heartbeat_interval_ms: ctx.heartbeat_interval.as_millis() as u64,
        }))
        .await
        .map_err(|e| e.to_string())?;
    Ok((agent, peer_pid, reader, writer))
}

fn check_hello(hello: &Hello, peer_pid: u32, expected: &str) -> Result<(), String> {
    if hello.protocol_version != PROTOCOL_VERSION {
        return Err(format!(
            "pid {peer_pid}: protocol version {} not supported (this supervisor speaks {PROTOCOL_VERSION}): rebuild the agent with this cst",
            hello.protocol_version
        ));
    }
    if hello.pid != peer_pid {
        return Err(format!("pid {peer_pid}: Hello claims pid {}", hello.pid));
    }
    if hello.agent != expected {
        return Err(format!(
            "pid {peer_pid}: Hello claims agent {:?}, spawned as {expected:?}",
            hello.agent
        ));
    }
    Ok(())
}

/// Words for a frame error, naming a wrong protocol version as such.
pub fn describe(e: &FrameError, peer_pid: u32) -> String {
    match e {
        FrameError::Malformed {
            hello_version: Some(v),
            ..
        } if *v != PROTOCOL_VERSION => format!(
            "pid {peer_pid}: protocol version {v} not supported (this supervisor speaks {PROTOCOL_VERSION})"
        ),
        other => format!("pid {peer_pid}: {other}"),
    }
}

async fn reject(writer: &mut Writer, reason: &str) {
    let frame = SupervisorFrame::Rejected(Rejected {
        reason: reason.to_string(),
    });
    let _ = tokio::time::timeout(Duration::from_secs(1), writer.send(frame)).await;
}

/// What one frame may carry: an agent is trusted with its own work, not with the
/// supervisor's memory. Counters are a few named totals, keys short names; a topic is one of
/// the known [`cst_protocol::Topic`]s (an unknown name does not decode).
pub const MAX_COUNTERS: usize = 64;
pub const MAX_TOPICS: usize = 64;
pub const MAX_NAME_BYTES: usize = 256;
/// A start failure's reason: a sentence or two, with a path or a URL in it.
pub const MAX_REASON_BYTES: usize = 4096;

fn check_size(frame: &AgentFrame) -> Result<(), String> {
    let long = |s: &String| s.len() > MAX_NAME_BYTES;
    match frame {
        AgentFrame::Heartbeat(hb) if hb.counters.len() > MAX_COUNTERS => Err(format!(
            "heartbeat with {} counters (limit {MAX_COUNTERS})",
            hb.counters.len()
        )),
        AgentFrame::Heartbeat(hb) if hb.counters.iter().any(|c| long(&c.name)) => {
            Err(format!("counter name over {MAX_NAME_BYTES} bytes"))
        }
        AgentFrame::Subscribe(sub) if sub.topics.len() > MAX_TOPICS => {
            Err(format!("subscription beyond {MAX_TOPICS} topics"))
        }
        AgentFrame::StartFailed(f) if f.reason.len() > MAX_REASON_BYTES => Err(format!(
            "start failure reason over {MAX_REASON_BYTES} bytes"
        )),
        AgentFrame::Publish(e) if long(&e.key) => {
            Err(format!("event key over {MAX_NAME_BYTES} bytes"))
        }
        _ => Ok(()),
    }
}

/// Moves frames both ways until either side ends. Pings are answered here, without the
/// core, so the bus round trip is one hop.
async fn pump(
    agent: usize,
    pid: u32,
    mut reader: Reader,
    mut writer: Writer,
    mut rx: mpsc::Receiver<SupervisorFrame>,
    ctx: &BusContext,
) -> Result<(), String> {
    loop {
        tokio::select! {
            frame = reader.next() => {
                let frame = match frame {
                    None => return Ok(()),
                    Some(Err(e)) => return Err(describe(&e, pid)),
                    Some(Ok(frame)) => frame,
                };
                SocketStats::inc(&ctx.stats.bus_frames_in);
                match frame {
                    AgentFrame::Ping(ping) => {
                        writer.send(SupervisorFrame::Pong(Pong { seq: ping.seq })).await.map_err(|e| e.to_string())?;
                        SocketStats::inc(&ctx.stats.bus_frames_out);
                    }
                    AgentFrame::Hello(_) => return Err("second Hello on one connection".to_string()),
                    frame => {
                        check_size(&frame).map_err(|e| format!("pid {pid}: {e}"))?;
                        if ctx.core.send(CoreEvent::Frame { agent, pid, frame }).await.is_err() {
                            return Ok(());
                        }
                    }
                }
            }
            out = rx.recv() => match out {
                None => return Ok(()),
                Some(frame) => {
                    writer.send(frame).await.map_err(|e| e.to_string())?;
                    SocketStats::inc(&ctx.stats.bus_frames_out);
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use cst_protocol::bus::{Counter, Event, Heartbeat, Subscribe, Topic};

    use super::*;

    #[test]
    fn frames_beyond_the_size_limits_are_refused() {
        let counters = |n: usize, len: usize| {
            AgentFrame::Heartbeat(Heartbeat {
                seq: 1,
                counters: (0..n)
                    .map(|i| Counter {
                        name: format!("{i:0>len$}"),
                        value: 1,
                    })
                    .collect(),
            })
        };
        assert!(check_size(&counters(MAX_COUNTERS, 8)).is_ok());
        assert!(
            check_size(&counters(MAX_COUNTERS + 1, 8))
                .unwrap_err()
                .contains("65 counters")
        );
        assert!(check_size(&counters(1, MAX_NAME_BYTES + 1)).is_err());
        let topics = |n: usize| {
            AgentFrame::Subscribe(Subscribe {
                topics: vec![Topic::Predictions; n],
            })
        };
        assert!(check_size(&topics(MAX_TOPICS)).is_ok());
        assert!(check_size(&topics(MAX_TOPICS + 1)).is_err());
        let event = AgentFrame::Publish(Event {
            topic: Topic::CandlesUpdated,
            key: "k".repeat(MAX_NAME_BYTES + 1),
            version: 1,
            source: String::new(),
        });
        assert!(check_size(&event).is_err());
    }
}
